#ifndef HOTLINE_TESTS_CLI_RUNNER_H_
#define HOTLINE_TESTS_CLI_RUNNER_H_

// Runs the `hotline` binary (HOTLINE_CLI, set by CMake) as a user would.

#include <string>

namespace hotline::testing {

struct CliRun {
  int exit_code;    // -1 when it did not exit normally
  std::string out;  // standard output and standard error, interleaved
};

// `hotline ARGS` through the shell (so ARGS may quote).
CliRun Hotline(const std::string& args);

// `hotline ARGS` with its standard output sent to `stdout_path` (such as
// /dev/full): `out` holds standard error alone.
CliRun HotlineStdoutTo(const std::string& args, const std::string& stdout_path);

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_CLI_RUNNER_H_
