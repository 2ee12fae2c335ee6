// hotline reseal: a store whose personal data was written in the clear
// copied into a new store with it sealed, and a signed statement linking
// the two logs (docs/personal-data.md, "Events written before sealing").

#include <cstdio>

#include "engine/reseal.h"
#include "tools/hotline/checkpoint_files.h"
#include "tools/hotline/cli.h"
#include "tools/hotline/progress.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("reseal");
  if (absl::Status s = RequireFlags(flags, {"to", "key", "master-key-file"}); !s.ok()) {
    return Usage(self, s);
  }
  absl::StatusOr<store::SignerKey> signer = LoadSignerKey(*flags.Get("key"));
  if (!signer.ok()) return Usage(self, signer.status());
  engine::EngineOptions options;
  options.mode = store::OpenMode::kReadOnly;
  if (absl::Status s = SetUpMasterKey(flags, &options); !s.ok()) return Usage(self, s);
  auto from = engine::Engine::Open(flags.db(), options);
  if (!from.ok()) return Fail("reseal", from.status());
  Progress progress("resealing");
  absl::StatusOr<engine::ResealResult> result =
      engine::Reseal((*from)->log(), (*from)->personal_data(), *flags.Get("to"),
                     options.master_key, [&](uint64_t done, uint64_t total) {
                       progress.Update(done, total);
                     });
  progress.Done();
  if (!result.ok()) return Fail("reseal", result.status());
  absl::StatusOr<std::string> note = store::SignNote(*signer, engine::ResealStatement(*result));
  if (!note.ok()) return Fail("reseal", note.status());
  std::fwrite(note->data(), 1, note->size(), stdout);
  std::fprintf(stderr,
               "resealed %llu events into %s: %llu sealed now, %llu still sealed under an "
               "erased key\n",
               static_cast<unsigned long long>(result->to.size), flags.Get("to")->c_str(),
               static_cast<unsigned long long>(result->sealed),
               static_cast<unsigned long long>(result->kept_sealed));
  return kExitOk;
}

}  // namespace

Subcommand ResealCommand() {
  return {"reseal",
          "reseal --db OLD --to NEW --master-key-file F --key SIGNER",
          "Copy the store into the new store NEW with every personal field sealed under the "
          "master key (for events written in the clear before sealing), rebuild NEW's "
          "projections, and print a statement naming both logs' tree heads signed with "
          "SIGNER (hotline keygen). Every event keeps its position, ids and times; its "
          "hash changes. Destroy the old store and its copies afterwards.",
          {{"to", true, "the new store's directory (must not hold a store)"},
           {"key", true, "the signer key file for the statement (hotline keygen)"}},
          0, 0, Run};
}

}  // namespace hotline::cli
