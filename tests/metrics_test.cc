// A hand-built May 2022 (default policy: no holidays, Asia/Shanghai) whose
// every counter of metrics.md is non-zero, checked against values computed
// by hand below, for the maintained report, the one from the log, as of a
// later and an earlier time, and up to a log position.

#include <string>

#include "absl/strings/str_cat.h"
#include "engine/monthly_report.h"
#include "engine/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"

namespace hotline::engine {
namespace {

using hotline::testing::EngineHarness;
using hotline::testing::Shanghai;
using hotline::v1::AppealType;
using hotline::v1::Channel;
using ::testing::HasSubstr;

class MetricsTest : public ::testing::Test {
 protected:
  hotline::v1::Command Receive(const std::string& id, const std::string& at, Channel::Value ch,
                               AppealType::Value type, const std::string& category) {
    auto c = h_.Receive(id, Shanghai(at), type);
    c.mutable_receive()->set_channel(ch);
    c.mutable_receive()->set_category(category);
    return c;
  }
  void Rate(const std::string& id, const std::string& at, hotline::v1::Satisfaction::Value s,
            bool resolved) {
    auto c = h_.Rate(id, Shanghai(at), true);
    c.mutable_rate()->set_satisfaction(s);
    c.mutable_rate()->set_resolved(resolved);
    h_.Must(c);
  }
  absl::Time T(const std::string& local) { return Shanghai(local); }

  void SetUp() override {
    hotline::v1::Policy policy;
    policy.set_rate_direct_answers(true);
    hotline::v1::Command publish = h_.NewCommand("", T("2022-04-01 09:00"), hotline::testing::Admin());
    *publish.mutable_publish_policy()->mutable_policy() = policy;
    h_.Must(publish);
    using S = hotline::v1::Satisfaction;
    // G: April dispatch to U01 (handle by 05-07 00:00), urged in May, still open.
    h_.Must(Receive("T-G", "2022-04-29 09:00", Channel::PHONE, AppealType::COMPLAINT, "噪音扰民"));
    h_.Must(h_.Dispatch("T-G", T("2022-04-29 10:00"), "U01"));
    h_.Must(h_.Urge("T-G", T("2022-05-10 09:00")));
    // A: U01, accepted and completed on time (72 h), satisfied and resolved.
    h_.Must(Receive("T-A", "2022-05-02 09:00", Channel::PHONE, AppealType::COMPLAINT, "噪音扰民"));
    h_.Must(h_.Dispatch("T-A", T("2022-05-02 10:00"), "U01"));  // accept by 15:30
    h_.Must(h_.Accept("T-A", T("2022-05-02 11:00"), "U01"));
    h_.Must(h_.Urge("T-A", T("2022-05-03 09:00")));
    h_.Must(h_.Reply("T-A", T("2022-05-05 10:00"), "U01"));      // handle by 05-10
    h_.Must(h_.Review("T-A", T("2022-05-05 14:00"), true));
    Rate("T-A", "2022-05-06 10:00", S::SATISFIED, true);
    after_a_ = h_.head();
    // B: U01 returns it; U02 signs late, gets 2 days more, replies late
    // (193 h after its dispatch); the citizen is unreachable.
    h_.Must(Receive("T-B", "2022-05-09 09:00", Channel::WEB, AppealType::CONSULTATION, "住房保障"));
    h_.Must(h_.Dispatch("T-B", T("2022-05-09 10:00"), "U01"));
    h_.Must(h_.RequestReturn("T-B", T("2022-05-09 11:00"), "U01"));
    h_.Must(h_.DecideReturn("T-B", T("2022-05-09 14:00"), true));
    h_.Must(h_.Dispatch("T-B", T("2022-05-10 09:00"), "U02"));  // accept by 14:30, handle 05-14
    h_.Must(h_.Accept("T-B", T("2022-05-10 15:00"), "U02"));
    h_.Must(h_.RequestExtension("T-B", T("2022-05-12 10:00"), 2, "U02"));
    h_.Must(h_.DecideExtension("T-B", T("2022-05-12 11:00"), true));  // handle by 05-18 00:00
    h_.Must(h_.Reply("T-B", T("2022-05-18 10:00"), "U02"));
    h_.Must(h_.Review("T-B", T("2022-05-18 11:00"), true));
    h_.Must(h_.Rate("T-B", T("2022-05-19 10:00"), false));
    // C: U02 on time after a rejected reply (47.5 h), dissatisfied,
    // reopened, re-dispatched to U03 who never signs (handle by 05-27).
    h_.Must(Receive("T-C", "2022-05-16 09:00", Channel::APP, AppealType::COMPLAINT, "噪音扰民"));
    h_.Must(h_.Dispatch("T-C", T("2022-05-16 10:00"), "U02"));
    h_.Must(h_.Accept("T-C", T("2022-05-16 10:30"), "U02"));
    h_.Must(h_.Reply("T-C", T("2022-05-17 10:00"), "U02"));
    h_.Must(h_.Review("T-C", T("2022-05-17 11:00"), false));
    h_.Must(h_.Reply("T-C", T("2022-05-18 09:30"), "U02"));
    h_.Must(h_.Review("T-C", T("2022-05-18 10:00"), true));
    Rate("T-C", "2022-05-19 09:00", S::DISSATISFIED, false);
    h_.Must(h_.Reopen("T-C", T("2022-05-19 10:00")));
    h_.Must(h_.Dispatch("T-C", T("2022-05-19 11:00"), "U03"));
    // D: answered by the centre, basically satisfied, resolved.
    h_.Must(Receive("T-D", "2022-05-20 09:00", Channel::PHONE, AppealType::CONSULTATION, "水电气暖"));
    h_.Must(h_.AnswerDirectly("T-D", T("2022-05-20 09:10")));
    Rate("T-D", "2022-05-20 15:00", S::BASICALLY_SATISFIED, true);
    // E: merged into C.
    h_.Must(Receive("T-E", "2022-05-25 09:00", Channel::WECHAT, AppealType::COMPLAINT, "噪音扰民"));
    h_.Must(h_.Merge("T-E", T("2022-05-25 10:00"), "T-C"));
    // F: dispatched on the 31st to U01, signed for on time on June 1st.
    h_.Must(Receive("T-F", "2022-05-31 15:00", Channel::EMAIL, AppealType::REPORT, "市容市貌"));
    h_.Must(h_.Dispatch("T-F", T("2022-05-31 16:00"), "U01"));  // accept by 06-01 11:30
    h_.Must(h_.Accept("T-F", T("2022-06-01 09:30"), "U01"));
  }

  MonthlyReport Report(ReportQuery q, bool rebuild = false) {
    auto report = h_.engine().Report(q, rebuild);
    EXPECT_TRUE(report.ok()) << report.status();
    return *report;
  }
  static const Counters& Row(const MonthlyReport& r, RowKind kind, const std::string& key = "") {
    static const Counters kZero{};
    auto it = r.rows.find(RowKey{kind, key});
    return it == r.rows.end() ? kZero : it->second;
  }

  EngineHarness h_;
  uint64_t after_a_ = 0;
};

TEST_F(MetricsTest, EveryCounterAndRateOfMay) {
  const MonthlyReport r = Report({"2022-05"});
  const Counters& t = Row(r, RowKind::kTotal);
  EXPECT_EQ(t[kReceived], 6);               // A B C D E F
  EXPECT_EQ(t[kAnsweredDirectly], 1);       // D
  EXPECT_EQ(t[kDispatched], 6);             // A, B->U01, B->U02, C->U02, C->U03, F
  EXPECT_EQ(t[kAcceptedOnTime], 2);         // A, C (F's accept is in June)
  EXPECT_EQ(t[kReturned], 1);               // B by U01
  EXPECT_EQ(t[kCompleted], 3);              // A B C
  EXPECT_EQ(t[kCompletedOnTime], 2);        // A C
  EXPECT_EQ(t[kOverdueOpen], 2);            // G (U01), C (U03)
  EXPECT_EQ(t[kExtensionsApproved], 1);     // B
  EXPECT_EQ(t[kUrged], 2);                  // G A
  EXPECT_EQ(t[kReopened], 1);               // C
  EXPECT_EQ(t[kRated], 3);                  // A C D
  EXPECT_EQ(t[kUnreachable], 1);            // B
  EXPECT_EQ(t[kSatisfied], 1);              // A
  EXPECT_EQ(t[kBasicallySatisfied], 1);     // D
  EXPECT_EQ(t[kDissatisfied], 1);           // C
  EXPECT_EQ(t[kResolved], 2);               // A D
  EXPECT_EQ(t[kHandleMillisSum], (72 * 60 + 193 * 60 + 47 * 60 + 30) * 60 * 1000);  // 312.5 h

  const Counters& u01 = Row(r, RowKind::kUnit, "U01");
  EXPECT_EQ(u01[kDispatched], 3);
  EXPECT_EQ(u01[kAcceptedOnTime], 1);
  EXPECT_EQ(u01[kReturned], 1);
  EXPECT_EQ(u01[kCompleted], 1);
  EXPECT_EQ(u01[kOverdueOpen], 1);
  EXPECT_EQ(u01[kUrged], 2);
  EXPECT_EQ(u01[kRated], 1);
  EXPECT_EQ(u01[kResolved], 1);
  const Counters& u02 = Row(r, RowKind::kUnit, "U02");
  EXPECT_EQ(u02[kDispatched], 2);
  EXPECT_EQ(u02[kAcceptedOnTime], 1);
  EXPECT_EQ(u02[kCompleted], 2);
  EXPECT_EQ(u02[kCompletedOnTime], 1);
  EXPECT_EQ(u02[kExtensionsApproved], 1);
  EXPECT_EQ(u02[kReopened], 1);
  EXPECT_EQ(u02[kRated], 1);
  EXPECT_EQ(u02[kUnreachable], 1);
  EXPECT_EQ(u02[kDissatisfied], 1);
  EXPECT_EQ(u02[kHandleMillisSum], (193 * 60 + 47 * 60 + 30) * 60 * 1000);
  const Counters& u03 = Row(r, RowKind::kUnit, "U03");
  EXPECT_EQ(u03[kDispatched], 1);
  EXPECT_EQ(u03[kOverdueOpen], 1);
  const Counters& centre = Row(r, RowKind::kCentre);
  EXPECT_EQ(centre[kReceived], 6);
  EXPECT_EQ(centre[kAnsweredDirectly], 1);
  EXPECT_EQ(centre[kRated], 1);
  EXPECT_EQ(centre[kBasicallySatisfied], 1);
  EXPECT_EQ(centre[kResolved], 1);
  EXPECT_EQ(centre[kDispatched], 0);

  const std::string json = ReportJson(r);
  EXPECT_THAT(json, HasSubstr(
      R"("month":"2022-05","as_of":"2022-06-01T00:00:00+08:00","up_to_sequence":)"));
  EXPECT_THAT(json, HasSubstr(R"("time_zone":"Asia/Shanghai")"));
  // Total rates: 2/6, 2/3, (1+1)/3, 2/3, 312.5/3.
  EXPECT_THAT(json, HasSubstr(
      R"("handle_hours_sum":312.5,"response_rate":0.3333,"on_time_rate":0.6667,)"
      R"("satisfaction_rate":0.6667,"resolution_rate":0.6667,"mean_handle_hours":104.17})"));
  // U01: 1/3, 1/1, 1/1, 1/1, 72/1. U02: 1/2, 1/2, 0/1, 0/1, 240.5/2. U03: 0/1.
  EXPECT_THAT(json, HasSubstr(R"("response_rate":0.3333,"on_time_rate":1.0000,"satisfaction_rate":1.0000,"resolution_rate":1.0000,"mean_handle_hours":72.00})"));
  EXPECT_THAT(json, HasSubstr(R"("handle_hours_sum":240.5,"response_rate":0.5000,"on_time_rate":0.5000,"satisfaction_rate":0.0000,"resolution_rate":0.0000,"mean_handle_hours":120.25})"));
  EXPECT_THAT(json, HasSubstr(R"("response_rate":0.0000,"on_time_rate":null,"satisfaction_rate":null,"resolution_rate":null,"mean_handle_hours":null})"));
  // Every registered unit, the inactive U09 too, by id.
  EXPECT_THAT(json, HasSubstr(R"({"unit_id":"U01","name":"单位U01","received":0,)"));
  EXPECT_THAT(json, HasSubstr(R"({"unit_id":"U09","name":"单位U09","received":0,)"));
  EXPECT_LT(json.find("\"U01\""), json.find("\"U02\""));
  // Breakdowns, by code point; unreachable ratings are not in them.
  EXPECT_THAT(json, HasSubstr(
      R"("by_category":[)" "\n"
      R"({"category":"住房保障","received":1,"completed":1,"completed_on_time":0,"rated":0,"satisfied":0,"basically_satisfied":0,"dissatisfied":0,"resolved":0,"on_time_rate":0.0000,"satisfaction_rate":null,"resolution_rate":null},)" "\n"
      R"({"category":"噪音扰民","received":3,"completed":2,"completed_on_time":2,"rated":2,"satisfied":1,"basically_satisfied":0,"dissatisfied":1,"resolved":1,"on_time_rate":1.0000,"satisfaction_rate":0.5000,"resolution_rate":0.5000},)" "\n"
      R"({"category":"市容市貌","received":1,"completed":0,"completed_on_time":0,"rated":0,"satisfied":0,"basically_satisfied":0,"dissatisfied":0,"resolved":0,"on_time_rate":null,"satisfaction_rate":null,"resolution_rate":null},)" "\n"
      R"({"category":"水电气暖","received":1,"completed":0,"completed_on_time":0,"rated":1,"satisfied":0,"basically_satisfied":1,"dissatisfied":0,"resolved":1,"on_time_rate":null,"satisfaction_rate":1.0000,"resolution_rate":1.0000}],)"));
  EXPECT_THAT(json, HasSubstr(
      R"({"appeal_type":"COMPLAINT","received":3,"completed":2,"completed_on_time":2,"rated":2,)"));
  EXPECT_THAT(json, HasSubstr(
      R"({"appeal_type":"CONSULTATION","received":2,"completed":1,"completed_on_time":0,"rated":1,"satisfied":0,"basically_satisfied":1,)"));
  EXPECT_THAT(json, HasSubstr(
      R"("by_channel":[)" "\n" R"({"channel":"APP","received":1},)" "\n"
      R"({"channel":"EMAIL","received":1},)" "\n" R"({"channel":"PHONE","received":2},)" "\n"
      R"({"channel":"WEB","received":1},)" "\n" R"({"channel":"WECHAT","received":1}]})"));

  // The same bytes from the log alone.
  EXPECT_EQ(ReportJson(Report({"2022-05"}, /*rebuild=*/true)), json);
}

TEST_F(MetricsTest, AsOfALaterTimeCountsTheCohortsLateAccept) {
  ReportQuery q{"2022-05", T("2022-06-02 00:00"), std::nullopt};
  const MonthlyReport r = Report(q);
  EXPECT_EQ(Row(r, RowKind::kTotal)[kAcceptedOnTime], 3);  // F's June accept now counts
  EXPECT_EQ(Row(r, RowKind::kUnit, "U01")[kAcceptedOnTime], 2);
  EXPECT_EQ(Row(r, RowKind::kTotal)[kOverdueOpen], 2);  // snapshot stays at 06-01 00:00
  EXPECT_EQ(Row(r, RowKind::kTotal)[kReceived], 6);
  EXPECT_THAT(ReportJson(r), HasSubstr(R"("as_of":"2022-06-02T00:00:00+08:00")"));
}

TEST_F(MetricsTest, AsOfMidMonth) {
  ReportQuery q{"2022-05", T("2022-05-16 00:00"), std::nullopt};
  const MonthlyReport r = Report(q);  // Row refers into it
  const Counters& t = Row(r, RowKind::kTotal);
  EXPECT_EQ(t[kReceived], 2);            // A B
  EXPECT_EQ(t[kDispatched], 3);          // A, B->U01, B->U02
  EXPECT_EQ(t[kAcceptedOnTime], 1);      // A
  EXPECT_EQ(t[kReturned], 1);
  EXPECT_EQ(t[kCompleted], 1);           // A
  EXPECT_EQ(t[kExtensionsApproved], 1);  // B, 05-12
  EXPECT_EQ(t[kUrged], 2);
  EXPECT_EQ(t[kOverdueOpen], 1);         // G; B's extended deadline is 05-18
  EXPECT_EQ(t[kRated], 1);
}

TEST_F(MetricsTest, UpToALogPosition) {
  ReportQuery q{"2022-05", std::nullopt, after_a_};
  const MonthlyReport r = Report(q);
  const Counters& t = Row(r, RowKind::kTotal);
  EXPECT_EQ(r.up_to_sequence, after_a_);
  EXPECT_EQ(t[kReceived], 1);     // A only
  EXPECT_EQ(t[kCompleted], 1);
  EXPECT_EQ(t[kUrged], 2);        // G's urge came earlier in the log
  EXPECT_EQ(t[kOverdueOpen], 1);  // G
  EXPECT_EQ(t[kRated], 1);
  EXPECT_EQ(h_.engine().Report({"2022-05", std::nullopt, h_.head() + 1}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(MetricsTest, CsvAndTable) {
  const MonthlyReport r = Report({"2022-05"});
  const std::string csv = ReportCsv(r);
  EXPECT_THAT(csv, HasSubstr("unit_id,name,received,answered_directly,dispatched,"));
  EXPECT_THAT(csv, HasSubstr("\nU02,单位U02,0,0,2,1,0,2,1,0,1,0,1,1,1,0,0,1,0,240.5,0.5000,0.5000,0.0000,0.0000,120.25\n"));
  EXPECT_THAT(csv, HasSubstr("\ntotal,total,6,1,6,2,1,3,2,2,1,2,1,3,1,1,1,1,2,312.5,"));
  const std::string table = ReportTable(r);
  EXPECT_THAT(table, HasSubstr("响应率 response 33.33%"));
  EXPECT_THAT(table, HasSubstr("满意率 satisfaction 66.67%"));
}

}  // namespace
}  // namespace hotline::engine
