// hotline keygen: an Ed25519 signer key for checkpoints (C2SP signed note).

#include <cstdio>

#include "store/signed_note.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("keygen");
  if (absl::Status s = RequireFlags(flags, {"name", "out"}); !s.ok()) return Usage(self, s);
  absl::StatusOr<store::SignerKey> key = store::GenerateSignerKey(*flags.Get("name"));
  if (!key.ok()) return Usage(self, key.status());
  if (absl::Status s = WriteSecretFile(*flags.Get("out"), store::FormatSignerKey(*key) + "\n");
      !s.ok()) {
    return Fail("keygen", s);
  }
  std::printf("%s\n", store::FormatVerifierKey(store::VerifierOf(*key)).c_str());
  return kExitOk;
}

}  // namespace

Subcommand KeygenCommand() {
  return {"keygen", "keygen --name NAME --out FILE",
          "Make an Ed25519 signer key for checkpoints: write it (C2SP signed-note format) to "
          "the new file FILE, owner-only, and print its verifier key, which auditors keep.",
          {{"name", true, "the key's name, e.g. the centre's domain (no '+' or spaces)"},
           {"out", true, "the new signer key file (must not exist)"}},
          0, 0, Run};
}

}  // namespace hotline::cli
