// Engine's SLA timer step and queries over the timer index.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/engine.h"
#include "engine/time_util.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

using hotline::v1::DeadlineKind;
using hotline::v1::Event;
using hotline::v1::TicketState;

// Attempts at one timer whose ticket keeps changing underneath it.
constexpr int kMaxAttempts = 64;

// The command id of one firing: the same deadline of the same cycle always
// maps to the same id, so a repeated or concurrent firing is a duplicate.
std::string TimerCommandId(const TimerEntry& timer, uint32_t cycle) {
  return absl::StrCat("timer:", timer.ticket_id, ":", cycle, ":",
                      DeadlineKind::Value_Name(timer.kind), ":",
                      absl::ToUnixMicros(timer.deadline));
}

}  // namespace

absl::StatusOr<std::vector<Engine::FiredTimer>> Engine::FireDueTimers(absl::Time now,
                                                                      size_t limit) {
  if (options_.mode != store::OpenMode::kReadWrite) {
    return absl::FailedPreconditionError("the engine is open read-only");
  }
  HOTLINE_RETURN_IF_ERROR(CheckProjectionsComplete());
  std::vector<TimerEntry> due;
  HOTLINE_RETURN_IF_ERROR(
      ScanTimers(*log_, kDueTimerPrefix, absl::InfinitePast(), now, limit, &due));
  std::vector<FiredTimer> fired;
  for (const TimerEntry& timer : due) {
    HOTLINE_ASSIGN_OR_RETURN(std::optional<ExecuteResult> result, FireTimer(timer));
    if (result.has_value()) fired.push_back({timer, *result});
  }
  return fired;
}

absl::StatusOr<std::optional<ExecuteResult>> Engine::FireTimer(const TimerEntry& timer) {
  for (int attempt = 1;; ++attempt) {
    HOTLINE_ASSIGN_OR_RETURN(std::shared_ptr<const TicketState> ticket,
                             TicketForDecision(timer.ticket_id, attempt > 1));
    if (ticket == nullptr) {
      return absl::DataLossError(
          absl::StrCat("timer index names unknown ticket '", timer.ticket_id, "'"));
    }
    const std::vector<Obligation> owed = Obligations(*ticket);
    const bool still_due = std::any_of(owed.begin(), owed.end(), [&](const Obligation& o) {
      return o.kind == timer.kind && o.deadline == timer.deadline && !o.fired;
    });
    if (!still_due) return std::nullopt;  // settled since the scan

    hotline::v1::Command command;
    command.set_command_id(TimerCommandId(timer, ticket->cycle()));
    command.set_ticket_id(timer.ticket_id);
    *command.mutable_at() =
        ToProto(std::max(timer.deadline, FromProto(ticket->last_event_at())));
    command.mutable_actor()->set_id("timer");
    command.mutable_actor()->set_role(hotline::v1::Role::SYSTEM);
    std::vector<Event> events(1);
    auto* missed = events[0].mutable_deadline_missed();
    missed->set_kind(timer.kind);
    *missed->mutable_deadline() = ToProto(timer.deadline);
    missed->set_lead_unit(ticket->lead_unit());
    if (timer.kind == DeadlineKind::RATING) {
      events.emplace_back().mutable_ticket_closed()->set_reason(
          hotline::v1::CloseReason::RATING_EXPIRED);
    }
    absl::StatusOr<store::AppendResult> appended =
        AppendTicketEvents(command, ticket.get(), events);
    if (appended.status().code() == absl::StatusCode::kAborted && attempt < kMaxAttempts) {
      continue;
    }
    HOTLINE_RETURN_IF_ERROR(appended.status());
    if (appended->duplicate) return std::nullopt;
    return ExecuteResult{appended->first_sequence, appended->count,
                         appended->stream_version, false};
  }
}

absl::StatusOr<std::vector<TimerEntry>> Engine::DueBefore(absl::Time t) const {
  HOTLINE_RETURN_IF_ERROR(CheckProjectionsComplete());
  std::vector<TimerEntry> out;
  HOTLINE_RETURN_IF_ERROR(
      ScanTimers(*log_, kDueTimerPrefix, absl::InfinitePast(), t, SIZE_MAX, &out));
  return out;
}

absl::StatusOr<std::vector<TimerEntry>> Engine::OpenDeadlines(absl::Time from,
                                                              absl::Time to) const {
  HOTLINE_RETURN_IF_ERROR(CheckProjectionsComplete());
  std::vector<TimerEntry> out;
  HOTLINE_RETURN_IF_ERROR(ScanTimers(*log_, kOpenTimerPrefix, from, to, SIZE_MAX, &out));
  return out;
}

}  // namespace hotline::engine
