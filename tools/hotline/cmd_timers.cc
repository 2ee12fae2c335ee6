// hotline timers: fire due SLA timers.

#include <cstdio>

#include "engine/time_util.h"
#include "tools/hotline/cli.h"
#include "tools/hotline/replication_flags.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  auto engine = OpenEngine(flags, /*writable=*/true);
  if (!engine.ok()) return Fail("timers", engine.status());
  auto now = ParseTimeFlag(flags, "now", **engine);
  if (!now.ok()) return Usage(FindSubcommand("timers"), now.status());
  auto fired = (*engine)->FireDueTimers(*now);
  if (!fired.ok()) return Fail("timers", fired.status());
  const absl::TimeZone zone = (*engine)->directory()->policy().calendar().zone();
  for (const auto& f : *fired) {
    std::printf("#%-6llu %-10s %-7s deadline %s  unit %s%s\n",
                static_cast<unsigned long long>(f.result.first_sequence),
                f.timer.ticket_id.c_str(),
                hotline::v1::DeadlineKind::Value_Name(f.timer.kind).c_str(),
                engine::FormatLocal(f.timer.deadline, zone).c_str(),
                f.timer.lead_unit.empty() ? "-" : f.timer.lead_unit.c_str(),
                f.timer.kind == hotline::v1::DeadlineKind::RATING ? "  (closed RATING_EXPIRED)"
                                                                  : "");
  }
  if (absl::Status closed = (*engine)->Close(); !closed.ok()) return Fail("timers", closed);
  std::printf("%zu timer(s) fired\n", fired->size());
  return kExitOk;
}

}  // namespace

Subcommand TimersCommand() {
  return WithReplicationFlags(
      {"timers",
          "timers --now T",
          "Fire SLA timers due before T: append a SYSTEM DeadlineMissed for each "
          "deadline missed, and close tickets whose rating window expired. Safe to "
          "run again: each timer fires once.",
          {{"now", true, "the instant to fire timers up to (required)"}},
          0,
          0,
          Run},
      /*promote=*/false);
}

}  // namespace hotline::cli
