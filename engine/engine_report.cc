// Engine::Report: the analyst's side.

#include "absl/strings/str_cat.h"
#include "engine/engine.h"
#include "engine/report_from_log.h"
#include "engine/time_util.h"
#include "store/status_macros.h"

namespace hotline::engine {

absl::Status Engine::CatchUpStatistics() {
  return stats_->CatchUp(directory()->policy().calendar().zone());
}

absl::StatusOr<MonthlyReport> Engine::Report(const ReportQuery& query, bool rebuild) {
  const uint64_t head = log_->head().sequence;
  const bool default_query =
      !query.as_of.has_value() && query.up_to_sequence.value_or(head) == head;
  // While a rebuild runs or after one was interrupted, the projections may
  // be partial: the log alone answers.
  if (rebuild || !default_query || projections_incomplete_) return ReportFromLog(*log_, query);

  HOTLINE_ASSIGN_OR_RETURN(absl::CivilMonth month, ParseMonth(query.month));
  const std::shared_ptr<const Directory> dir = directory();
  const absl::TimeZone zone = dir->policy().calendar().zone();
  if (absl::Status s = CatchUpStatistics(); !s.ok()) {
    // A read-only view of a projection counted in another zone.
    if (s.code() == absl::StatusCode::kFailedPrecondition) return ReportFromLog(*log_, query);
    return s;
  }
  MonthlyReport report;
  report.month = query.month;
  report.up_to_sequence = stats_->position();
  report.time_zone = zone.name();
  report.zone = zone;
  report.window = WindowOf(month, zone, std::nullopt);
  for (const auto& [id, unit] : dir->units()) report.units.emplace_back(id, unit.name());
  HOTLINE_ASSIGN_OR_RETURN(report.rows, stats_->MonthRows(month));
  // Tickets owing a reply now were owing at the month's end if nothing
  // happened to them since before it (sla.md: a handle deadline passed).
  HOTLINE_ASSIGN_OR_RETURN(std::vector<TimerEntry> owed,
                           OpenDeadlines(absl::InfinitePast(), report.window.end));
  for (const TimerEntry& entry : owed) {
    if (entry.kind != hotline::v1::DeadlineKind::HANDLE) continue;
    HOTLINE_ASSIGN_OR_RETURN(std::optional<hotline::v1::TicketState> ticket,
                             LoadTicket(entry.ticket_id));
    if (!ticket.has_value() || FromProto(ticket->last_event_at()) >= report.window.end) continue;
    report.rows[RowKey{RowKind::kTotal, ""}][kOverdueOpen] += 1;
    report.rows[RowKey{RowKind::kUnit, entry.lead_unit}][kOverdueOpen] += 1;
  }
  return report;
}

}  // namespace hotline::engine
