// hotline keygen-master: the master key citizens' personal data is sealed
// under (docs/personal-data.md).

#include <cstdio>

#include "engine/secret_box.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("keygen-master");
  if (absl::Status s = RequireFlags(flags, {"out"}); !s.ok()) return Usage(self, s);
  absl::StatusOr<std::string> key = engine::RandomBytes(engine::kSecretKeyBytes);
  if (!key.ok()) return Fail("keygen-master", key.status());
  // Never overwritten: that would lose every key sealed under the old one.
  const std::string path = *flags.Get("out");
  if (absl::Status s = WriteSecretFile(path, *key); !s.ok()) return Fail("keygen-master", s);
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
