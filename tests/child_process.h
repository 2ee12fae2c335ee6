#ifndef HOTLINE_TESTS_CHILD_PROCESS_H_
#define HOTLINE_TESTS_CHILD_PROCESS_H_

// Crash and multi-process tests run this same test binary again in a child
// mode: fork, then exec /proc/self/exe, so that the child starts clean
// instead of inheriting the parent's RocksDB thread state through a bare fork.

#include <sys/types.h>

#include <string>
#include <vector>

namespace hotline::testing {

// A child running this binary with `args`. When `pipe_to_parent` is set,
// the child gets the write end of a pipe, its descriptor number appended to
// `args`, and the parent reads the other end from `read_fd`.
struct Child {
  pid_t pid = -1;
  int read_fd = -1;
};
Child SpawnSelf(std::vector<std::string> args, bool pipe_to_parent);

// main() of a test binary whose child mode reports on a pipe: run as
// `BINARY flag ARGS... FD` (SpawnSelf({flag, ARGS...}, true)) it returns
// child(ARGS, FD); otherwise it runs the tests.
int MainWithPipedChild(int argc, char** argv, const char* flag,
                       int (*child)(const std::vector<std::string>& args, int fd));

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_CHILD_PROCESS_H_
