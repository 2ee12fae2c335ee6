// hotline checkpoint: a signed tree head of the log (C2SP tlog-checkpoint).

#include <cstdio>

#include "engine/audit_proof.h"
#include "tools/hotline/checkpoint_files.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("checkpoint");
  if (!flags.Has("key")) return Usage(self, absl::InvalidArgumentError("--key is required"));
  absl::StatusOr<std::optional<uint64_t>> size = CountFlag(flags, "size");
  if (!size.ok()) return Usage(self, size.status());
  absl::StatusOr<store::SignerKey> key = LoadSignerKey(*flags.Get("key"));
  if (!key.ok()) return Usage(self, key.status());
  auto engine = OpenEngine(flags, /*writable=*/false);
  if (!engine.ok()) return Fail("checkpoint", engine.status());
  absl::StatusOr<std::string> note =
      engine::SignedCheckpoint((*engine)->log(), *key, flags.Get("origin"), *size);
  if (!note.ok()) {
    if (absl::IsInvalidArgument(note.status())) return Usage(self, note.status());
    return Fail("checkpoint", note.status());
  }
  std::fwrite(note->data(), 1, note->size(), stdout);
  return kExitOk;
}

}  // namespace

Subcommand CheckpointCommand() {
  return {"checkpoint", "checkpoint --key FILE [--origin ORIGIN] [--size N]",
          "Print the signed checkpoint of the log's Merkle tree at N records (default the "
          "head): origin, size and root hash, signed with the signer key (docs/audit.md).",
          {{"key", true, "the signer key file (hotline keygen)"},
           {"origin", true,
            "the log's name in the checkpoint (default hotline/ + 16 hex digits of record 1's hash)"},
           {"size", true, "the tree size, records 1..N (default the head)"}},
          0, 0, Run};
}

}  // namespace hotline::cli
