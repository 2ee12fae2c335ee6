// hotline backup: a consistent copy of the store (RocksDB checkpoint).

#include <cstdio>

#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  if (!flags.Has("to")) {
    return Usage(FindSubcommand("backup"), absl::InvalidArgumentError("--to is required"));
  }
  // The writer's checkpoint (hard links) when no one else writes; beside a
  // running writer, a copy of a read-only view, which takes no lock.
  auto engine = OpenEngine(flags, /*writable=*/true);
  if (engine.status().code() == absl::StatusCode::kFailedPrecondition) {
    engine = OpenEngine(flags, /*writable=*/false);
  }
  if (!engine.ok()) return Fail("backup", engine.status());
  if (absl::Status s = (*engine)->Backup(*flags.Get("to")); !s.ok()) return Fail("backup", s);
  std::printf("backed up %llu events to %s\n",
              static_cast<unsigned long long>((*engine)->log().head().sequence),
              flags.Get("to")->c_str());
  return kExitOk;
}

}  // namespace

Subcommand BackupCommand() {
  return {"backup", "backup --to DIR",
          "Write a consistent copy of the store to the new directory DIR (a RocksDB "
          "checkpoint, hard links on the same file system; beside a running writer, a "
          "copy of what it had committed when backup started). Open the copy with --db DIR.",
          {{"to", true, "the new directory (required; must not exist)"}}, 0, 0, Run};
}

}  // namespace hotline::cli
