// hotline policy: show the SLA policy in force, or publish a new one.

#include <cstdio>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "engine/holiday_calendar.h"
#include "engine/json_codec.h"
#include "engine/time_util.h"
#include "store/record.h"
#include "tools/hotline/cli.h"
#include "tools/hotline/replication_flags.h"

namespace hotline::cli {
namespace {

int Show(engine::Engine& engine) {
  std::printf("%s\n", engine::ToJson(engine.directory()->policy().published()).c_str());
  return kExitOk;
}

int Publish(const Flags& flags, engine::Engine& engine) {
  const Subcommand& self = FindSubcommand("policy");
  hotline::v1::Policy policy;
  if (auto file = flags.Get("file")) {
    auto loaded = engine::LoadPolicyFile(*file);
    if (!loaded.ok()) return Usage(self, loaded.status());
    policy = *loaded;
  }
  if (auto calendar_file = flags.Get("calendar")) {
    auto calendar = *calendar_file == "china"
                        ? absl::StatusOr<hotline::v1::HolidayCalendar>(engine::ChinaHolidayCalendar())
                        : engine::LoadHolidayCalendar(*calendar_file);
    if (!calendar.ok()) return Usage(self, calendar.status());
    if (absl::Status s = engine::MergeHolidayCalendar(*calendar, &policy); !s.ok()) {
      return Usage(self, s);
    }
  }
  hotline::v1::Command command;
  // The same policy published twice is one command: idempotent by content.
  command.set_command_id(absl::StrCat(
      "policy:", absl::BytesToHexString(store::Sha256(policy.SerializeAsString())).substr(0, 32)));
  absl::Time at = engine.Now();
  if (flags.Has("at")) {
    auto t = ParseTimeFlag(flags, "at", engine);
    if (!t.ok()) return Usage(self, t.status());
    at = *t;
  }
  *command.mutable_at() = engine::ToProto(at);
  command.mutable_actor()->set_id(flags.Get("actor").value_or("admin"));
  command.mutable_actor()->set_role(hotline::v1::Role::ADMIN);
  *command.mutable_publish_policy()->mutable_policy() = policy;
  auto result = engine.Execute(command);
  if (!result.ok()) return Fail("policy", result.status());
  std::printf("published at sequence %llu%s\n",
              static_cast<unsigned long long>(result->first_sequence),
              result->duplicate ? " (already published before)" : "");
  return kExitOk;
}

int Run(const Flags& flags) {
  const std::string action = flags.positional()[0];
  if (action != "show" && action != "publish") {
    return Usage(FindSubcommand("policy"),
                 absl::InvalidArgumentError("expected 'show' or 'publish'"));
  }
  const bool publish = action == "publish";
  auto engine = OpenEngine(flags, /*writable=*/publish, flags.Has("backfill"));
  if (!engine.ok()) return Fail("policy", engine.status());
  return publish ? Publish(flags, **engine) : Show(**engine);
}

}  // namespace

Subcommand PolicyCommand() {
  return WithReplicationFlags(
      {"policy",
          "policy show | policy publish [--file POLICY.json] [--calendar CAL.json] "
          "[--at T] [--actor ID] [--backfill]",
          "Show the SLA policy in force (as published; unset fields take sla.md's "
          "defaults), or publish one from a Policy JSON file merged with a holiday "
          "calendar such as engine/calendars/china.json.",
          {{"file", true, "the policy, JSON of sla.md (default: all defaults)"},
           {"calendar", true, "a HolidayCalendar JSON to merge into it; 'china' for the built-in one"},
           {"at", true, "when it takes effect (default: now)"},
           {"actor", true, "the ADMIN publishing it (default admin)"},
           {"backfill", false, "allow --at far in the past"}},
          1,
          1,
          Run},
      /*promote=*/false);
}

}  // namespace hotline::cli
