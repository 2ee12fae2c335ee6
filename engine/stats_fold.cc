#include "engine/stats_fold.h"

#include "engine/time_util.h"

namespace hotline::engine {
namespace {

using hotline::v1::Event;
using hotline::v1::EventEnvelope;
using hotline::v1::StatsTrack;

RowKey Total() { return {RowKind::kTotal, ""}; }
RowKey Centre() { return {RowKind::kCentre, ""}; }
RowKey Unit(const std::string& id) { return {RowKind::kUnit, id}; }
// The row of the cycle's handler: its lead unit, or the centre for a cycle
// answered directly.
RowKey Handler(const std::string& lead_unit) {
  return lead_unit.empty() ? Centre() : Unit(lead_unit);
}

}  // namespace

const char* CounterName(Counter counter) {
  static constexpr const char* kNames[] = {
      "received",     "answered_directly",   "dispatched",          "accepted_on_time",
      "returned",     "completed",           "completed_on_time",   "overdue_open",
      "extensions_approved", "urged",        "reopened",            "rated",
      "unreachable",  "satisfied",           "basically_satisfied", "dissatisfied",
      "resolved",     "handle_hours_sum",    "dispatched_requiring_accept"};
  static_assert(std::size(kNames) == kCounterCount);
  return kNames[counter];
}

void FoldStatsEvent(const EventEnvelope& envelope, StatsTrack* t, StatsSink* sink) {
  if (envelope.stream_id().starts_with('$')) return;
  const Event& e = envelope.event();
  const absl::Time at = FromProto(envelope.at());
  auto add = [&](const RowKey& row, Counter c, int64_t delta = 1) {
    sink->Add(at, at, row, c, delta);
  };
  // Rows of the by_category / by_appeal_type breakdowns.
  auto breakdown = [&](Counter c) {
    add({RowKind::kCategory, t->category()}, c);
    add({RowKind::kAppealType, hotline::v1::AppealType::Value_Name(t->appeal_type())}, c);
  };
  // The snapshot status since the previous event lasts up to this one.
  if (t->owing()) {
    sink->Owed(t->lead_unit(), FromProto(t->last_at()), at, FromProto(t->handle_deadline()));
  }
  *t->mutable_last_at() = envelope.at();

  switch (e.payload_case()) {
    case Event::kTicketReceived: {
      const auto& r = e.ticket_received();
      t->set_category(r.category());
      t->set_appeal_type(r.appeal_type());
      for (const RowKey& row : {Total(), Centre()}) add(row, kReceived);
      breakdown(kReceived);
      add({RowKind::kChannel, hotline::v1::Channel::Value_Name(r.channel())}, kReceived);
      break;
    }
    case Event::kTicketAnsweredDirectly:
      for (const RowKey& row : {Total(), Centre()}) add(row, kAnsweredDirectly);
      break;
    case Event::kTicketDispatched: {
      const auto& d = e.ticket_dispatched();
      for (const RowKey& row : {Total(), Unit(d.lead_unit())}) {
        add(row, kDispatched);
        if (d.require_accept()) add(row, kDispatchedRequiringAccept);
      }
      t->set_owing(true);
      t->set_lead_unit(d.lead_unit());
      *t->mutable_handle_deadline() = d.handle_deadline();
      *t->mutable_dispatched_at() = envelope.at();
      t->set_cohort_pending(d.require_accept());
      *t->mutable_cohort_dispatched_at() = envelope.at();
      *t->mutable_cohort_accept_deadline() = d.accept_deadline();
      break;
    }
    case Event::kTicketAccepted:
      // The first accept after a counted dispatch, for that dispatch's month.
      if (t->cohort_pending() && at <= FromProto(t->cohort_accept_deadline())) {
        const absl::Time anchor = FromProto(t->cohort_dispatched_at());
        for (const RowKey& row : {Total(), Unit(t->lead_unit())}) {
          sink->Add(anchor, at, row, kAcceptedOnTime, 1);
        }
      }
      t->set_cohort_pending(false);
      break;
    case Event::kReturnApproved:
      for (const RowKey& row : {Total(), Unit(e.return_approved().lead_unit())}) {
        add(row, kReturned);
      }
      t->set_owing(false);
      t->set_cohort_pending(false);
      break;
    case Event::kExtensionApproved:
      for (const RowKey& row : {Total(), Unit(e.extension_approved().lead_unit())}) {
        add(row, kExtensionsApproved);
      }
      *t->mutable_handle_deadline() = e.extension_approved().new_handle_deadline();
      break;
    case Event::kTicketReplied:
      t->set_owing(false);  // a reply waiting for review is not overdue
      *t->mutable_replied_at() = envelope.at();
      *t->mutable_reply_deadline() = t->handle_deadline();
      break;
    case Event::kReplyRejected:
      t->set_owing(true);  // the same unit redoes it, deadline kept
      break;
    case Event::kReplyApproved: {
      const bool on_time = FromProto(t->replied_at()) <= FromProto(t->reply_deadline());
      const int64_t millis = absl::ToInt64Milliseconds(FromProto(t->replied_at()) -
                                                       FromProto(t->dispatched_at()));
      for (const RowKey& row : {Total(), Unit(e.reply_approved().lead_unit())}) {
        add(row, kCompleted);
        if (on_time) add(row, kCompletedOnTime);
        add(row, kHandleMillisSum, millis);
      }
      breakdown(kCompleted);
      if (on_time) breakdown(kCompletedOnTime);
      break;
    }
    case Event::kTicketUrged:
      for (const RowKey& row : {Total(), Unit(e.ticket_urged().lead_unit())}) add(row, kUrged);
      break;
    case Event::kTicketReopened:
      for (const RowKey& row : {Total(), Handler(e.ticket_reopened().lead_unit())}) {
        add(row, kReopened);
      }
      break;
    case Event::kTicketRated: {
      const auto& r = e.ticket_rated();
      std::vector<Counter> counters;
      counters.push_back(r.contacted() ? kRated : kUnreachable);
      switch (r.satisfaction()) {
        case hotline::v1::Satisfaction::SATISFIED:
          counters.push_back(kSatisfied);
          break;
        case hotline::v1::Satisfaction::BASICALLY_SATISFIED:
          counters.push_back(kBasicallySatisfied);
          break;
        case hotline::v1::Satisfaction::DISSATISFIED:
          counters.push_back(kDissatisfied);
          break;
        default:
          break;
      }
      if (r.has_resolved() && r.resolved()) counters.push_back(kResolved);
      for (Counter c : counters) {
        for (const RowKey& row : {Total(), Handler(r.lead_unit())}) add(row, c);
        if (c != kUnreachable) breakdown(c);
      }
      break;
    }
    case Event::kTicketClosed:
      t->set_owing(false);
      t->set_cohort_pending(false);
      break;
    default:
      break;
  }
}

}  // namespace hotline::engine
