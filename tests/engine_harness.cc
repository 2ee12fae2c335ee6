#include "tests/engine_harness.h"

#include "absl/strings/str_cat.h"
#include "engine/holiday_calendar.h"
#include "engine/time_util.h"
#include "gtest/gtest.h"

namespace hotline::testing {

using hotline::v1::Actor;
using hotline::v1::Command;
using hotline::v1::Role;

namespace {
Actor MakeActor(const std::string& id, Role::Value role, const std::string& unit = "") {
  Actor a;
  a.set_id(id);
  a.set_role(role);
  a.set_unit_id(unit);
  return a;
}
}  // namespace

Actor Operator() { return MakeActor("li", Role::OPERATOR); }
Actor Dispatcher() { return MakeActor("zhao", Role::DISPATCHER); }
Actor Supervisor() { return MakeActor("chen", Role::SUPERVISOR); }
Actor Admin() { return MakeActor("root", Role::ADMIN); }
Actor Staff(const std::string& unit_id) {
  return MakeActor("staff-" + unit_id, Role::UNIT_STAFF, unit_id);
}

absl::Time Shanghai(const std::string& local) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  auto t = engine::ParseTime(local, zone);
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

EngineHarness::EngineHarness(absl::Time now, bool backfill, AdjustOptions adjust, bool seed)
    : now_(now), backfill_(backfill), adjust_(std::move(adjust)) {
  Reopen();
  if (!seed) return;
  const absl::Time at = now - absl::Hours(1);
  for (const char* unit : {"U01", "U02", "U03", "U09"}) {
    hotline::v1::Command c = NewCommand("", at, Admin());
    c.mutable_register_unit()->set_unit_id(unit);
    c.mutable_register_unit()->set_name(absl::StrCat("单位", unit));
    c.mutable_register_unit()->set_kind(hotline::v1::UnitKind::DEPARTMENT);
    Must(c);
  }
  hotline::v1::Command off = NewCommand("", at, Admin());
  off.mutable_update_unit()->set_unit_id("U09");
  off.mutable_update_unit()->set_active(false);
  Must(off);
}

void EngineHarness::Reopen() {
  engine_.reset();
  engine::EngineOptions options;
  options.sync = false;
  options.backfill = backfill_;
  options.clock = [this] {
    absl::MutexLock lock(&now_mu_);
    return now_;
  };
  if (adjust_) adjust_(options);
  auto engine = engine::Engine::Open(dir_.Sub("db"), options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  engine_ = *std::move(engine);
}

hotline::v1::Command EngineHarness::NewCommand(const std::string& ticket, absl::Time at, const Actor& actor,
                               const std::string& command_id) {
  hotline::v1::Command c;
  c.set_command_id(command_id.empty() ? absl::StrCat("cmd-", ++next_id_) : command_id);
  c.set_ticket_id(ticket);
  *c.mutable_at() = engine::ToProto(at);
  *c.mutable_actor() = actor;
  return c;
}

void EngineHarness::PublishPolicy(const hotline::v1::Policy& policy) {
  hotline::v1::Command c = NewCommand("", engine_->Now() - absl::Hours(1), Admin());
  *c.mutable_publish_policy()->mutable_policy() = policy;
  Must(c);
}

hotline::v1::Policy EngineHarness::ChinaPolicy() {
  auto calendar = engine::LoadHolidayCalendar(std::string(HOTLINE_SOURCE_DIR) +
                                              "/engine/calendars/china.json");
  EXPECT_TRUE(calendar.ok()) << calendar.status();
  hotline::v1::Policy policy;
  EXPECT_TRUE(engine::MergeHolidayCalendar(*calendar, &policy).ok());
  return policy;
}

void EngineHarness::Must(const hotline::v1::Command& c) {
  auto result = engine_->Execute(c);
  ASSERT_TRUE(result.ok()) << c.ShortDebugString() << " -> " << result.status();
}

Command EngineHarness::Receive(const std::string& ticket, absl::Time at,
                               hotline::v1::AppealType::Value type,
                               hotline::v1::Urgency::Value urgency) {
  hotline::v1::Command c = NewCommand(ticket, at, Operator());
  auto* r = c.mutable_receive();
  r->set_channel(hotline::v1::Channel::PHONE);
  r->set_appeal_type(type);
  r->set_urgency(urgency);
  r->set_category("噪音扰民");
  r->set_title("夜间施工噪音");
  r->set_content("工地夜间施工，影响休息。");
  r->mutable_citizen()->set_name("王五");
  r->mutable_citizen()->set_phone("13900001111");
  return c;
}

Command EngineHarness::Dispatch(const std::string& ticket, absl::Time at,
                                const std::string& unit) {
  hotline::v1::Command c = NewCommand(ticket, at, Dispatcher());
  c.mutable_dispatch()->set_lead_unit(unit);
  return c;
}

Command EngineHarness::Accept(const std::string& ticket, absl::Time at,
                              const std::string& unit) {
  hotline::v1::Command c = NewCommand(ticket, at, Staff(unit));
  c.mutable_accept();
  return c;
}

Command EngineHarness::RequestReturn(const std::string& ticket, absl::Time at,
                                     const std::string& unit) {
  hotline::v1::Command c = NewCommand(ticket, at, Staff(unit));
  c.mutable_request_return()->set_reason("不属于本单位职责");
  return c;
}

Command EngineHarness::DecideReturn(const std::string& ticket, absl::Time at, bool approve) {
  hotline::v1::Command c = NewCommand(ticket, at, Dispatcher());
  c.mutable_decide_return()->set_approve(approve);
  return c;
}

Command EngineHarness::RequestExtension(const std::string& ticket, absl::Time at, int days,
                                        const std::string& unit) {
  hotline::v1::Command c = NewCommand(ticket, at, Staff(unit));
  c.mutable_request_extension()->set_extra_working_days(days);
  c.mutable_request_extension()->set_reason("需协调多部门");
  return c;
}

Command EngineHarness::DecideExtension(const std::string& ticket, absl::Time at,
                                       bool approve) {
  hotline::v1::Command c = NewCommand(ticket, at, Supervisor());
  c.mutable_decide_extension()->set_approve(approve);
  return c;
}

Command EngineHarness::Reply(const std::string& ticket, absl::Time at,
                             const std::string& unit) {
  hotline::v1::Command c = NewCommand(ticket, at, Staff(unit));
  c.mutable_reply()->set_result("已责令停工整改");
  c.mutable_reply()->set_outcome(hotline::v1::Outcome::RESOLVED);
  return c;
}

Command EngineHarness::Review(const std::string& ticket, absl::Time at, bool approve) {
  hotline::v1::Command c = NewCommand(ticket, at, Dispatcher());
  c.mutable_review()->set_approve(approve);
  if (!approve) c.mutable_review()->set_comment("答复不完整");
  return c;
}

Command EngineHarness::Rate(const std::string& ticket, absl::Time at, bool contacted) {
  hotline::v1::Command c = NewCommand(ticket, at, Operator());
  c.mutable_rate()->set_contacted(contacted);
  if (contacted) {
    c.mutable_rate()->set_satisfaction(hotline::v1::Satisfaction::SATISFIED);
    c.mutable_rate()->set_resolved(true);
  }
  return c;
}

Command EngineHarness::Reopen(const std::string& ticket, absl::Time at) {
  hotline::v1::Command c = NewCommand(ticket, at, Supervisor());
  c.mutable_reopen()->set_reason("市民反映问题仍未解决");
  return c;
}

Command EngineHarness::Urge(const std::string& ticket, absl::Time at) {
  hotline::v1::Command c = NewCommand(ticket, at, Supervisor());
  c.mutable_urge()->set_note("请加快办理");
  return c;
}

Command EngineHarness::Merge(const std::string& ticket, absl::Time at,
                             const std::string& primary) {
  hotline::v1::Command c = NewCommand(ticket, at, Dispatcher());
  c.mutable_merge()->set_primary_ticket_id(primary);
  return c;
}

Command EngineHarness::Withdraw(const std::string& ticket, absl::Time at) {
  hotline::v1::Command c = NewCommand(ticket, at, Operator());
  c.mutable_withdraw()->set_reason("市民撤回诉求");
  return c;
}

Command EngineHarness::AnswerDirectly(const std::string& ticket, absl::Time at) {
  hotline::v1::Command c = NewCommand(ticket, at, Operator());
  c.mutable_answer_directly()->set_answer("已告知办理流程");
  return c;
}

}  // namespace hotline::testing
