#include "bench/bench_dir.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace hotline::bench {
namespace {

std::vector<std::string>& Dirs() {
  static auto* dirs = new std::vector<std::string>();
  return *dirs;
}

void RemoveDirs() {
  std::error_code ignored;
  for (const std::string& d : Dirs()) std::filesystem::remove_all(d, ignored);
}

}  // namespace

std::string FreshDir(const std::string& name) {
  if (Dirs().empty()) std::atexit(RemoveDirs);
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base ? base : "/tmp") + "/hotline-bench-" +
                        name + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) std::abort();
  Dirs().push_back(pattern);
  return pattern + "/db";
}

}  // namespace hotline::bench
