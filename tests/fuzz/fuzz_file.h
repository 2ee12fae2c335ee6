#ifndef HOTLINE_TESTS_FUZZ_FUZZ_FILE_H_
#define HOTLINE_TESTS_FUZZ_FUZZ_FILE_H_

// A scratch file per fuzzing process, for the functions under test that read
// a path (the export reader, policy files). Lives in $TMPDIR (default /tmp),
// never in the source tree; removed at exit.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace hotline::fuzz {

class ScratchFile {
 public:
  explicit ScratchFile(const char* name) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/hotline-" + name +
            "-" + std::to_string(getpid());
  }
  ~ScratchFile() { std::remove(path_.c_str()); }

  // Replaces the file's contents with `bytes`; returns its path.
  const std::string& Write(const std::string& bytes) const {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
    return path_;
  }

 private:
  std::string path_;
};

}  // namespace hotline::fuzz

#endif  // HOTLINE_TESTS_FUZZ_FUZZ_FILE_H_
