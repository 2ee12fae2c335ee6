// One citizen appeal through its whole life with hotline's C++ API:
// register a unit, publish the China-calendar policy, receive, dispatch,
// accept, reply, review, rate; then read the ticket, its audit trail, the
// month's report, and verify the log. Usage: embed_example DIR

#include <cstdio>
#include <string>

#include "engine/engine.h"
#include "engine/holiday_calendar.h"
#include "engine/monthly_report.h"
#include "engine/time_util.h"

namespace {

using hotline::v1::Command;
using hotline::v1::Role;

// The engine's clock: this program sets it to each command's business time
// (a live system would leave EngineOptions::clock at the system clock).
absl::Time now;

Command Make(const std::string& id, const std::string& ticket, const char* local_time,
             Role::Value role, const std::string& unit = "") {
  absl::TimeZone shanghai;
  absl::LoadTimeZone("Asia/Shanghai", &shanghai);
  Command c;
  c.set_command_id(id);
  c.set_ticket_id(ticket);
  *c.mutable_at() = hotline::engine::ToProto(*hotline::engine::ParseTime(local_time, shanghai));
  c.mutable_actor()->set_id(role == Role::UNIT_STAFF ? "wang" : "zhao");
  c.mutable_actor()->set_role(role);
  c.mutable_actor()->set_unit_id(unit);
  return c;
}

bool Run(hotline::engine::Engine& engine, const Command& c) {
  now = hotline::engine::FromProto(c.at());
  auto result = engine.Execute(c);
  if (!result.ok()) {
    std::fprintf(stderr, "%s: %s\n", c.command_id().c_str(), result.status().ToString().c_str());
    return false;
  }
  std::printf("%-10s -> events %llu..%llu\n", c.command_id().c_str(),
              static_cast<unsigned long long>(result->first_sequence),
              static_cast<unsigned long long>(result->first_sequence + result->event_count - 1));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: embed_example DIR\n");
    return 2;
  }
  hotline::engine::EngineOptions options;
  options.clock = [] { return now; };  // injected: business time drives the engine
  auto opened = hotline::engine::Engine::Open(argv[1], options);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  hotline::engine::Engine& engine = **opened;

  Command unit = Make("unit-U07", "", "2022-05-01 09:00", Role::ADMIN);
  unit.mutable_register_unit()->set_unit_id("U07");
  unit.mutable_register_unit()->set_name("区住建局");
  unit.mutable_register_unit()->set_kind(hotline::v1::UnitKind::DEPARTMENT);
  Command policy = Make("policy-2022", "", "2022-05-01 09:00", Role::ADMIN);
  if (!hotline::engine::MergeHolidayCalendar(hotline::engine::ChinaHolidayCalendar(),
                                             policy.mutable_publish_policy()->mutable_policy())
           .ok()) {
    return 1;
  }
  Command receive = Make("c-1", "T-000123", "2022-05-27 15:00", Role::OPERATOR);
  auto* r = receive.mutable_receive();
  r->set_channel(hotline::v1::Channel::PHONE);
  r->set_appeal_type(hotline::v1::AppealType::COMPLAINT);
  r->set_urgency(hotline::v1::Urgency::NORMAL);
  r->set_category("住房保障");
  r->set_title("楼上漏水");
  r->set_content("楼上住户卫生间漏水至我家。");
  Command dispatch = Make("c-2", "T-000123", "2022-05-27 16:00", Role::DISPATCHER);
  dispatch.mutable_dispatch()->set_lead_unit("U07");
  Command accept = Make("c-3", "T-000123", "2022-05-30 09:20", Role::UNIT_STAFF, "U07");
  accept.mutable_accept();
  Command reply = Make("c-4", "T-000123", "2022-06-01 15:00", Role::UNIT_STAFF, "U07");
  reply.mutable_reply()->set_result("已协调物业维修。");
  reply.mutable_reply()->set_outcome(hotline::v1::Outcome::RESOLVED);
  Command review = Make("c-5", "T-000123", "2022-06-02 10:00", Role::DISPATCHER);
  review.mutable_review()->set_approve(true);
  Command rate = Make("c-6", "T-000123", "2022-06-02 16:00", Role::OPERATOR);
  rate.mutable_rate()->set_contacted(true);
  rate.mutable_rate()->set_satisfaction(hotline::v1::Satisfaction::SATISFIED);
  rate.mutable_rate()->set_resolved(true);
  for (const Command* c : {&unit, &policy, &receive, &dispatch, &accept, &reply, &review, &rate}) {
    if (!Run(engine, *c)) return 1;
  }

  auto ticket = engine.GetTicket("T-000123");
  if (!ticket.ok()) return 1;
  std::printf("state %s, closed as %s; handle deadline %s (端午节 skipped)\n",
              hotline::v1::TicketStatus::Value_Name(ticket->state()).c_str(),
              hotline::v1::CloseReason::Value_Name(ticket->close_reason()).c_str(),
              hotline::engine::FormatUtc(hotline::engine::FromProto(ticket->handle_deadline())).c_str());
  auto history = engine.History("T-000123");
  if (!history.ok()) return 1;
  std::printf("history: %zu events, last hash %02x%02x...\n", history->size(),
              static_cast<unsigned char>(history->back().hash()[0]),
              static_cast<unsigned char>(history->back().hash()[1]));
  auto report = engine.Report({"2022-06"});
  if (!report.ok()) return 1;
  std::printf("%s", hotline::engine::ReportJson(*report).substr(0, 160).c_str());
  std::printf("...\n");
  auto verified = engine.Verify();
  if (!verified.ok() || !verified->ok()) {
    std::fprintf(stderr, "verify failed\n");
    return 1;
  }
  std::printf("verified: %llu records, projections agree\n",
              static_cast<unsigned long long>(verified->chain.records));
  return ticket->close_reason() == hotline::v1::CloseReason::RATED ? 0 : 1;
}
