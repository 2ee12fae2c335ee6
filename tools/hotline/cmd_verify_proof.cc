// hotline verify-proof: the auditor's offline check of a proof against a
// signed checkpoint; no store.

#include <cstdio>

#include "engine/audit_proof.h"
#include "tools/hotline/checkpoint_files.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("verify-proof");
  if (absl::Status s = RequireFlags(flags, {"verifier", "checkpoint", "proof"}); !s.ok()) {
    return Usage(self, s);
  }
  absl::StatusOr<store::VerifierKey> verifier = LoadVerifierKey(*flags.Get("verifier"));
  if (!verifier.ok()) return Usage(self, verifier.status());
  absl::StatusOr<store::TreeHead> head =
      OpenCheckpoint(*verifier, "--checkpoint", *flags.Get("checkpoint"));
  if (!head.ok()) return Fail("verify-proof", head.status());
  absl::StatusOr<std::string> proof =
      ReadSmallFile("--proof", *flags.Get("proof"), engine::kMaxProofBytes);
  if (!proof.ok()) return Fail("verify-proof", proof.status());
  absl::Status checked;
  if (auto older = flags.Get("consistency")) {
    absl::StatusOr<store::TreeHead> old_head = OpenCheckpoint(*verifier, "--consistency", *older);
    if (!old_head.ok()) return Fail("verify-proof", old_head.status());
    checked = engine::CheckConsistencyProof(*old_head, *head, *proof);
  } else {
    checked = engine::CheckTicketProof(*head, *proof);
  }
  if (!checked.ok()) return Fail("verify-proof", checked);
  std::printf("OK: %s, signed by %s, tree of %llu records\n",
              flags.Has("consistency") ? "the newer tree extends the older"
                                         : "every event is in the log",
              verifier->name.c_str(), static_cast<unsigned long long>(head->size));
  return kExitOk;
}

}  // namespace

Subcommand VerifyProofCommand() {
  return {"verify-proof",
          "verify-proof --verifier KEY --checkpoint FILE --proof FILE "
          "[--consistency OLD_CHECKPOINT]",
          "Check, without a store: the checkpoint's signature, then either each event of a "
          "ticket proof (its hash recomputed from the event, its inclusion in the signed "
          "tree), or with --consistency that the checkpoint's tree extends OLD_CHECKPOINT's "
          "(the proof is `hotline prove --from`). Says which part failed; exit 0 only when "
          "everything holds.",
          {{"verifier", true, "the verifier key, or a file holding it"},
           {"checkpoint", true, "the signed checkpoint (hotline checkpoint)"},
           {"proof", true, "the proof document (hotline prove)"},
           {"consistency", true, "an older signed checkpoint: check consistency with it"}},
          0, 0, Run};
}

}  // namespace hotline::cli
