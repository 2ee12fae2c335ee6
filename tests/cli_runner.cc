#include "tests/cli_runner.h"

#include <sys/wait.h>

#include <cstdio>

namespace hotline::testing {

namespace {

CliRun Run(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

CliRun Hotline(const std::string& args) {
  return Run(std::string(HOTLINE_CLI) + " " + args + " 2>&1");
}

CliRun HotlineStdoutTo(const std::string& args, const std::string& stdout_path) {
  // Standard error to the pipe first, then standard output away.
  return Run(std::string(HOTLINE_CLI) + " " + args + " 2>&1 >" + stdout_path);
}

}  // namespace hotline::testing
