// hotline keygen: an Ed25519 signer key for checkpoints (C2SP signed note).

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "store/signed_note.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("keygen");
  if (absl::Status s = RequireFlags(flags, {"name", "out"}); !s.ok()) return Usage(self, s);
  absl::StatusOr<store::SignerKey> key = store::GenerateSignerKey(*flags.Get("name"));
  if (!key.ok()) return Usage(self, key.status());
  // The signer key is a secret: a new file, owner-only; never overwritten.
  const std::string path = *flags.Get("out");
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Fail("keygen", absl::FailedPreconditionError(
                              absl::StrCat(path, ": cannot be created (it must not exist)")));
  }
  const std::string text = store::FormatSignerKey(*key) + "\n";
  const bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                       fsync(fd) == 0;
  if (close(fd) != 0 || !written) {
    return Fail("keygen", absl::DataLossError(absl::StrCat(path, ": the key was not written")));
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
