// hotline erase: a citizen's personal data erased, or a retention rule
// applied (docs/personal-data.md).

#include <cstdio>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/secret_box.h"
#include "engine/time_util.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("erase");
  if (absl::Status s = RequireFlags(flags, {"reason", "master-key-file"}); !s.ok()) {
    return Usage(self, s);
  }
  if (flags.Has("phone") == flags.Has("closed-before")) {
    return Usage(self, absl::InvalidArgumentError("give --phone or --closed-before, not both"));
  }
  auto engine = OpenEngine(flags, /*writable=*/true);
  if (!engine.ok()) return Fail("erase", engine.status());
  hotline::v1::Command command;
  auto* erase = command.mutable_erase_personal_data();
  erase->set_reason(*flags.Get("reason"));
  if (flags.Has("phone")) {
    erase->set_phone(*flags.Get("phone"));
  } else {
    auto before = ParseTimeFlag(flags, "closed-before", **engine);
    if (!before.ok()) return Usage(self, before.status());
    *erase->mutable_closed_before() = engine::ToProto(*before);
  }
  *command.mutable_at() = engine::ToProto((*engine)->Now());
  command.mutable_actor()->set_id(flags.Get("actor").value_or("admin"));
  command.mutable_actor()->set_role(hotline::v1::Role::ADMIN);
  absl::StatusOr<std::string> nonce = engine::RandomBytes(8);
  if (!nonce.ok()) return Fail("erase", nonce.status());
  const std::string base = absl::StrCat("erase:", absl::BytesToHexString(*nonce));
  // Each command erases at most engine::kMaxTicketsPerErasure tickets:
  // repeat until none is left.
  uint64_t tickets = 0;
  for (int round = 1;; ++round) {
    command.set_command_id(absl::StrCat(base, ":", round));
    auto result = (*engine)->Execute(command);
    if (absl::IsNotFound(result.status()) && tickets > 0) break;
    if (!result.ok()) return Fail("erase", result.status());
    auto history = (*engine)->log().Read(result->first_sequence);
    if (!history.ok()) return Fail("erase", history.status());
    hotline::v1::EventEnvelope event;
    if (!event.ParseFromString(history->payload)) {
      return Fail("erase", absl::DataLossError("the erasure's event does not parse"));
    }
    const auto& erased = event.event().citizen_data_erased();
    tickets += erased.ticket_ids_size();
    std::printf("erased the personal data of %d ticket(s) at sequence %llu%s%s\n",
                erased.ticket_ids_size(),
                static_cast<unsigned long long>(result->first_sequence),
                erased.subject().empty() ? "" : ", subject ", erased.subject().c_str());
  }
  return kExitOk;
}

}  // namespace

Subcommand EraseCommand() {
  return {"erase",
          "erase (--phone P | --closed-before T) --reason R --master-key-file F [--actor ID]",
          "Erase citizens' personal data: delete the data keys of every ticket of the phone "
          "number P, or of every ticket closed before T, and force them off the disk. The "
          "events, their hashes and every report stay; their personal fields read [erased] "
          "in this store and in every copy. Appends one CitizenDataErased (no personal data) "
          "per 5,000 tickets.",
          {{"phone", true, "the citizen's phone number (any formatting)"},
           {"closed-before", true, "a retention rule: tickets closed before this time"},
           {"reason", true, "why, e.g. the request's reference (recorded)"},
           {"actor", true, "the ADMIN erasing (default admin)"}},
          0, 0, Run};
}

}  // namespace hotline::cli
