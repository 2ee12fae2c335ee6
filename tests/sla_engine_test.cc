// Deadlines the engine records under the China 2022 calendar (sla.md), each
// against an instant computed by hand, and that a later policy never
// rewrites a recorded deadline, before or after a full rebuild.

#include "engine/time_util.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"

namespace hotline::engine {
namespace {

using hotline::testing::EngineHarness;
using hotline::testing::Shanghai;
using hotline::v1::AppealType;
using hotline::v1::TicketState;
using hotline::v1::Urgency;

class SlaEngineTest : public ::testing::Test {
 protected:
  void SetUp() override { h_.PublishPolicy(EngineHarness::ChinaPolicy()); }
  TicketState State(const std::string& id) { return *h_.engine().GetTicket(id); }
  absl::Time Handle(const std::string& id) { return FromProto(State(id).handle_deadline()); }
  absl::Time Accept(const std::string& id) { return FromProto(State(id).accept_deadline()); }

  EngineHarness h_{Shanghai("2022-12-31 12:00")};
};

TEST_F(SlaEngineTest, WorkedExampleOfSlaMd) {
  h_.Must(h_.Receive("T-1", Shanghai("2022-05-27 15:00")));
  h_.Must(h_.Dispatch("T-1", Shanghai("2022-05-27 16:00")));
  EXPECT_EQ(Handle("T-1"), Shanghai("2022-06-07 00:00"));
  EXPECT_EQ(engine::FormatLocal(Handle("T-1"),
                                h_.engine().directory()->policy().calendar().zone()),
            "2022-06-07T00:00:00+08:00");
  // The deadline is in the event itself.
  auto history = h_.engine().History("T-1");
  EXPECT_EQ(FromProto(history->back().event().ticket_dispatched().handle_deadline()),
            Shanghai("2022-06-07 00:00"));
}

TEST_F(SlaEngineTest, LimitsByAppealTypeAndUrgency) {
  h_.Must(h_.Receive("U-1", Shanghai("2022-06-02 09:00"), AppealType::COMPLAINT, Urgency::URGENT));
  h_.Must(h_.Dispatch("U-1", Shanghai("2022-06-02 10:00")));
  EXPECT_EQ(Accept("U-1"), Shanghai("2022-06-02 11:00"));  // 1 working hour
  EXPECT_EQ(Handle("U-1"), Shanghai("2022-06-07 00:00"));  // 1 day: Mon 06-06
  h_.Must(h_.Receive("C-1", Shanghai("2022-09-08 09:00"), AppealType::CONSULTATION));
  h_.Must(h_.Dispatch("C-1", Shanghai("2022-09-08 10:00")));
  EXPECT_EQ(Handle("C-1"), Shanghai("2022-09-15 00:00"));  // 09-09, 09-13, 09-14
  h_.Must(h_.Receive("S-1", Shanghai("2022-09-29 09:00"), AppealType::SUGGESTION));
  h_.Must(h_.Dispatch("S-1", Shanghai("2022-09-29 10:00")));
  // 10 days: 09-30, 10-08, 10-09, 10-10 .. 10-14, 10-17, 10-18.
  EXPECT_EQ(Handle("S-1"), Shanghai("2022-10-19 00:00"));
}

TEST_F(SlaEngineTest, ExtensionCountsFromTheLastWorkingDayInside) {
  h_.Must(h_.Receive("T-1", Shanghai("2022-09-08 09:00")));
  h_.Must(h_.Dispatch("T-1", Shanghai("2022-09-08 10:00")));
  // 09-09, (中秋 09-10..12), 09-13, 09-14, 09-15, 09-16.
  EXPECT_EQ(Handle("T-1"), Shanghai("2022-09-17 00:00"));
  h_.Must(h_.Accept("T-1", Shanghai("2022-09-08 11:00")));
  h_.Must(h_.RequestExtension("T-1", Shanghai("2022-09-15 10:00"), 3));
  h_.Must(h_.DecideExtension("T-1", Shanghai("2022-09-15 11:00"), true));
  // From 09-16: 09-19, 09-20, 09-21.
  EXPECT_EQ(Handle("T-1"), Shanghai("2022-09-22 00:00"));
  auto history = h_.engine().History("T-1");
  EXPECT_EQ(FromProto(history->back().event().extension_approved().new_handle_deadline()),
            Shanghai("2022-09-22 00:00"));
}

TEST_F(SlaEngineTest, ReturnAndRedispatchStartFreshDeadlinesAndRejectedReplyKeepsThem) {
  h_.Must(h_.Receive("T-1", Shanghai("2022-09-29 09:00")));
  h_.Must(h_.Dispatch("T-1", Shanghai("2022-09-29 10:00")));
  EXPECT_EQ(Handle("T-1"), Shanghai("2022-10-12 00:00"));  // 09-30, 10-08..10-11
  h_.Must(h_.RequestReturn("T-1", Shanghai("2022-09-29 11:00")));
  h_.Must(h_.DecideReturn("T-1", Shanghai("2022-09-30 09:00"), true));
  h_.Must(h_.Dispatch("T-1", Shanghai("2022-09-30 15:00"), "U02"));
  EXPECT_EQ(Handle("T-1"), Shanghai("2022-10-13 00:00"));  // 10-08 .. 10-12
  // 4 working hours: 2.5 h on Fri 09-30, 1.5 h on the worked Sat 10-08.
  EXPECT_EQ(Accept("T-1"), Shanghai("2022-10-08 10:30"));
  h_.Must(h_.Accept("T-1", Shanghai("2022-10-08 09:05"), "U02"));
  h_.Must(h_.Reply("T-1", Shanghai("2022-10-10 10:00"), "U02"));
  // Review: 8 working hours from Mon 10:00 -> Tue 10-11 11:00.
  EXPECT_EQ(FromProto(State("T-1").review_deadline()), Shanghai("2022-10-11 11:00"));
  h_.Must(h_.Review("T-1", Shanghai("2022-10-10 15:00"), false));
  EXPECT_EQ(Handle("T-1"), Shanghai("2022-10-13 00:00"));
}

TEST_F(SlaEngineTest, ReopenStartsANewCycleWithFreshDeadlines) {
  h_.Must(h_.Receive("T-1", Shanghai("2022-10-10 09:00")));
  h_.Must(h_.Dispatch("T-1", Shanghai("2022-10-10 10:00")));
  h_.Must(h_.Accept("T-1", Shanghai("2022-10-10 11:00")));
  h_.Must(h_.Reply("T-1", Shanghai("2022-10-11 10:00")));
  h_.Must(h_.Review("T-1", Shanghai("2022-10-11 11:00"), true));
  // Rating window: 3 working days after Tue 10-11 -> 10-15 00:00.
  EXPECT_EQ(FromProto(State("T-1").rating_deadline()), Shanghai("2022-10-15 00:00"));
  h_.Must(h_.Rate("T-1", Shanghai("2022-10-14 10:00"), true));
  h_.Must(h_.Reopen("T-1", Shanghai("2022-10-14 16:00")));
  h_.Must(h_.Dispatch("T-1", Shanghai("2022-10-17 09:00")));
  EXPECT_EQ(State("T-1").cycle(), 2u);
  EXPECT_EQ(Handle("T-1"), Shanghai("2022-10-25 00:00"));  // 10-18 .. 10-24
  EXPECT_EQ(Accept("T-1"), Shanghai("2022-10-17 14:30"));  // 3 h morning, 1 h after lunch
}

TEST_F(SlaEngineTest, ALaterPolicyNeverRewritesARecordedDeadline) {
  h_.Must(h_.Receive("T-1", Shanghai("2022-05-27 15:00")));
  h_.Must(h_.Dispatch("T-1", Shanghai("2022-05-27 16:00")));
  // Two days for everything, and no holidays any more.
  hotline::v1::Policy strict;
  auto* rule = strict.add_handle_within_days();
  rule->set_urgency(Urgency::NORMAL);
  rule->set_days(2);
  h_.PublishPolicy(strict);
  EXPECT_EQ(Handle("T-1"), Shanghai("2022-06-07 00:00"));
  h_.Must(h_.Receive("T-2", Shanghai("2022-05-27 15:00")));
  h_.Must(h_.Dispatch("T-2", Shanghai("2022-05-27 16:00")));
  EXPECT_EQ(Handle("T-2"), Shanghai("2022-06-01 00:00"));  // 05-30, 05-31

  ASSERT_TRUE(h_.engine().RebuildProjections().ok());
  EXPECT_EQ(Handle("T-1"), Shanghai("2022-06-07 00:00"));
  EXPECT_EQ(Handle("T-2"), Shanghai("2022-06-01 00:00"));
  h_.Reopen();  // and the directory reloaded from the log keeps the new policy
  EXPECT_EQ(h_.engine().directory()->policy().HandleWithinDays(AppealType::COMPLAINT,
                                                               Urgency::NORMAL),
            2);
  EXPECT_EQ(Handle("T-1"), Shanghai("2022-06-07 00:00"));
}

}  // namespace
}  // namespace hotline::engine
