#include "tests/child_process.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "absl/strings/numbers.h"
#include "gtest/gtest.h"

namespace hotline::testing {

Child SpawnSelf(std::vector<std::string> args, bool pipe_to_parent) {
  int fds[2] = {-1, -1};
  if (pipe_to_parent && pipe(fds) != 0) std::abort();
  if (pipe_to_parent) args.push_back(std::to_string(fds[1]));
  const pid_t pid = fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    if (pipe_to_parent) close(fds[0]);
    std::vector<char*> argv = {const_cast<char*>("hotline-test-child")};
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    std::_Exit(127);
  }
  if (pipe_to_parent) close(fds[1]);
  return {pid, fds[0]};
}

int MainWithPipedChild(int argc, char** argv, const char* flag,
                       int (*child)(const std::vector<std::string>& args, int fd)) {
  if (argc >= 3 && std::strcmp(argv[1], flag) == 0) {
    int fd = 0;
    if (!absl::SimpleAtoi(argv[argc - 1], &fd)) return 2;
    return child(std::vector<std::string>(argv + 2, argv + argc - 1), fd);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}

}  // namespace hotline::testing
