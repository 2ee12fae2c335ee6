// Engine::Report and Engine::Verify: the analyst's and the auditor's side.

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/engine.h"
#include "engine/event_codec.h"
#include "engine/evolve.h"
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

absl::StatusOr<Engine::VerifyResult> Engine::Verify() const {
  VerifyResult result;
  HOTLINE_ASSIGN_OR_RETURN(result.chain, log_->VerifyChain());
  if (!result.chain.ok()) return result;  // projections of a broken log prove nothing

  // Ticket states and timer index entries, as a fold of the log says.
  absl::flat_hash_map<std::string, hotline::v1::TicketState> states;
  hotline::v1::EventEnvelope envelope;
  HOTLINE_RETURN_IF_ERROR(log_->Scan(1, UINT64_MAX, [&](const store::Record& record) {
    if (record.stream_id.starts_with('$')) return absl::OkStatus();
    envelope.Clear();
    HOTLINE_RETURN_IF_ERROR(DecodeEvent(record, &envelope));
    Evolve(envelope, &states[record.stream_id]);
    return absl::OkStatus();
  }));
  std::map<std::string, std::string> expected_timers;
  for (const auto& [id, state] : states) {
    for (auto& [key, unit] : IndexEntries(state)) expected_timers[key] = std::move(unit);
  }
  uint64_t stored_states = 0;
  HOTLINE_RETURN_IF_ERROR(log_->ScanFamily(
      store::Family::kState, "", [&](absl::string_view key, absl::string_view value) {
        ++stored_states;
        auto it = states.find(std::string(key));
        if (it == states.end()) {
          result.faults.push_back(absl::StrCat("ticket state ", key, ": no such stream"));
        } else if (it->second.SerializeAsString() != value) {
          result.faults.push_back(absl::StrCat("ticket state ", key, ": differs from a replay"));
        }
        return absl::OkStatus();
      }));
  result.tickets = stored_states;
  if (stored_states != states.size()) {
    result.faults.push_back(absl::StrCat("ticket states: ", stored_states, " stored, ",
                                         states.size(), " streams"));
  }
  std::map<std::string, std::string> stored_timers;
  for (const char* prefix : {kOpenTimerPrefix, kDueTimerPrefix}) {
    HOTLINE_RETURN_IF_ERROR(log_->ScanFamily(
        store::Family::kProjections, prefix,
        [&](absl::string_view key, absl::string_view value) {
          stored_timers[std::string(key)] = std::string(value);
          return absl::OkStatus();
        }));
  }
  result.timers = stored_timers.size();
  if (stored_timers != expected_timers) {
    result.faults.push_back(absl::StrCat("timer index: ", stored_timers.size(),
                                         " entries stored, ", expected_timers.size(),
                                         " expected, or their contents differ"));
  }
  HOTLINE_ASSIGN_OR_RETURN(std::vector<std::string> stats,
                           stats_->Verify(directory()->policy().calendar().zone()));
  result.faults.insert(result.faults.end(), stats.begin(), stats.end());
  result.stats_position = log_->ReadCheckpoint("stats").value_or(0);
  return result;
}

}  // namespace hotline::engine
