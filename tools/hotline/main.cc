// hotline: the command line over the hotline library (cli.md).

#include <malloc.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "tools/hotline/cli.h"

namespace {

using hotline::cli::Subcommand;

void PrintOverview() {
  std::printf(
      "usage: hotline SUBCOMMAND [flags]   (--db DIR, default ./hotline-data)\n\n");
  for (const Subcommand& c : hotline::cli::Subcommands()) {
    std::printf("  %-10s %s\n", c.name.c_str(), c.summary.c_str());
  }
  std::printf(
      "\nExit codes: 0 ok, 1 failure, 2 usage, 3 some commands refused.\n"
      "Run 'hotline SUBCOMMAND --help' for its flags.\n");
}

void PrintHelp(const Subcommand& c) {
  std::printf("usage: hotline %s\n\n%s\n\nflags:\n", c.usage.c_str(), c.summary.c_str());
  for (const auto& f : c.flags) {
    std::printf("  --%-18s %s\n", (f.name + (f.takes_value ? " V" : "")).c_str(),
                f.help.c_str());
  }
  std::printf("  --%-18s %s\n", "db DIR", "the store (default ./hotline-data)");
  std::printf("  --%-18s %s\n", "master-key-file F",
              "the master key personal data is sealed under (docs/personal-data.md)");
  std::printf("  --%-18s %s\n", "help", "this text");
}

// Runs the subcommand args[0] (or prints help) and returns its exit code.
int Dispatch(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    PrintOverview();
    return args.empty() ? hotline::cli::kExitUsage : hotline::cli::kExitOk;
  }
  for (const Subcommand& c : hotline::cli::Subcommands()) {
    if (c.name != args[0]) continue;
    auto flags = hotline::cli::Flags::Parse({args.begin() + 1, args.end()}, c.flags,
                                            c.min_positional, c.max_positional);
    if (!flags.ok()) return hotline::cli::Usage(c, flags.status());
    if (flags->Has("help")) {
      PrintHelp(c);
      return hotline::cli::kExitOk;
    }
    return c.run(*flags);
  }
  std::fprintf(stderr, "hotline: unknown subcommand '%s'\n\n", args[0].c_str());
  PrintOverview();
  return hotline::cli::kExitUsage;
}

// Every subcommand writes its output through stdout (printf, fwrite, or
// std::cout, which is synchronised with stdio): flush it here, once, and
// turn a lost write (a full disk, /dev/full, a closed pipe) into an error
// rather than an exit code that says all was printed. A command that failed
// already has said why on stderr and exits non-zero; it is left alone.
int CheckStdout(const std::string& name, int code) {
  if (code != hotline::cli::kExitOk && code != hotline::cli::kExitRefused) return code;
  errno = 0;
  std::cout.flush();
  const bool flushed = std::fflush(stdout) == 0;
  const int error = errno;
  if (flushed && !std::ferror(stdout) && std::cout.good()) return code;
  // A write that failed before this flush left only stdout's error flag.
  std::fprintf(stderr, "hotline%s%s: writing standard output failed: %s\n",
               name.empty() ? "" : " ", name.c_str(),
               error != 0 ? std::strerror(error) : "an earlier write was refused");
  return hotline::cli::kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  // RocksDB allocates memtables in blocks of megabytes. glibc, by default,
  // raises its mmap threshold to the size of the first such block freed and
  // then serves later ones from its heap, where freed blocks stay resident:
  // whole-log tools (rebuild, import) would keep every memtable they ever
  // filled. A fixed threshold keeps large blocks mapped, returned when freed.
  mallopt(M_MMAP_THRESHOLD, 512 << 10);
  const std::vector<std::string> args(argv + 1, argv + argc);
  const int code = Dispatch(args);
  const bool named = !args.empty() && args[0] != "help" && args[0][0] != '-';
  return CheckStdout(named ? args[0] : "", code);
}
