// hotline prove: inclusion proofs of a ticket's events, or a consistency
// proof between two tree sizes, as JSON.

#include <cstdio>

#include "engine/audit_proof.h"
#include "tools/hotline/checkpoint_files.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("prove");
  if (flags.Has("ticket") == flags.Has("from")) {
    return Usage(self, absl::InvalidArgumentError("give exactly one of --ticket and --from"));
  }
  absl::StatusOr<std::optional<uint64_t>> size = CountFlag(flags, "size");
  if (!size.ok()) return Usage(self, size.status());
  absl::StatusOr<std::optional<uint64_t>> from = CountFlag(flags, "from");
  if (!from.ok()) return Usage(self, from.status());
  auto engine = OpenEngine(flags, /*writable=*/false);
  if (!engine.ok()) return Fail("prove", engine.status());
  const uint64_t tree_size = size->value_or((*engine)->log().head().sequence);
  absl::StatusOr<std::string> json =
      flags.Has("ticket")
          ? engine::TicketProofJson(**engine, *flags.Get("ticket"), tree_size)
          : engine::ConsistencyProofJson((*engine)->log(), **from, tree_size);
  if (!json.ok()) {
    if (absl::IsInvalidArgument(json.status())) return Usage(self, json.status());
    return Fail("prove", json.status());
  }
  std::fwrite(json->data(), 1, json->size(), stdout);
  return kExitOk;
}

}  // namespace

Subcommand ProveCommand() {
  return {"prove", "prove (--ticket T | --from M) [--size N]",
          "Print as JSON every event of ticket T in the tree of N records (default the head) "
          "with its inclusion proof, or the consistency proof from the tree of M records to "
          "the tree of N (docs/audit.md). Check them with verify-proof.",
          {{"ticket", true, "the ticket whose events to prove"},
           {"from", true, "the older tree size of a consistency proof"},
           {"size", true, "the tree size, records 1..N (default the head)"}},
          0, 0, Run};
}

}  // namespace hotline::cli
