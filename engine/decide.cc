#include "engine/decide.h"

#include <initializer_list>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/command_validation.h"
#include "engine/time_util.h"
#include "engine/upcasters.h"
#include "hotline/v1/enums.pb.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

using hotline::v1::CloseReason;
using hotline::v1::Command;
using hotline::v1::Event;
using hotline::v1::Role;
using hotline::v1::TicketState;
using hotline::v1::TicketStatus;
using Events = std::vector<Event>;

struct Context {
  const Command& command;
  const TicketState* ticket;  // non-null for ticket commands past the checks
  const TicketState* primary;
  const Directory& directory;
  absl::Time at;
};

using Handler = absl::StatusOr<Events> (*)(const Context&);

// One row of the transition table.
struct Rule {
  Command::PayloadCase command;
  std::initializer_list<Role::Value> roles;
  // States the command is legal in; empty for receive (a new id) and for
  // directory commands (no ticket).
  std::initializer_list<TicketStatus::Value> from;
  bool lead_unit_only;  // UNIT_STAFF of the ticket's lead unit only
  Handler handle;
};

Event Closed(CloseReason::Value reason) {
  Event e;
  e.mutable_ticket_closed()->set_reason(reason);
  return e;
}

absl::Status Precondition(absl::string_view why) {
  return absl::FailedPreconditionError(why);
}

const SlaPolicy& Policy(const Context& c) { return c.directory.policy(); }

// A computed deadline as recorded. The calendar answers InfiniteFuture when
// it finds too little working time within its walk (a policy of almost no
// working hours); such a command is refused, so that no event ever records
// an instant a Timestamp cannot hold.
absl::StatusOr<google::protobuf::Timestamp> Deadline(absl::Time t, absl::string_view kind) {
  if (t == absl::InfiniteFuture()) {
    return Precondition(absl::StrCat("the policy's calendar leaves no ", kind,
                                     " deadline within ten years"));
  }
  return ToProto(t);
}

// ---- Ticket commands -------------------------------------------------------

absl::StatusOr<Events> Receive(const Context& c) {
  const auto& r = c.command.receive();
  Event e;
  auto* out = e.mutable_ticket_received();
  out->set_channel(r.channel());
  out->set_appeal_type(r.appeal_type());
  out->set_category(r.category());
  out->set_urgency(r.urgency());
  out->set_title(r.title());
  out->set_content(r.content());
  out->set_media_url(r.media_url());
  // Written in the current version: a command's place and contact as they
  // are, or its location, point and citizen mapped the way version 1
  // events are read (validation allows one form or the other).
  out->set_location(r.location());
  if (r.has_citizen()) *out->mutable_citizen() = r.citizen();
  if (r.has_point()) *out->mutable_point() = r.point();
  TicketReceivedV1ToV2(out);
  if (r.has_place()) *out->mutable_place() = r.place();
  if (r.has_contact()) *out->mutable_contact() = r.contact();
  return Events{e};
}

absl::StatusOr<Events> AnswerDirectly(const Context& c) {
  Event e;
  auto* out = e.mutable_ticket_answered_directly();
  out->set_answer(c.command.answer_directly().answer());
  out->set_cycle(c.ticket->cycle());
  if (Policy(c).RateDirectAnswers()) {
    HOTLINE_ASSIGN_OR_RETURN(
        *out->mutable_rating_deadline(),
        Deadline(Policy(c).calendar().AddWorkingDays(c.at, Policy(c).RatingWithinDays()),
                 "rating"));
    return Events{e};
  }
  return Events{e, Closed(CloseReason::NO_RATING_NEEDED)};
}

absl::Status CheckUnitDispatchable(const Directory& directory,
                                   const std::string& unit_id,
                                   absl::string_view field) {
  const hotline::v1::Unit* unit = directory.FindUnit(unit_id);
  if (unit == nullptr) {
    return absl::NotFoundError(absl::StrCat(field, ": no unit '", unit_id, "'"));
  }
  if (!unit->active()) {
    return Precondition(absl::StrCat(field, ": unit '", unit_id, "' is inactive"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Events> Dispatch(const Context& c) {
  const auto& d = c.command.dispatch();
  if (absl::Status s = CheckUnitDispatchable(c.directory, d.lead_unit(), "dispatch.lead_unit");
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < d.assist_units_size(); ++i) {
    if (absl::Status s = CheckUnitDispatchable(
            c.directory, d.assist_units(i), absl::StrCat("dispatch.assist_units[", i, "]"));
        !s.ok()) {
      return s;
    }
  }
  const SlaPolicy& policy = Policy(c);
  Event e;
  auto* out = e.mutable_ticket_dispatched();
  out->set_lead_unit(d.lead_unit());
  *out->mutable_assist_units() = d.assist_units();
  out->set_note(d.note());
  out->set_cycle(c.ticket->cycle());
  out->set_require_accept(policy.RequireAccept());
  if (policy.RequireAccept()) {
    HOTLINE_ASSIGN_OR_RETURN(*out->mutable_accept_deadline(),
                             Deadline(policy.calendar().AddWorkingHours(
                                          c.at, policy.AcceptWithin(c.ticket->urgency())),
                                      "accept"));
  }
  HOTLINE_ASSIGN_OR_RETURN(
      *out->mutable_handle_deadline(),
      Deadline(policy.calendar().AddWorkingDays(
                   c.at, policy.HandleWithinDays(c.ticket->appeal_type(), c.ticket->urgency())),
               "handle"));
  return Events{e};
}

absl::StatusOr<Events> Accept(const Context& c) {
  Event e;
  e.mutable_ticket_accepted()->set_lead_unit(c.ticket->lead_unit());
  return Events{e};
}

absl::StatusOr<Events> RequestReturn(const Context& c) {
  Event e;
  e.mutable_return_requested()->set_reason(c.command.request_return().reason());
  e.mutable_return_requested()->set_lead_unit(c.ticket->lead_unit());
  return Events{e};
}

absl::StatusOr<Events> DecideReturn(const Context& c) {
  const auto& d = c.command.decide_return();
  Event e;
  if (d.approve()) {
    e.mutable_return_approved()->set_comment(d.comment());
    e.mutable_return_approved()->set_lead_unit(c.ticket->lead_unit());
  } else {
    e.mutable_return_rejected()->set_comment(d.comment());
    e.mutable_return_rejected()->set_lead_unit(c.ticket->lead_unit());
  }
  return Events{e};
}

absl::StatusOr<Events> RequestExtension(const Context& c) {
  const auto& r = c.command.request_extension();
  const SlaPolicy& policy = Policy(c);
  if (c.ticket->has_pending_extension()) {
    return Precondition("an extension request is already pending");
  }
  if (static_cast<int>(c.ticket->extensions_approved_this_cycle()) >=
      policy.MaxExtensions()) {
    return Precondition(absl::StrCat("the policy allows ", policy.MaxExtensions(),
                                     " approved extension(s) per cycle"));
  }
  if (static_cast<int>(r.extra_working_days()) > policy.MaxExtensionDays()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "request_extension.extra_working_days: ", r.extra_working_days(),
        " is over the policy's maximum of ", policy.MaxExtensionDays()));
  }
  Event e;
  auto* out = e.mutable_extension_requested();
  out->set_extra_working_days(r.extra_working_days());
  out->set_reason(r.reason());
  out->set_lead_unit(c.ticket->lead_unit());
  return Events{e};
}

absl::StatusOr<Events> DecideExtension(const Context& c) {
  if (!c.ticket->has_pending_extension()) {
    return Precondition("no extension request is pending");
  }
  const auto& d = c.command.decide_extension();
  Event e;
  if (d.approve()) {
    const uint32_t days = c.ticket->pending_extension().extra_working_days();
    auto* out = e.mutable_extension_approved();
    out->set_comment(d.comment());
    out->set_extra_working_days(days);
    HOTLINE_ASSIGN_OR_RETURN(*out->mutable_new_handle_deadline(),
                             Deadline(Policy(c).calendar().ExtendWorkingDays(
                                          FromProto(c.ticket->handle_deadline()),
                                          static_cast<int>(days)),
                                      "extended handle"));
    out->set_lead_unit(c.ticket->lead_unit());
  } else {
    e.mutable_extension_rejected()->set_comment(d.comment());
    e.mutable_extension_rejected()->set_lead_unit(c.ticket->lead_unit());
  }
  return Events{e};
}

absl::StatusOr<Events> Reply(const Context& c) {
  Event e;
  auto* out = e.mutable_ticket_replied();
  out->set_result(c.command.reply().result());
  out->set_outcome(c.command.reply().outcome());
  out->set_lead_unit(c.ticket->lead_unit());
  HOTLINE_ASSIGN_OR_RETURN(
      *out->mutable_review_deadline(),
      Deadline(Policy(c).calendar().AddWorkingHours(c.at, Policy(c).ReviewWithin()), "review"));
  return Events{e};
}

absl::StatusOr<Events> Review(const Context& c) {
  const auto& r = c.command.review();
  Event e;
  if (r.approve()) {
    auto* out = e.mutable_reply_approved();
    out->set_comment(r.comment());
    out->set_lead_unit(c.ticket->lead_unit());
    HOTLINE_ASSIGN_OR_RETURN(
        *out->mutable_rating_deadline(),
        Deadline(Policy(c).calendar().AddWorkingDays(c.at, Policy(c).RatingWithinDays()),
                 "rating"));
  } else {
    e.mutable_reply_rejected()->set_comment(r.comment());
    e.mutable_reply_rejected()->set_lead_unit(c.ticket->lead_unit());
  }
  return Events{e};
}

absl::StatusOr<Events> Rate(const Context& c) {
  const auto& r = c.command.rate();
  Event e;
  auto* out = e.mutable_ticket_rated();
  out->set_contacted(r.contacted());
  out->set_satisfaction(r.satisfaction());
  if (r.has_resolved()) out->set_resolved(r.resolved());
  out->set_lead_unit(c.ticket->lead_unit());
  return Events{e, Closed(r.contacted() ? CloseReason::RATED : CloseReason::UNREACHABLE)};
}

absl::StatusOr<Events> Reopen(const Context& c) {
  switch (c.ticket->close_reason()) {
    case CloseReason::RATED:
    case CloseReason::UNREACHABLE:
    case CloseReason::NO_RATING_NEEDED:
    case CloseReason::RATING_EXPIRED:
      break;
    default:
      return Precondition(absl::StrCat(
          "a ticket closed as ", CloseReason::Value_Name(c.ticket->close_reason()),
          " cannot be reopened"));
  }
  const absl::Time window_end = Policy(c).calendar().AddWorkingDays(
      FromProto(c.ticket->closed_at()), Policy(c).ReopenWindowDays());
  if (c.at >= window_end) {
    return Precondition(absl::StrCat("the reopen window ended at ",
                                     FormatUtc(window_end)));
  }
  Event e;
  auto* out = e.mutable_ticket_reopened();
  out->set_reason(c.command.reopen().reason());
  out->set_cycle(c.ticket->cycle() + 1);
  out->set_lead_unit(c.ticket->lead_unit());
  return Events{e};
}

absl::StatusOr<Events> Urge(const Context& c) {
  Event e;
  e.mutable_ticket_urged()->set_note(c.command.urge().note());
  e.mutable_ticket_urged()->set_lead_unit(c.ticket->lead_unit());
  return Events{e};
}

absl::StatusOr<Events> Merge(const Context& c) {
  const std::string& primary = c.command.merge().primary_ticket_id();
  if (c.primary == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("merge.primary_ticket_id: no ticket '", primary, "'"));
  }
  if (c.primary->state() == TicketStatus::CLOSED) {
    return Precondition(absl::StrCat("primary ticket '", primary, "' is closed"));
  }
  Event e;
  e.mutable_ticket_merged()->set_primary_ticket_id(primary);
  return Events{e, Closed(CloseReason::MERGED)};
}

absl::StatusOr<Events> Withdraw(const Context& c) {
  Event e;
  e.mutable_ticket_withdrawn()->set_reason(c.command.withdraw().reason());
  return Events{e, Closed(CloseReason::WITHDRAWN)};
}

// ---- Directory commands ----------------------------------------------------

absl::StatusOr<Events> RegisterUnit(const Context& c) {
  const auto& r = c.command.register_unit();
  if (c.directory.FindUnit(r.unit_id()) != nullptr) {
    return absl::AlreadyExistsError(
        absl::StrCat("register_unit.unit_id: unit '", r.unit_id(), "' exists"));
  }
  Event e;
  auto* out = e.mutable_unit_registered();
  out->set_unit_id(r.unit_id());
  out->set_name(r.name());
  out->set_kind(r.kind());
  return Events{e};
}

absl::StatusOr<Events> UpdateUnit(const Context& c) {
  const auto& u = c.command.update_unit();
  if (c.directory.FindUnit(u.unit_id()) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("update_unit.unit_id: no unit '", u.unit_id(), "'"));
  }
  Event e;
  auto* out = e.mutable_unit_updated();
  out->set_unit_id(u.unit_id());
  if (u.has_name()) out->set_name(u.name());
  if (u.has_active()) out->set_active(u.active());
  return Events{e};
}

absl::StatusOr<Events> PublishPolicy(const Context& c) {
  const auto& policy = c.command.publish_policy().policy();
  if (auto made = SlaPolicy::Make(policy); !made.ok()) return made.status();
  Event e;
  *e.mutable_policy_published()->mutable_policy() = policy;
  return Events{e};
}

// ---- The transition table (workflow.md) -----------------------------------

constexpr auto OPERATOR = Role::OPERATOR;
constexpr auto DISPATCHER = Role::DISPATCHER;
constexpr auto SUPERVISOR = Role::SUPERVISOR;
constexpr auto UNIT_STAFF = Role::UNIT_STAFF;
constexpr auto ADMIN = Role::ADMIN;

constexpr auto RECEIVED = TicketStatus::RECEIVED;
constexpr auto DISPATCHED = TicketStatus::DISPATCHED;
constexpr auto IN_PROGRESS = TicketStatus::IN_PROGRESS;
constexpr auto RETURN_REQUESTED = TicketStatus::RETURN_REQUESTED;
constexpr auto RETURNED = TicketStatus::RETURNED;
constexpr auto REPLIED = TicketStatus::REPLIED;
constexpr auto AWAITING_RATING = TicketStatus::AWAITING_RATING;
constexpr auto REOPENED = TicketStatus::REOPENED;
constexpr auto CLOSED = TicketStatus::CLOSED;

const Rule kRules[] = {
    {Command::kReceive, {OPERATOR}, {}, false, Receive},
    {Command::kAnswerDirectly, {OPERATOR, DISPATCHER}, {RECEIVED}, false, AnswerDirectly},
    {Command::kDispatch, {DISPATCHER}, {RECEIVED, RETURNED, REOPENED}, false, Dispatch},
    {Command::kAccept, {UNIT_STAFF}, {DISPATCHED}, true, Accept},
    {Command::kRequestReturn, {UNIT_STAFF}, {DISPATCHED, IN_PROGRESS}, true, RequestReturn},
    {Command::kDecideReturn, {DISPATCHER, SUPERVISOR}, {RETURN_REQUESTED}, false,
     DecideReturn},
    {Command::kRequestExtension, {UNIT_STAFF}, {IN_PROGRESS}, true, RequestExtension},
    // Legal wherever a request can be pending; the handler checks one is.
    {Command::kDecideExtension, {SUPERVISOR}, {IN_PROGRESS, RETURN_REQUESTED}, false,
     DecideExtension},
    {Command::kReply, {UNIT_STAFF}, {IN_PROGRESS}, true, Reply},
    {Command::kReview, {DISPATCHER}, {REPLIED}, false, Review},
    {Command::kRate, {OPERATOR}, {AWAITING_RATING}, false, Rate},
    {Command::kReopen, {SUPERVISOR}, {CLOSED}, false, Reopen},
    {Command::kUrge, {SUPERVISOR}, {DISPATCHED, IN_PROGRESS, RETURN_REQUESTED, REPLIED},
     false, Urge},
    {Command::kMerge, {DISPATCHER}, {RECEIVED, RETURNED, REOPENED}, false, Merge},
    {Command::kWithdraw, {OPERATOR},
     {RECEIVED, DISPATCHED, IN_PROGRESS, RETURN_REQUESTED, RETURNED, REPLIED,
      AWAITING_RATING, REOPENED},
     false, Withdraw},
    {Command::kRegisterUnit, {ADMIN}, {}, false, RegisterUnit},
    {Command::kUpdateUnit, {ADMIN}, {}, false, UpdateUnit},
    {Command::kPublishPolicy, {ADMIN}, {}, false, PublishPolicy},
};

template <typename T>
bool Contains(std::initializer_list<T> list, T value) {
  for (T v : list) {
    if (v == value) return true;
  }
  return false;
}

std::string CommandName(const Command& command) {
  return std::string(Command::descriptor()
                         ->FindFieldByNumber(command.payload_case())
                         ->name());
}

}  // namespace

absl::StatusOr<std::vector<Event>> Decide(const DecideInput& input) {
  const Command& command = *input.command;
  const Rule* rule = nullptr;
  for (const Rule& r : kRules) {
    if (r.command == command.payload_case()) rule = &r;
  }
  if (rule == nullptr) {
    return absl::InvalidArgumentError("payload: no command payload is set");
  }
  const std::string name = CommandName(command);
  const Role::Value role = command.actor().role();
  if (!Contains(rule->roles, role)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "role ", Role::Value_Name(role), " may not ", name));
  }
  const Context context{command, input.ticket, input.primary, *input.directory,
                        FromProto(command.at())};
  if (IsDirectoryCommand(command)) return rule->handle(context);

  const TicketState* ticket = input.ticket;
  if (command.has_receive()) {
    if (ticket != nullptr) {
      return absl::AlreadyExistsError(
          absl::StrCat("ticket '", command.ticket_id(), "' already exists"));
    }
    return rule->handle(context);
  }
  if (ticket == nullptr) {
    return absl::NotFoundError(absl::StrCat("no ticket '", command.ticket_id(), "'"));
  }
  if (!Contains(rule->from, ticket->state())) {
    return Precondition(absl::StrCat(name, " is not legal in state ",
                                     TicketStatus::Value_Name(ticket->state())));
  }
  if (rule->lead_unit_only && command.actor().unit_id() != ticket->lead_unit()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "unit '", command.actor().unit_id(), "' is not the lead unit of ticket '",
        command.ticket_id(), "'"));
  }
  if (context.at < FromProto(ticket->last_event_at())) {
    return Precondition(absl::StrCat("at ", FormatUtc(context.at),
                                     " is earlier than the ticket's last event at ",
                                     FormatUtc(FromProto(ticket->last_event_at()))));
  }
  return rule->handle(context);
}

}  // namespace hotline::engine
