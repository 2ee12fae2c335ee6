#include "engine/evolve.h"

namespace hotline::engine {
namespace {

using hotline::v1::DeadlineKind;
using hotline::v1::Event;
using hotline::v1::TicketState;
using hotline::v1::TicketStatus;

// Drops what belongs to the current unit's handling: lead unit, deadlines,
// a pending extension, missed-deadline marks.
void ClearAssignment(TicketState* s) {
  s->clear_lead_unit();
  s->clear_assist_units();
  s->clear_accept_deadline();
  s->clear_handle_deadline();
  s->clear_review_deadline();
  s->clear_rating_deadline();
  s->clear_pending_extension();
  s->clear_missed();
  s->set_accepted(false);
}

void ClearMissed(TicketState* s, DeadlineKind::Value kind) {
  auto* missed = s->mutable_missed();
  for (int i = missed->size() - 1; i >= 0; --i) {
    if (missed->Get(i) == kind) missed->erase(missed->begin() + i);
  }
}

}  // namespace

void Evolve(const hotline::v1::EventEnvelope& envelope, TicketState* s) {
  const Event& event = envelope.event();
  switch (event.payload_case()) {
    case Event::kTicketReceived: {
      const auto& e = event.ticket_received();
      s->set_ticket_id(envelope.stream_id());
      s->set_state(TicketStatus::RECEIVED);
      s->set_cycle(1);
      s->set_channel(e.channel());
      s->set_appeal_type(e.appeal_type());
      s->set_category(e.category());
      s->set_urgency(e.urgency());
      s->set_title(e.title());
      *s->mutable_received_at() = envelope.at();
      break;
    }
    case Event::kTicketAnsweredDirectly:
      s->set_answered_directly(true);
      if (event.ticket_answered_directly().has_rating_deadline()) {
        s->set_state(TicketStatus::AWAITING_RATING);
        *s->mutable_rating_deadline() = event.ticket_answered_directly().rating_deadline();
      }
      break;
    case Event::kTicketDispatched: {
      const auto& e = event.ticket_dispatched();
      ClearAssignment(s);
      s->set_state(e.require_accept() ? TicketStatus::DISPATCHED
                                      : TicketStatus::IN_PROGRESS);
      s->set_lead_unit(e.lead_unit());
      *s->mutable_assist_units() = e.assist_units();
      if (e.has_accept_deadline()) *s->mutable_accept_deadline() = e.accept_deadline();
      *s->mutable_handle_deadline() = e.handle_deadline();
      *s->mutable_dispatched_at() = envelope.at();
      break;
    }
    case Event::kTicketAccepted:
      s->set_state(TicketStatus::IN_PROGRESS);
      s->set_accepted(true);
      break;
    case Event::kReturnRequested:
      s->set_state_before_return(s->state());
      s->set_state(TicketStatus::RETURN_REQUESTED);
      break;
    case Event::kReturnApproved:
      ClearAssignment(s);
      s->set_state(TicketStatus::RETURNED);
      s->clear_state_before_return();
      break;
    case Event::kReturnRejected:
      s->set_state(s->state_before_return());
      s->clear_state_before_return();
      break;
    case Event::kExtensionRequested:
      s->mutable_pending_extension()->set_extra_working_days(
          event.extension_requested().extra_working_days());
      s->mutable_pending_extension()->set_reason(event.extension_requested().reason());
      break;
    case Event::kExtensionApproved:
      s->clear_pending_extension();
      s->set_extensions_approved_this_cycle(s->extensions_approved_this_cycle() + 1);
      *s->mutable_handle_deadline() = event.extension_approved().new_handle_deadline();
      ClearMissed(s, DeadlineKind::HANDLE);  // a new deadline can be missed anew
      break;
    case Event::kExtensionRejected:
      s->clear_pending_extension();
      break;
    case Event::kTicketReplied:
      s->clear_pending_extension();  // a pending request lapses
      s->set_state(TicketStatus::REPLIED);
      *s->mutable_review_deadline() = event.ticket_replied().review_deadline();
      break;
    case Event::kReplyApproved:
      s->set_state(TicketStatus::AWAITING_RATING);
      s->clear_review_deadline();
      *s->mutable_rating_deadline() = event.reply_approved().rating_deadline();
      break;
    case Event::kReplyRejected:
      s->set_state(TicketStatus::IN_PROGRESS);  // same unit redoes, deadline kept
      s->clear_review_deadline();
      ClearMissed(s, DeadlineKind::REVIEW);
      break;
    case Event::kTicketClosed:
      s->set_state(TicketStatus::CLOSED);
      s->set_close_reason(event.ticket_closed().reason());
      *s->mutable_closed_at() = envelope.at();
      s->clear_pending_extension();
      break;
    case Event::kTicketReopened: {
      // The lead unit of the closed cycle stays recorded in the event.
      ClearAssignment(s);
      s->set_state(TicketStatus::REOPENED);
      s->set_cycle(event.ticket_reopened().cycle());
      s->clear_close_reason();
      s->clear_closed_at();
      s->clear_dispatched_at();
      s->set_answered_directly(false);
      s->set_extensions_approved_this_cycle(0);
      break;
    }
    case Event::kTicketMerged:
      s->set_primary_ticket_id(event.ticket_merged().primary_ticket_id());
      break;
    case Event::kDeadlineMissed:
      s->add_missed(event.deadline_missed().kind());
      break;
    case Event::kTicketUrged:
    case Event::kTicketRated:
    case Event::kTicketWithdrawn:
    case Event::kUnitRegistered:
    case Event::kUnitUpdated:
    case Event::kPolicyPublished:
    case Event::kTicketDataRead:
    case Event::kCitizenDataErased:
    case Event::PAYLOAD_NOT_SET:
      break;
  }
  s->set_version(envelope.stream_version());
  *s->mutable_last_event_at() = envelope.at();
}

}  // namespace hotline::engine
