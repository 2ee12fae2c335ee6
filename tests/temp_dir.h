#ifndef HOTLINE_TESTS_TEMP_DIR_H_
#define HOTLINE_TESTS_TEMP_DIR_H_

#include <string>

namespace hotline::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it
// when the object is destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_TEMP_DIR_H_
