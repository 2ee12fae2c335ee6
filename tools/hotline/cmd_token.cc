// hotline token add: a new principal for `hotline serve`.

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "server/principals.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("token");
  if (flags.positional()[0] != "add") {
    return Usage(self, absl::InvalidArgumentError(
                           absl::StrCat("unknown action '", flags.positional()[0], "'")));
  }
  if (absl::Status s = RequireFlags(flags, {"tokens", "id", "role"}); !s.ok()) {
    return Usage(self, s);
  }
  server::Principal principal;
  principal.id = *flags.Get("id");
  principal.unit_id = flags.Get("unit").value_or("");
  if (!hotline::v1::Role::Value_Parse(*flags.Get("role"), &principal.role)) {
    return Usage(self, absl::InvalidArgumentError(
                           absl::StrCat("--role: unknown role '", *flags.Get("role"), "'")));
  }
  if (absl::Status s = server::CheckPrincipal(principal); !s.ok()) return Usage(self, s);
  // The file must stay loadable: a principal whose line would break it is
  // refused before anything is written.
  const std::string path = *flags.Get("tokens");
  if (std::ifstream(path).good()) {
    if (auto loaded = server::Principals::Load(path); !loaded.ok()) {
      return Fail("token", loaded.status());
    }
  }
  absl::StatusOr<std::string> token = server::NewToken();
  if (!token.ok()) return Fail("token", token.status());
  // Owner-only, like any credential store: the hashes grant nothing, but
  // the file says who may act as whom.
  const int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  std::FILE* file = fd < 0 ? nullptr : fdopen(fd, "a");
  if (file == nullptr) {
    if (fd >= 0) close(fd);
    return Fail("token", absl::NotFoundError(absl::StrCat(path, ": cannot be opened to append")));
  }
  const std::string line = server::PrincipalLine(principal, *token) + "\n";
  const bool written = std::fwrite(line.data(), 1, line.size(), file) == line.size() &&
                       std::fflush(file) == 0 && fsync(fileno(file)) == 0;
  if (std::fclose(file) != 0 || !written) {
    return Fail("token", absl::DataLossError(absl::StrCat(path, ": the line was not written")));
  }
  // The token itself exists nowhere else: it is shown once.
  std::printf("%s\n", token->c_str());
  return kExitOk;
}

}  // namespace

Subcommand TokenCommand() {
  return {"token", "token add --tokens FILE --id ID --role ROLE [--unit U]",
          "Add a principal of `hotline serve`: print a fresh random token once, and append "
          "its SHA-256 (never the token) with the id, role and unit to FILE. A running "
          "server reads FILE again on SIGHUP.",
          {{"tokens", true, "the tokens file (created if missing)"},
           {"id", true, "the principal's id, the actor id of its commands"},
           {"role", true, "OPERATOR, DISPATCHER, SUPERVISOR, UNIT_STAFF, ADMIN or AUDITOR"},
           {"unit", true, "the unit of UNIT_STAFF"}},
          1, 1, Run};
}

}  // namespace hotline::cli
