// Engine's SLA timer step and queries over the timer index.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/command_validation.h"
#include "engine/engine.h"
#include "engine/event_codec.h"
#include "engine/time_util.h"
#include "engine/until_settled.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

using hotline::v1::DeadlineKind;
using hotline::v1::Event;
using hotline::v1::TicketState;

// Stores made before client command ids with the timer prefix were refused
// may hold a client's command under a firing's id; the firing then takes the
// next of "<id>#1", "<id>#2", ... that is free or its own. Bounded, since
// each alias needs a colliding command from before the refusal.
constexpr int kMaxTimerIdAliases = 16;

// The command id of one firing: the same deadline of the same cycle always
// maps to the same id, so a repeated or concurrent firing is a duplicate.
// `alias` > 0 names the alias taken after collisions (see above).
std::string TimerCommandId(const TimerEntry& timer, uint32_t cycle, int alias) {
  std::string id = absl::StrCat(kTimerCommandIdPrefix, timer.ticket_id, ":", cycle, ":",
                                DeadlineKind::Value_Name(timer.kind), ":",
                                absl::ToUnixMicros(timer.deadline));
  if (alias > 0) absl::StrAppend(&id, "#", alias);
  return id;
}

// True when the command recorded at `appended` is this firing: a
// DeadlineMissed of the timer's kind and deadline on its ticket.
absl::StatusOr<bool> IsFiringOf(const store::EventLog& log, const store::AppendResult& appended,
                                const TimerEntry& timer) {
  HOTLINE_ASSIGN_OR_RETURN(store::Record record, log.Read(appended.first_sequence));
  if (record.stream_id != timer.ticket_id) return false;
  hotline::v1::EventEnvelope envelope;
  HOTLINE_RETURN_IF_ERROR(DecodeEvent(record, &envelope));
  if (!envelope.event().has_deadline_missed()) return false;
  const auto& missed = envelope.event().deadline_missed();
  return missed.kind() == timer.kind && FromProto(missed.deadline()) == timer.deadline;
}

}  // namespace

absl::StatusOr<std::vector<Engine::FiredTimer>> Engine::FireDueTimers(absl::Time now,
                                                                      size_t limit) {
  if (options_.mode != store::OpenMode::kReadWrite) {
    return absl::FailedPreconditionError("the engine is open read-only");
  }
  absl::ReaderMutexLock running(&commands_mu_);
  HOTLINE_RETURN_IF_ERROR(CheckProjectionsComplete());
  std::vector<TimerEntry> due;
  HOTLINE_RETURN_IF_ERROR(
      ScanTimers(*log_, kDueTimerPrefix, absl::InfinitePast(), now, limit, &due));
  std::vector<FiredTimer> fired;
  for (const TimerEntry& timer : due) {
    HOTLINE_ASSIGN_OR_RETURN(std::optional<ExecuteResult> result, FireTimer(timer, now));
    if (result.has_value()) fired.push_back({timer, *result});
  }
  return fired;
}

absl::StatusOr<std::optional<ExecuteResult>> Engine::FireTimer(const TimerEntry& timer,
                                                                absl::Time now) {
  int alias = 0;
  // nullopt (in the settled value): the ticket no longer owes the deadline.
  using Fired = std::optional<ExecuteResult>;
  return UntilSettled<Fired>(
      absl::StrCat("ticket '", timer.ticket_id, "'"),
      [&](bool fresh) -> absl::StatusOr<std::optional<Fired>> {
        HOTLINE_ASSIGN_OR_RETURN(std::shared_ptr<const TicketState> ticket,
                                 TicketForDecision(timer.ticket_id, fresh));
        if (ticket == nullptr) {
          return absl::DataLossError(
              absl::StrCat("timer index names unknown ticket '", timer.ticket_id, "'"));
        }
        const std::vector<Obligation> owed = Obligations(*ticket);
        const bool still_due = std::any_of(owed.begin(), owed.end(), [&](const Obligation& o) {
          return o.kind == timer.kind && o.deadline == timer.deadline && !o.fired;
        });
        if (!still_due) return Fired();  // settled since the scan

        hotline::v1::Command command;
        command.set_command_id(TimerCommandId(timer, ticket->cycle(), alias));
        command.set_ticket_id(timer.ticket_id);
        // The miss is stated when it is seen: the firing instant, after the
        // deadline (at the deadline itself the ticket is still on time), and
        // never before the ticket's last event.
        *command.mutable_at() = ToProto(std::max(now, FromProto(ticket->last_event_at())));
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
        if (appended.status().code() == absl::StatusCode::kAborted) return std::nullopt;
        HOTLINE_RETURN_IF_ERROR(appended.status());
        if (appended->duplicate) {
          HOTLINE_ASSIGN_OR_RETURN(bool own, IsFiringOf(*log_, *appended, timer));
          if (own) return Fired();  // fired meanwhile by another caller
          if (++alias > kMaxTimerIdAliases) {
            return absl::InternalError(absl::StrCat("timer firing '", command.command_id(),
                                                    "': every alias of its command id is taken"));
          }
          return std::nullopt;  // a client's command holds the id: the next alias
        }
        return Fired(ExecuteResult{appended->first_sequence, appended->count,
                                   appended->stream_version, false});
      });
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
