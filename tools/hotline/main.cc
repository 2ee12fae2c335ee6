// hotline: the command line over the hotline library (cli.md).

#include <cstdio>
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
  std::printf("  --%-18s %s\n", "help", "this text");
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
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
