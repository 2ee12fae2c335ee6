// hotline keygen-master: the master key citizens' personal data is sealed
// under (docs/personal-data.md).

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "engine/secret_box.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("keygen-master");
  if (absl::Status s = RequireFlags(flags, {"out"}); !s.ok()) return Usage(self, s);
  absl::StatusOr<std::string> key = engine::RandomBytes(engine::kSecretKeyBytes);
  if (!key.ok()) return Fail("keygen-master", key.status());
  // A secret: a new file, owner-only; never overwritten (that would lose
  // every key sealed under the old one).
  const std::string path = *flags.Get("out");
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Fail("keygen-master", absl::FailedPreconditionError(
                                     absl::StrCat(path, ": cannot be created (it must not exist)")));
  }
  const bool written = write(fd, key->data(), key->size()) == static_cast<ssize_t>(key->size()) &&
                       fsync(fd) == 0;
  if (close(fd) != 0 || !written) {
    return Fail("keygen-master",
                absl::DataLossError(absl::StrCat(path, ": the key was not written")));
  }
  std::printf("wrote a master key to %s: keep it apart from the store and its backups\n",
              path.c_str());
  return kExitOk;
}

}  // namespace

Subcommand KeygenMasterCommand() {
  return {"keygen-master", "keygen-master --out FILE",
          "Make a master key for personal data: 32 random bytes in the new file FILE, "
          "owner-only. Give it to every command with --master-key-file.",
          {{"out", true, "the new key file (must not exist)"}},
          0, 0, Run};
}

}  // namespace hotline::cli
