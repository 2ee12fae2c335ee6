// hotline sla: overdue and due-soon deadlines (日督催 list).

#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/json_codec.h"
#include "engine/time_util.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("sla");
  if (flags.Has("overdue") && flags.Has("due-within")) {
    return Usage(self, absl::InvalidArgumentError("give --overdue or --due-within, not both"));
  }
  double hours = 24;
  if (auto h = flags.Get("due-within");
      h.has_value() && (!absl::SimpleAtod(*h, &hours) || hours <= 0)) {
    return Usage(self, absl::InvalidArgumentError("--due-within: expected hours > 0"));
  }
  auto engine = OpenEngine(flags, /*writable=*/false);
  if (!engine.ok()) return Fail("sla", engine.status());
  absl::Time as_of = (*engine)->Now();
  if (flags.Has("as-of")) {
    auto t = ParseTimeFlag(flags, "as-of", **engine);
    if (!t.ok()) return Usage(self, t.status());
    as_of = *t;
  }
  // --overdue: deadlines passed; --due-within: coming up; neither: both.
  const absl::Time from = flags.Has("due-within") ? as_of : absl::InfinitePast();
  const absl::Time to = flags.Has("overdue") ? as_of : as_of + absl::Hours(hours);
  auto entries = (*engine)->OpenDeadlines(from, to);
  if (!entries.ok()) return Fail("sla", entries.status());
  const std::string unit = flags.Get("unit").value_or("");
  const absl::TimeZone zone = (*engine)->directory()->policy().calendar().zone();
  size_t shown = 0;
  for (const engine::TimerEntry& e : *entries) {
    if (!unit.empty() && e.lead_unit != unit) continue;
    ++shown;
    const std::string kind = hotline::v1::DeadlineKind::Value_Name(e.kind);
    const bool overdue = e.deadline < as_of;
    if (flags.Has("json")) {
      std::printf("{\"ticketId\":%s,\"kind\":\"%s\",\"deadline\":\"%s\",\"leadUnit\":%s,"
                  "\"overdue\":%s}\n",
                  engine::JsonQuote(e.ticket_id).c_str(), kind.c_str(),
                  engine::FormatUtc(e.deadline).c_str(), engine::JsonQuote(e.lead_unit).c_str(),
                  overdue ? "true" : "false");
    } else {
      std::printf("%-12s %-7s %s  %-8s %s\n", e.ticket_id.c_str(), kind.c_str(),
                  engine::FormatLocal(e.deadline, zone).c_str(),
                  e.lead_unit.empty() ? "centre" : e.lead_unit.c_str(),
                  overdue ? "OVERDUE" : "due");
    }
  }
  if (!flags.Has("json")) {
    std::printf("%zu deadline(s) as of %s\n", shown, engine::FormatLocal(as_of, zone).c_str());
  }
  return kExitOk;
}

}  // namespace

Subcommand SlaCommand() {
  return {"sla",
          "sla [--as-of T] [--overdue | --due-within HOURS] [--unit U] [--json]",
          "Deadlines owed now, from the timer index: overdue ones, ones due within "
          "HOURS (default 24), or both when neither flag is given.",
          {{"as-of", true, "the reference instant (default: now)"},
           {"overdue", false, "only deadlines already passed"},
           {"due-within", true, "only deadlines in the next HOURS hours"},
           {"unit", true, "only deadlines owed by unit U"},
           {"json", false, "one JSON object per deadline"}},
          0,
          0,
          Run};
}

}  // namespace hotline::cli
