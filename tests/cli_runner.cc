#include "tests/cli_runner.h"

#include <sys/wait.h>

#include <cstdio>

namespace hotline::testing {

CliRun Hotline(const std::string& args) {
  const std::string command = std::string(HOTLINE_CLI) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace hotline::testing
