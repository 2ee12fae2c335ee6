// hotline import: load an export into an empty store.

#include <unistd.h>

#include <cstdio>

#include "engine/audit_proof.h"
#include "tools/hotline/checkpoint_files.h"
#include "tools/hotline/cli.h"
#include "tools/hotline/replication_flags.h"
#include "tools/hotline/progress.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("import");
  if (!flags.Has("in")) return Usage(self, absl::InvalidArgumentError("--in is required"));
  const std::string format = flags.Get("format").value_or("jsonl");
  if (format != "jsonl" && format != "binary") {
    return Usage(self, absl::InvalidArgumentError("--format: expected jsonl or binary"));
  }
  // With a signed checkpoint, the file must be the log it signs: a forged
  // history rehashed to a self-consistent chain is refused before anything
  // is written.
  if (flags.Has("verifier") != flags.Has("checkpoint")) {
    return Usage(self, absl::InvalidArgumentError("--verifier and --checkpoint go together"));
  }
  if (flags.Has("verifier")) {
    absl::StatusOr<store::VerifierKey> verifier = LoadVerifierKey(*flags.Get("verifier"));
    if (!verifier.ok()) return Usage(self, verifier.status());
    absl::StatusOr<store::TreeHead> head =
        OpenCheckpoint(*verifier, "--checkpoint", *flags.Get("checkpoint"));
    if (!head.ok()) return Fail("import", head.status());
    if (absl::Status s = engine::CheckExportAgainst(*flags.Get("in"), format == "binary", *head);
        !s.ok()) {
      return Fail("import", s);
    }
  }
  // Appends without an fsync each; Import syncs the log once at the end.
  engine::EngineOptions options;
  options.sync = false;
  if (absl::Status s = SetUpMasterKey(flags, &options); !s.ok()) {
    return Usage(FindSubcommand("import"), s);
  }
  if (absl::Status s = SetUpReplication(flags, &options); !s.ok()) {
    return absl::IsInvalidArgument(s) ? Usage(FindSubcommand("import"), s) : Fail("import", s);
  }
  auto engine = engine::Engine::Open(flags.db(), options);
  if (!engine.ok()) return Fail("import", engine.status());
  Progress progress("importing");
  absl::Status s = (*engine)->Import(*flags.Get("in"), format == "binary",
                                     [&](uint64_t done, uint64_t total) {
                                       progress.Update(done, total);
                                     });
  progress.Done();
  if (!s.ok()) return Fail("import", s);
  const uint64_t events = (*engine)->log().head().sequence;
  if (absl::Status closed = (*engine)->Close(); !closed.ok()) return Fail("import", closed);
  std::printf("imported %llu events; chain verified, projections rebuilt\n",
              static_cast<unsigned long long>(events));
  return kExitOk;
}

}  // namespace

Subcommand ImportCommand() {
  return WithReplicationFlags(
      {"import",
          "import --in F [--format jsonl|binary] [--verifier KEY --checkpoint FILE]",
          "Load an export into an empty store. The whole file is checked first (sequence, "
          "stream versions, hash chain); a tampered file is refused naming the first bad "
          "position and nothing is written. With a verifier key and a signed checkpoint, the "
          "file's first N events must also have the checkpoint's Merkle root.",
          {{"in", true, "the export file (required)"},
           {"format", true, "jsonl (default) or binary"},
           {"verifier", true, "a verifier key (or a file holding it), with --checkpoint"},
           {"checkpoint", true, "a checkpoint signed by --verifier the file must match"}},
          0,
          0,
          Run},
      /*promote=*/false);
}

}  // namespace hotline::cli
