// The SLA timer index and FireDueTimers (sla.md, "Timers").

#include <map>

#include "engine/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"

namespace hotline::engine {
namespace {

using hotline::testing::EngineHarness;
using hotline::testing::Shanghai;
using hotline::v1::CloseReason;
using hotline::v1::DeadlineKind;
using ::testing::ElementsAre;

std::vector<std::string> Names(const absl::StatusOr<std::vector<TimerEntry>>& entries) {
  EXPECT_TRUE(entries.ok()) << entries.status();
  std::vector<std::string> out;
  for (const TimerEntry& e : *entries) {
    out.push_back(e.ticket_id + ":" + DeadlineKind::Value_Name(e.kind));
  }
  return out;
}

class TimersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.PublishPolicy(EngineHarness::ChinaPolicy());
    // Accept by Mon 05-30 11:30, handle by 06-07 00:00.
    h_.Must(h_.Receive("T-1", Shanghai("2022-05-27 15:00")));
    h_.Must(h_.Dispatch("T-1", Shanghai("2022-05-27 16:00")));
  }
  std::vector<std::string> Fire(const std::string& now, size_t limit = SIZE_MAX) {
    auto fired = h_.engine().FireDueTimers(Shanghai(now), limit);
    EXPECT_TRUE(fired.ok()) << fired.status();
    std::vector<std::string> out;
    for (const auto& f : *fired) {
      out.push_back(f.timer.ticket_id + ":" + DeadlineKind::Value_Name(f.timer.kind));
    }
    return out;
  }
  // Every key and value of the state family and the timer index.
  std::map<std::string, std::string> Projections() {
    std::map<std::string, std::string> all;
    for (auto family : {store::Family::kState, store::Family::kProjections}) {
      EXPECT_TRUE(h_.engine().log().ScanFamily(family, "", [&](absl::string_view k,
                                                               absl::string_view v) {
        all[std::string(k)] = std::string(v);
        return absl::OkStatus();
      }).ok());
    }
    return all;
  }

  EngineHarness h_{Shanghai("2022-12-31 12:00")};
};

TEST_F(TimersTest, IndexAnswersDueAndOverdueQueries) {
  EXPECT_THAT(Names(h_.engine().DueBefore(Shanghai("2022-05-30 11:30"))), ElementsAre());
  EXPECT_THAT(Names(h_.engine().DueBefore(Shanghai("2022-05-30 11:31"))),
              ElementsAre("T-1:ACCEPT"));
  EXPECT_THAT(Names(h_.engine().DueBefore(Shanghai("2022-06-08 00:00"))),
              ElementsAre("T-1:ACCEPT", "T-1:HANDLE"));
  EXPECT_THAT(Names(h_.engine().Overdue(Shanghai("2022-06-01 00:00"))),
              ElementsAre("T-1:ACCEPT"));
  EXPECT_THAT(Names(h_.engine().OpenDeadlines(Shanghai("2022-06-01 00:00"),
                                              Shanghai("2022-06-08 00:00"))),
              ElementsAre("T-1:HANDLE"));
  auto entries = h_.engine().DueBefore(Shanghai("2022-06-08 00:00"));
  EXPECT_EQ((*entries)[1].deadline, Shanghai("2022-06-07 00:00"));
  EXPECT_EQ((*entries)[1].lead_unit, "U01");
}

TEST_F(TimersTest, EachMissedDeadlineFiresOnceWithTheDeadlineAsItsTime) {
  EXPECT_THAT(Fire("2022-05-30 11:30"), ElementsAre());  // not yet: deadline < now
  EXPECT_THAT(Fire("2022-05-30 12:00"), ElementsAre("T-1:ACCEPT"));
  EXPECT_THAT(Fire("2022-05-30 12:00"), ElementsAre());  // once
  EXPECT_THAT(Fire("2022-05-31 12:00"), ElementsAre());
  auto history = *h_.engine().History("T-1");
  const auto& missed = history.back();
  EXPECT_EQ(missed.event().deadline_missed().kind(), DeadlineKind::ACCEPT);
  EXPECT_EQ(missed.event().deadline_missed().lead_unit(), "U01");
  EXPECT_EQ(FromProto(missed.at()), Shanghai("2022-05-30 11:30"));
  EXPECT_EQ(missed.actor().role(), hotline::v1::Role::SYSTEM);
  // Still owed (overdue) though already reported; gone once signed for.
  EXPECT_THAT(Names(h_.engine().Overdue(Shanghai("2022-05-30 13:00"))),
              ElementsAre("T-1:ACCEPT"));
  h_.Must(h_.Accept("T-1", Shanghai("2022-05-30 14:00")));
  EXPECT_THAT(Names(h_.engine().Overdue(Shanghai("2022-05-30 15:00"))), ElementsAre());

  EXPECT_THAT(Fire("2022-06-08 09:00"), ElementsAre("T-1:HANDLE"));
  // A reply waiting for review is not overdue; a rejected one owes again,
  // but the miss was reported already.
  h_.Must(h_.Reply("T-1", Shanghai("2022-06-08 10:00")));
  EXPECT_THAT(Names(h_.engine().Overdue(Shanghai("2022-06-08 10:30"))), ElementsAre());
  h_.Must(h_.Review("T-1", Shanghai("2022-06-08 11:00"), false));
  EXPECT_THAT(Names(h_.engine().Overdue(Shanghai("2022-06-08 11:30"))),
              ElementsAre("T-1:HANDLE"));
  EXPECT_THAT(Fire("2022-06-09 09:00"), ElementsAre());
}

TEST_F(TimersTest, AnExtendedDeadlineCanBeMissedAgain) {
  h_.Must(h_.Accept("T-1", Shanghai("2022-05-30 09:00")));
  EXPECT_THAT(Fire("2022-06-07 09:00"), ElementsAre("T-1:HANDLE"));
  h_.Must(h_.RequestExtension("T-1", Shanghai("2022-06-07 10:00"), 2));
  h_.Must(h_.DecideExtension("T-1", Shanghai("2022-06-07 11:00"), true));
  // From 06-06 (last working day inside): 06-07, 06-08 -> 06-09 00:00.
  EXPECT_EQ(FromProto(h_.engine().GetTicket("T-1")->handle_deadline()),
            Shanghai("2022-06-09 00:00"));
  EXPECT_THAT(Fire("2022-06-08 23:00"), ElementsAre());
  EXPECT_THAT(Fire("2022-06-09 09:00"), ElementsAre("T-1:HANDLE"));
}

TEST_F(TimersTest, ReviewMissAndRatingExpiry) {
  h_.Must(h_.Accept("T-1", Shanghai("2022-05-30 09:00")));
  h_.Must(h_.Reply("T-1", Shanghai("2022-05-31 10:00")));  // review by 06-01 11:00
  EXPECT_THAT(Fire("2022-06-01 12:00"), ElementsAre("T-1:REVIEW"));
  h_.Must(h_.Review("T-1", Shanghai("2022-06-01 14:00"), true));
  // Rating window: 06-02, 06-06, 06-07 -> 06-08 00:00.
  EXPECT_THAT(Fire("2022-06-07 23:59"), ElementsAre());
  EXPECT_THAT(Fire("2022-06-08 09:00"), ElementsAre("T-1:RATING"));
  auto state = h_.engine().GetTicket("T-1");
  EXPECT_EQ(state->close_reason(), CloseReason::RATING_EXPIRED);
  auto history = *h_.engine().History("T-1");
  ASSERT_GE(history.size(), 2u);
  EXPECT_EQ(history[history.size() - 2].event().deadline_missed().kind(), DeadlineKind::RATING);
  EXPECT_EQ(history.back().event().ticket_closed().reason(), CloseReason::RATING_EXPIRED);
  EXPECT_EQ(FromProto(history.back().at()), Shanghai("2022-06-08 00:00"));
  EXPECT_THAT(Fire("2022-06-09 09:00"), ElementsAre());
  h_.Must(h_.Reopen("T-1", Shanghai("2022-06-08 10:00")));  // an expired rating may reopen
}

TEST_F(TimersTest, AtIsTheLastEventTimeWhenThatIsLater) {
  h_.Must(h_.Urge("T-1", Shanghai("2022-05-30 15:00")));  // after the accept deadline
  EXPECT_THAT(Fire("2022-05-30 16:00"), ElementsAre("T-1:ACCEPT"));
  EXPECT_EQ(FromProto(h_.engine().History("T-1")->back().at()), Shanghai("2022-05-30 15:00"));
}

TEST_F(TimersTest, LimitFiresTheEarliestFirst) {
  h_.Must(h_.Receive("T-0", Shanghai("2022-05-26 09:00")));
  h_.Must(h_.Dispatch("T-0", Shanghai("2022-05-26 10:00")));  // accept by 05-26 14:30
  EXPECT_THAT(Fire("2022-06-08 09:00", 1), ElementsAre("T-0:ACCEPT"));
  EXPECT_THAT(Fire("2022-06-08 09:00", 2), ElementsAre("T-1:ACCEPT", "T-0:HANDLE"));
  EXPECT_THAT(Fire("2022-06-08 09:00"), ElementsAre("T-1:HANDLE"));
}

TEST_F(TimersTest, RebuildReproducesStatesAndIndexExactly) {
  h_.Must(h_.Receive("T-2", Shanghai("2022-05-30 09:00")));
  h_.Must(h_.Dispatch("T-2", Shanghai("2022-05-30 10:00"), "U02"));
  h_.Must(h_.Accept("T-2", Shanghai("2022-05-30 10:30"), "U02"));
  h_.Must(h_.Reply("T-2", Shanghai("2022-05-31 10:00"), "U02"));
  h_.Must(h_.Receive("T-3", Shanghai("2022-05-30 09:00")));
  h_.Must(h_.AnswerDirectly("T-3", Shanghai("2022-05-30 09:10")));
  EXPECT_THAT(Fire("2022-06-01 12:00"), ElementsAre("T-1:ACCEPT", "T-2:REVIEW"));
  ASSERT_TRUE(h_.engine().CatchUpStatistics().ok());
  const auto before = Projections();
  ASSERT_TRUE(h_.engine().RebuildProjections().ok());
  EXPECT_EQ(Projections(), before);
  EXPECT_GT(before.size(), 5u);
}

}  // namespace
}  // namespace hotline::engine
