// Hand-computed months beyond metrics_test's one May in Asia/Shanghai, one
// TEST per case (each says which). Each month is built by executing
// commands, and every expected number is worked out by hand from metrics.md
// (and sla.md for deadlines) in the comment beside it. Each is asserted on
// the maintained report and on the one rebuilt from the log: the two share
// one fold, so comparing them with each other cannot catch a wrong
// definition, but a value computed by hand can.

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "engine/monthly_report.h"
#include "engine/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"

namespace hotline::engine {
namespace {

using hotline::testing::Admin;
using hotline::testing::EngineHarness;
using hotline::testing::Shanghai;
using hotline::v1::Channel;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// An instant written in RFC 3339 with its offset, so that each test shows
// which side of a DST change or a zone's midnight it lies on.
absl::Time At(const std::string& rfc3339) {
  auto t = ParseTime(rfc3339, absl::UTCTimeZone());
  EXPECT_TRUE(t.ok()) << t.status();
  return t.value_or(absl::InfinitePast());
}

constexpr int64_t kMillisPerHour = 3600 * 1000;

class MetricsMonthsTest : public ::testing::Test {
 protected:
  void Publish(const hotline::v1::Policy& policy, absl::Time at) {
    hotline::v1::Command c = h_.NewCommand("", at, Admin());
    *c.mutable_publish_policy()->mutable_policy() = policy;
    h_.Must(c);
  }
  void Receive(const std::string& id, absl::Time at, Channel::Value channel = Channel::PHONE) {
    hotline::v1::Command c = h_.Receive(id, at);  // COMPLAINT, NORMAL, 噪音扰民
    c.mutable_receive()->set_channel(channel);
    h_.Must(c);
  }
  // Receives `id` at `received` and dispatches it to `unit` at `dispatched`.
  void Open(const std::string& id, absl::Time received, absl::Time dispatched,
            const std::string& unit) {
    Receive(id, received);
    h_.Must(h_.Dispatch(id, dispatched, unit));
  }

  // The report for `q` both ways the engine makes it: from the maintained
  // projection (a default query; any other is recomputed from the log either
  // way) and rebuilt from the log.
  struct Made {
    std::string how;
    MonthlyReport report;
  };
  std::vector<Made> BothWays(const ReportQuery& q) {
    std::vector<Made> out;
    for (bool rebuild : {false, true}) {
      auto r = h_.engine().Report(q, rebuild);
      EXPECT_TRUE(r.ok()) << r.status();
      if (r.ok()) out.push_back({rebuild ? "rebuilt from the log" : "maintained", *std::move(r)});
    }
    EXPECT_EQ(out.size(), 2u);
    return out;
  }

  static const Counters& Row(const MonthlyReport& r, RowKind kind, const std::string& key = "") {
    static const Counters kZero{};
    auto it = r.rows.find(RowKey{kind, key});
    return it == r.rows.end() ? kZero : it->second;
  }
  // The printed report's line that starts with `prefix` (one row per line).
  static std::string Line(const std::string& json, const std::string& prefix) {
    for (absl::string_view line : absl::StrSplit(json, '\n')) {
      if (absl::StartsWith(line, prefix)) return std::string(line);
    }
    return "(no line starting with " + prefix + ")";
  }

  EngineHarness h_;  // units U01..U03 and the inactive U09; clock 2022-06-30 12:00 +08:00
};

// 1. require_accept off. workflow.md: the dispatch goes straight to
// IN_PROGRESS (no accept step, so no accept deadline); metrics.md:
// accepted_on_time counts only dispatches "that require acceptance", and
// response_rate is accepted_on_time / (dispatches that require acceptance),
// null when that is 0.
TEST_F(MetricsMonthsTest, RequireAcceptOff) {
  hotline::v1::Policy off;
  off.set_require_accept(false);
  Publish(off, Shanghai("2022-05-01 00:00"));

  // T-1 → U01: handle 5 working days after Mon 05-09 (10,11,12,13,16) →
  // 05-17 00:00; replied 05-12 10:00 without signing, on time; 72.5 h.
  Open("T-1", Shanghai("2022-05-09 09:00"), Shanghai("2022-05-09 09:30"), "U01");
  h_.Must(h_.Reply("T-1", Shanghai("2022-05-12 10:00"), "U01"));
  h_.Must(h_.Review("T-1", Shanghai("2022-05-12 14:00"), true));
  // T-2 → U02: deadline after Tue 05-10 (11,12,13,16,17) → 05-18 00:00;
  // replied 05-18 09:00, late; 05-10 10:00 → 05-18 09:00 = 8 d − 1 h = 191 h.
  Open("T-2", Shanghai("2022-05-10 09:00"), Shanghai("2022-05-10 10:00"), "U02");
  h_.Must(h_.Reply("T-2", Shanghai("2022-05-18 09:00"), "U02"));
  h_.Must(h_.Review("T-2", Shanghai("2022-05-18 10:00"), true));
  // T-3 → U01: deadline after Wed 05-11 (12,13,16,17,18) → 05-19 00:00;
  // never replied. There is no accept step to take.
  Open("T-3", Shanghai("2022-05-11 09:00"), Shanghai("2022-05-11 10:00"), "U01");
  EXPECT_EQ(h_.Execute(h_.Accept("T-3", Shanghai("2022-05-11 10:30"), "U01")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto history = h_.engine().History("T-3");
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 2u);
  const auto& dispatched = (*history)[1].event().ticket_dispatched();
  EXPECT_FALSE(dispatched.require_accept());
  EXPECT_FALSE(dispatched.has_accept_deadline());
  EXPECT_EQ(FromProto(dispatched.handle_deadline()), Shanghai("2022-05-19 00:00"));

  for (const auto& [how, r] : BothWays({"2022-05"})) {
    SCOPED_TRACE(how);
    const Counters& t = Row(r, RowKind::kTotal);
    EXPECT_EQ(t[kReceived], 3);           // T-1 T-2 T-3
    EXPECT_EQ(t[kDispatched], 3);         // T-1 T-2 T-3, none requiring acceptance
    EXPECT_EQ(t[kAcceptedOnTime], 0);     // no dispatch required acceptance
    EXPECT_EQ(t[kCompleted], 2);          // T-1 T-2
    EXPECT_EQ(t[kCompletedOnTime], 1);    // T-1 (T-2 replied 9 h after its deadline)
    EXPECT_EQ(t[kOverdueOpen], 1);        // T-3: IN_PROGRESS, 05-19 < snapshot 06-01 00:00
    EXPECT_EQ(t[kHandleMillisSum], (72 * 60 + 30 + 191 * 60) * 60 * 1000);  // 263.5 h
    EXPECT_EQ(Row(r, RowKind::kUnit, "U01")[kOverdueOpen], 1);  // T-3
    const std::string json = ReportJson(r);
    // response: 0 / 0 dispatches requiring acceptance → null (not 0/3 = 0.0000);
    // on time 1/2 = 0.5000; no ratings → null, null; mean 263.5 / 2 = 131.75.
    EXPECT_THAT(Line(json, R"("total":{)"), HasSubstr(
        R"("dispatched":3,"accepted_on_time":0,)"));
    EXPECT_THAT(Line(json, R"("total":{)"), HasSubstr(
        R"("handle_hours_sum":263.5,"response_rate":null,"on_time_rate":0.5000,)"
        R"("satisfaction_rate":null,"resolution_rate":null,"mean_handle_hours":131.75})"));
    // U01: T-1 and T-3 dispatched; T-1 done on time in 72.5 h → 1/1, 72.5/1.
    EXPECT_THAT(Line(json, R"({"unit_id":"U01")"), HasSubstr(
        R"("dispatched":2,"accepted_on_time":0,"returned":0,"completed":1,)"
        R"("completed_on_time":1,"overdue_open":1,)"));
    EXPECT_THAT(Line(json, R"({"unit_id":"U01")"), HasSubstr(
        R"("handle_hours_sum":72.5,"response_rate":null,"on_time_rate":1.0000,)"
        R"("satisfaction_rate":null,"resolution_rate":null,"mean_handle_hours":72.50})"));
    // U02: T-2, late, 191 h → 0/1, 191/1.
    EXPECT_THAT(Line(json, R"({"unit_id":"U02")"), HasSubstr(
        R"("handle_hours_sum":191,"response_rate":null,"on_time_rate":0.0000,)"
        R"("satisfaction_rate":null,"resolution_rate":null,"mean_handle_hours":191.00})"));
  }

  // June mixes both: T-4 dispatched while accept is off, then the step is
  // turned back on (for dispatches after it) and T-5 signs on time.
  Open("T-4", Shanghai("2022-06-06 09:00"), Shanghai("2022-06-06 10:00"), "U01");
  hotline::v1::Policy on;
  on.set_require_accept(true);
  Publish(on, Shanghai("2022-06-06 12:00"));
  // T-5 → U02 at Tue 10:00: 4 working hours = 10:00–12:00 + 13:30–15:30 →
  // accept by 15:30; signed 11:00, on time.
  Open("T-5", Shanghai("2022-06-07 09:00"), Shanghai("2022-06-07 10:00"), "U02");
  h_.Must(h_.Accept("T-5", Shanghai("2022-06-07 11:00"), "U02"));
  for (const auto& [how, r] : BothWays({"2022-06"})) {
    SCOPED_TRACE(how);
    const Counters& t = Row(r, RowKind::kTotal);
    EXPECT_EQ(t[kDispatched], 2);      // T-4 T-5
    EXPECT_EQ(t[kAcceptedOnTime], 1);  // T-5
    // Owing at 07-01 00:00: T-3 (05-19), T-4 (after Mon 06-06: 7,8,9,10,13 →
    // 06-14), T-5 (after Tue 06-07: 8,9,10,13,14 → 06-15), all passed.
    EXPECT_EQ(t[kOverdueOpen], 3);
    const std::string json = ReportJson(r);
    // response = 1 on time / 1 dispatch requiring acceptance (T-5) = 1.0000,
    // not 1 / 2 dispatched. U01: 0 / 0 → null; U02: 1 / 1.
    EXPECT_THAT(Line(json, R"("total":{)"), HasSubstr(R"("response_rate":1.0000,)"));
    EXPECT_THAT(Line(json, R"({"unit_id":"U01")"), HasSubstr(R"("response_rate":null,)"));
    EXPECT_THAT(Line(json, R"({"unit_id":"U02")"), HasSubstr(R"("response_rate":1.0000,)"));
  }
}

// 2. America/Los_Angeles, March 2022: DST begins Sun 03-13 (02:00 PST →
// 03:00 PDT), so M_start = 2022-03-01T00:00-08:00 and M_end =
// 2022-04-01T00:00-07:00: a month of 743 hours, its two ends in different
// offsets. metrics.md: "the month M is a local calendar month in the
// policy's time zone: [M_start, M_end)".
TEST_F(MetricsMonthsTest, LosAngelesAcrossDaylightSaving) {
  hotline::v1::Policy la;
  la.set_time_zone("America/Los_Angeles");
  Publish(la, At("2022-02-01T00:00:00-08:00"));

  // Channels tell the boundary tickets apart in by_channel.
  Receive("T-FEB", At("2022-02-28T23:59:59-08:00"), Channel::MESSAGE_BOARD);  // 1 s before M_start
  Receive("T-START", At("2022-03-01T00:00:00-08:00"), Channel::EMAIL);        // = M_start, counted
  // T-DST → U01 Fri 10:00 PST; accept by 15:30 (4 working hours), signed
  // 10:30; handle after Fri 03-11 (14,15,16,17,18) → 03-19 00:00 PDT.
  // Replied Mon 10:00 PDT, on time. metrics.md's "hours (exact, wall-clock)"
  // is elapsed time between the two instants (not working hours):
  // 2022-03-11T18:00Z → 2022-03-14T17:00Z = 71 h (the local clock faces say
  // 72: the 02:00 hour of 03-13 never happened).
  Open("T-DST", At("2022-03-11T09:00:00-08:00"), At("2022-03-11T10:00:00-08:00"), "U01");
  h_.Must(h_.Accept("T-DST", At("2022-03-11T10:30:00-08:00"), "U01"));
  h_.Must(h_.Reply("T-DST", At("2022-03-14T10:00:00-07:00"), "U01"));
  h_.Must(h_.Review("T-DST", At("2022-03-14T11:00:00-07:00"), true));
  // T-LATE → U03 Wed 03-23, signed on time; handle after Wed (24,25,28,29,30)
  // → 2022-03-31T00:00-07:00, before M_end: overdue at March's snapshot.
  Open("T-LATE", At("2022-03-23T09:00:00-07:00"), At("2022-03-23T10:00:00-07:00"), "U03");
  h_.Must(h_.Accept("T-LATE", At("2022-03-23T10:30:00-07:00"), "U03"));
  // T-EDGE → U02 Thu 03-24, signed on time; handle after Thu (25,28,29,30,31)
  // → 2022-04-01T00:00-07:00 = M_end: "deadline < snapshot" is false in
  // March (a zone-blind PST end, 08:00Z, would wrongly count it), true in April.
  Open("T-EDGE", At("2022-03-24T09:00:00-07:00"), At("2022-03-24T10:00:00-07:00"), "U02");
  h_.Must(h_.Accept("T-EDGE", At("2022-03-24T10:30:00-07:00"), "U02"));
  Receive("T-EVE", At("2022-03-31T20:00:00-07:00"), Channel::WEB);  // April in UTC, Shanghai
  Receive("T-LAST", At("2022-03-31T23:59:59-07:00"), Channel::APP);  // 1 s before M_end
  Receive("T-APR", At("2022-04-01T00:00:00-07:00"), Channel::WECHAT);  // = M_end: April

  for (const auto& [how, r] : BothWays({"2022-03"})) {
    SCOPED_TRACE(how);
    const Counters& t = Row(r, RowKind::kTotal);
    EXPECT_EQ(t[kReceived], 6);         // START DST LATE EDGE EVE LAST
    EXPECT_EQ(t[kDispatched], 3);       // DST LATE EDGE
    EXPECT_EQ(t[kAcceptedOnTime], 3);   // each signed 30 min after dispatch
    EXPECT_EQ(t[kCompleted], 1);        // DST
    EXPECT_EQ(t[kCompletedOnTime], 1);
    EXPECT_EQ(t[kHandleMillisSum], 71 * kMillisPerHour);
    EXPECT_EQ(t[kOverdueOpen], 1);      // LATE; EDGE's deadline is the snapshot itself
    EXPECT_EQ(Row(r, RowKind::kUnit, "U03")[kOverdueOpen], 1);
    EXPECT_EQ(Row(r, RowKind::kUnit, "U02")[kOverdueOpen], 0);
    const std::string json = ReportJson(r);
    EXPECT_THAT(json, StartsWith(R"({"month":"2022-03","as_of":"2022-04-01T00:00:00-07:00",)"));
    EXPECT_THAT(json, HasSubstr(R"("time_zone":"America/Los_Angeles")"));
    // response 3/3, on time 1/1, mean 71/1.
    EXPECT_THAT(Line(json, R"("total":{)"), HasSubstr(
        R"("handle_hours_sum":71,"response_rate":1.0000,"on_time_rate":1.0000,)"
        R"("satisfaction_rate":null,"resolution_rate":null,"mean_handle_hours":71.00})"));
    EXPECT_THAT(json, HasSubstr(
        R"("by_channel":[)" "\n" R"({"channel":"APP","received":1},)" "\n"
        R"({"channel":"EMAIL","received":1},)" "\n" R"({"channel":"PHONE","received":3},)" "\n"
        R"({"channel":"WEB","received":1}]})"));
  }
  for (const auto& [how, r] : BothWays({"2022-02"})) {
    SCOPED_TRACE(how);
    EXPECT_EQ(Row(r, RowKind::kTotal)[kReceived], 1);  // T-FEB
    EXPECT_EQ(Row(r, RowKind::kChannel, "MESSAGE_BOARD")[kReceived], 1);
    EXPECT_THAT(ReportJson(r), HasSubstr(R"("as_of":"2022-03-01T00:00:00-08:00")"));
  }
  for (const auto& [how, r] : BothWays({"2022-04"})) {
    SCOPED_TRACE(how);
    const Counters& t = Row(r, RowKind::kTotal);
    EXPECT_EQ(t[kReceived], 1);  // T-APR
    EXPECT_EQ(Row(r, RowKind::kChannel, "WECHAT")[kReceived], 1);
    EXPECT_EQ(t[kOverdueOpen], 2);  // at 05-01 00:00 PDT: LATE (03-31) and EDGE (04-01)
    EXPECT_EQ(Row(r, RowKind::kUnit, "U02")[kOverdueOpen], 1);  // EDGE
  }
}

// 3. The policy is republished with another zone. metrics.md: "The month's
// time zone is the one of the last policy at a position ≤ up_to_sequence" —
// so the whole month, events before the change included, is windowed in the
// zone in force at the report's log position.
TEST_F(MetricsMonthsTest, ZoneChangeMidLog) {
  // No policy yet: the default zone, Asia/Shanghai. Each ticket's channel
  // names it in by_channel.
  Receive("T-Y", At("2022-05-01T10:00:00+08:00"), Channel::WEB);    // = 04-30 19:00 in LA
  Receive("T-Z", At("2022-05-16T12:00:00+08:00"), Channel::PHONE);  // = 05-15 21:00 in LA
  Receive("T-X1", At("2022-06-01T11:00:00+08:00"), Channel::APP);   // = 05-31 20:00 in LA
  Receive("T-X2", At("2022-06-01T14:59:59+08:00"), Channel::APP);   // = 05-31 23:59:59 in LA
  const uint64_t in_shanghai = h_.head();

  // Shanghai May = [05-01 00:00 +08, 06-01 00:00 +08): Y, Z.
  auto expect_shanghai_may = [&](const MonthlyReport& r) {
    EXPECT_EQ(r.time_zone, "Asia/Shanghai");
    EXPECT_EQ(Row(r, RowKind::kTotal)[kReceived], 2);
    const std::string json = ReportJson(r);
    EXPECT_THAT(json, HasSubstr(R"("as_of":"2022-06-01T00:00:00+08:00")"));
    EXPECT_THAT(json, HasSubstr(R"("by_channel":[)" "\n" R"({"channel":"PHONE","received":1},)"
                                "\n" R"({"channel":"WEB","received":1}]})"));
  };
  for (const auto& [how, r] : BothWays({"2022-05"})) {
    SCOPED_TRACE(how + ", before the change");
    expect_shanghai_may(r);
  }

  hotline::v1::Policy la;
  la.set_time_zone("America/Los_Angeles");
  Publish(la, At("2022-06-02T00:00:00-07:00"));

  // At the head the last policy is LA's: May = [05-01 00:00 -07, 06-01 00:00
  // -07): Z, X1, X2 (Y is LA's April).
  for (const auto& [how, r] : BothWays({"2022-05"})) {
    SCOPED_TRACE(how + ", after the change");
    EXPECT_EQ(r.time_zone, "America/Los_Angeles");
    EXPECT_EQ(r.up_to_sequence, h_.head());
    EXPECT_EQ(Row(r, RowKind::kTotal)[kReceived], 3);
    const std::string json = ReportJson(r);
    EXPECT_THAT(json, HasSubstr(R"("as_of":"2022-06-01T00:00:00-07:00")"));
    EXPECT_THAT(json, HasSubstr(R"("time_zone":"America/Los_Angeles")"));
    EXPECT_THAT(json, HasSubstr(R"("by_channel":[)" "\n" R"({"channel":"APP","received":2},)"
                                "\n" R"({"channel":"PHONE","received":1}]})"));
  }
  for (const auto& [how, r] : BothWays({"2022-04"})) {
    SCOPED_TRACE(how);
    EXPECT_EQ(Row(r, RowKind::kTotal)[kReceived], 1);  // Y
    EXPECT_EQ(Row(r, RowKind::kChannel, "WEB")[kReceived], 1);
  }
  for (const auto& [how, r] : BothWays({"2022-06"})) {
    SCOPED_TRACE(how);
    EXPECT_EQ(Row(r, RowKind::kTotal)[kReceived], 0);  // X1, X2 are LA's May
  }

  // Up to the position before the change the last policy is still the
  // default: the same answer as before it.
  for (const auto& [how, r] : BothWays({"2022-05", std::nullopt, in_shanghai})) {
    SCOPED_TRACE(how + ", up to the position before the change");
    EXPECT_EQ(r.up_to_sequence, in_shanghai);
    expect_shanghai_may(r);
  }
  for (const auto& [how, r] : BothWays({"2022-06", std::nullopt, in_shanghai})) {
    SCOPED_TRACE(how + ", June up to the position before the change");
    EXPECT_EQ(Row(r, RowKind::kTotal)[kReceived], 2);  // X1, X2 in Shanghai's June
  }
}

// 4. Exact ties at the printed precision. metrics.md: rates to "4 decimal
// places, half away from zero", mean_handle_hours to 2. 1/32 = 0.03125 sits
// exactly between 0.0312 and 0.0313 (and is exact in binary, so a printf of
// a double, which rounds half to even, would say 0.0312); 10.005 h is exactly
// 10 h 0 min 18 s.
TEST_F(MetricsMonthsTest, RoundingTiesGoAwayFromZero) {
  // 32 tickets → U01 at Mon 05-09 10:00: accept by 15:30 (10:00–12:00 +
  // 13:30–15:30); handle after Mon (10,11,12,13,16) → 05-17 00:00.
  for (int i = 0; i < 32; ++i) {
    const std::string id = (i < 10 ? "T-0" : "T-") + std::to_string(i);
    Open(id, Shanghai("2022-05-09 09:00"), Shanghai("2022-05-09 10:00"), "U01");
  }
  h_.Must(h_.Accept("T-00", Shanghai("2022-05-09 10:30"), "U01"));  // on time
  h_.Must(h_.Accept("T-01", Shanghai("2022-05-09 15:31"), "U01"));  // a minute late
  // T-00 replied 10 h 0 min 18 s after its dispatch, approved the next day.
  h_.Must(h_.Reply("T-00", At("2022-05-09T20:00:18+08:00"), "U01"));
  h_.Must(h_.Review("T-00", Shanghai("2022-05-10 09:00"), true));

  for (const auto& [how, r] : BothWays({"2022-05"})) {
    SCOPED_TRACE(how);
    const Counters& t = Row(r, RowKind::kTotal);
    EXPECT_EQ(t[kDispatched], 32);
    EXPECT_EQ(t[kAcceptedOnTime], 1);   // T-00 (T-01 signed after 15:30)
    EXPECT_EQ(t[kCompleted], 1);        // T-00, on time
    EXPECT_EQ(t[kCompletedOnTime], 1);
    EXPECT_EQ(t[kHandleMillisSum], 10 * kMillisPerHour + 18 * 1000);
    EXPECT_EQ(t[kOverdueOpen], 31);     // T-01..T-31 owe a reply, due 05-17 < 06-01
    const std::string json = ReportJson(r);
    // response 1/32 = 0.03125 → 0.0313; on time 1/1; sum printed exactly
    // (10.005); mean 10.005/1 → 10.01.
    const std::string rates =
        R"("handle_hours_sum":10.005,"response_rate":0.0313,"on_time_rate":1.0000,)"
        R"("satisfaction_rate":null,"resolution_rate":null,"mean_handle_hours":10.01})";
    EXPECT_THAT(Line(json, R"("total":{)"), HasSubstr(rates));
    EXPECT_THAT(Line(json, R"({"unit_id":"U01")"), HasSubstr(rates));
    // The table shows the same numbers for people: 0.0313 = 3.13 %.
    const std::string table = ReportTable(r);
    EXPECT_THAT(table, HasSubstr("响应率 response 3.13%"));
    EXPECT_THAT(table, HasSubstr("平均办理时长 mean hours 10.01"));
  }
}

// 5. An on-time reply in May approved in June. metrics.md: `completed` counts
// ReplyApproved, so in the month of the approval; on time means the approved
// reply's `at` ≤ the handle deadline, and "the reply itself may lie in an
// earlier month"; hours run from the cycle's last dispatch to that reply.
TEST_F(MetricsMonthsTest, OnTimeReplyApprovedNextMonth) {
  // Both dispatched Tue 05-24: handle after Tue (25,26,27,30,31) → 06-01 00:00.
  // T-R → U01 10:00, accept by 15:30, signed 10:30. Replied 05-31 17:00, on
  // time; approved 06-02 09:00, after the deadline (which must not matter).
  // 05-24 10:00 → 05-31 17:00 = 7 d 7 h = 175 h.
  Open("T-R", Shanghai("2022-05-24 09:00"), Shanghai("2022-05-24 10:00"), "U01");
  h_.Must(h_.Accept("T-R", Shanghai("2022-05-24 10:30"), "U01"));
  h_.Must(h_.Reply("T-R", Shanghai("2022-05-31 17:00"), "U01"));
  // T-S → U02 10:30, accept by 16:00 (1.5 h + 2.5 h), signed 11:00. An
  // on-time May reply is rejected in June; the redo (06-01 15:00, late) is
  // the approved one. 05-24 10:30 → 06-01 15:00 = 8 d 4.5 h = 196.5 h.
  Open("T-S", Shanghai("2022-05-24 09:00"), Shanghai("2022-05-24 10:30"), "U02");
  h_.Must(h_.Accept("T-S", Shanghai("2022-05-24 11:00"), "U02"));
  h_.Must(h_.Reply("T-S", Shanghai("2022-05-30 10:00"), "U02"));
  h_.Must(h_.Review("T-S", Shanghai("2022-06-01 09:00"), false));
  h_.Must(h_.Reply("T-S", Shanghai("2022-06-01 15:00"), "U02"));
  h_.Must(h_.Review("T-S", Shanghai("2022-06-01 16:00"), true));
  h_.Must(h_.Review("T-R", Shanghai("2022-06-02 09:00"), true));

  for (const auto& [how, r] : BothWays({"2022-05"})) {
    SCOPED_TRACE(how + ", May");
    const Counters& t = Row(r, RowKind::kTotal);
    EXPECT_EQ(t[kDispatched], 2);
    EXPECT_EQ(t[kAcceptedOnTime], 2);
    EXPECT_EQ(t[kCompleted], 0);         // no approval in May
    EXPECT_EQ(t[kCompletedOnTime], 0);
    EXPECT_EQ(t[kHandleMillisSum], 0);
    EXPECT_EQ(t[kOverdueOpen], 0);       // both REPLIED at 06-01 00:00: not owing
    EXPECT_THAT(Line(ReportJson(r), R"("total":{)"), HasSubstr(
        R"("response_rate":1.0000,"on_time_rate":null,"satisfaction_rate":null,)"
        R"("resolution_rate":null,"mean_handle_hours":null})"));
  }
  for (const auto& [how, r] : BothWays({"2022-06"})) {
    SCOPED_TRACE(how + ", June");
    const Counters& t = Row(r, RowKind::kTotal);
    EXPECT_EQ(t[kDispatched], 0);
    EXPECT_EQ(t[kCompleted], 2);         // R (06-02), S (06-01)
    EXPECT_EQ(t[kCompletedOnTime], 1);   // R: May reply ≤ 06-01 00:00; S's approved one is late
    EXPECT_EQ(t[kHandleMillisSum], (175 * 60 + 196 * 60 + 30) * 60 * 1000);  // 371.5 h
    EXPECT_EQ(t[kOverdueOpen], 0);       // both approved by 07-01
    EXPECT_EQ(Row(r, RowKind::kUnit, "U01")[kCompletedOnTime], 1);
    EXPECT_EQ(Row(r, RowKind::kUnit, "U02")[kCompletedOnTime], 0);
    const std::string json = ReportJson(r);
    // on time 1/2; mean 371.5/2 = 185.75. U01 1/1, 175/1; U02 0/1, 196.5/1.
    EXPECT_THAT(Line(json, R"("total":{)"), HasSubstr(
        R"("handle_hours_sum":371.5,"response_rate":null,"on_time_rate":0.5000,)"
        R"("satisfaction_rate":null,"resolution_rate":null,"mean_handle_hours":185.75})"));
    EXPECT_THAT(Line(json, R"({"unit_id":"U01")"), HasSubstr(
        R"("completed":1,"completed_on_time":1,)"));
    EXPECT_THAT(Line(json, R"({"unit_id":"U01")"), HasSubstr(
        R"("handle_hours_sum":175,"response_rate":null,"on_time_rate":1.0000,)"
        R"("satisfaction_rate":null,"resolution_rate":null,"mean_handle_hours":175.00})"));
    EXPECT_THAT(Line(json, R"({"unit_id":"U02")"), HasSubstr(
        R"("handle_hours_sum":196.5,"response_rate":null,"on_time_rate":0.0000,)"
        R"("satisfaction_rate":null,"resolution_rate":null,"mean_handle_hours":196.50})"));
    EXPECT_THAT(json, HasSubstr(
        R"({"category":"噪音扰民","received":0,"completed":2,"completed_on_time":1,"rated":0,)"
        R"("satisfied":0,"basically_satisfied":0,"dissatisfied":0,"resolved":0,)"
        R"("on_time_rate":0.5000,"satisfaction_rate":null,"resolution_rate":null})"));
  }
  // Mid-June 1st, before either approval: S owes its redo again (rejected at
  // 09:00, deadline 06-01 00:00 passed); R waits for review with its
  // deadline passed too, and a reply waiting for review is not overdue.
  for (const auto& [how, r] : BothWays({"2022-06", Shanghai("2022-06-01 12:00"), std::nullopt})) {
    SCOPED_TRACE(how + ", June as of 06-01 12:00");
    const Counters& t = Row(r, RowKind::kTotal);
    EXPECT_EQ(t[kCompleted], 0);
    EXPECT_EQ(t[kOverdueOpen], 1);  // S
    EXPECT_EQ(Row(r, RowKind::kUnit, "U02")[kOverdueOpen], 1);
  }
}

}  // namespace
}  // namespace hotline::engine
