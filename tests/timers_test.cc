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

TEST_F(TimersTest, EachMissedDeadlineFiresOnceAtTheFiringInstant) {
  EXPECT_THAT(Fire("2022-05-30 11:30"), ElementsAre());  // not yet: deadline < now
  EXPECT_THAT(Fire("2022-05-30 12:00"), ElementsAre("T-1:ACCEPT"));
  EXPECT_THAT(Fire("2022-05-30 12:00"), ElementsAre());  // once
  EXPECT_THAT(Fire("2022-05-31 12:00"), ElementsAre());
  auto history = *h_.engine().History("T-1");
  const auto& missed = history.back();
  EXPECT_EQ(missed.event().deadline_missed().kind(), DeadlineKind::ACCEPT);
  EXPECT_EQ(missed.event().deadline_missed().lead_unit(), "U01");
  EXPECT_EQ(FromProto(missed.event().deadline_missed().deadline()),
            Shanghai("2022-05-30 11:30"));
  // sla.md: the miss is stated at the firing instant, strictly after the
  // deadline; at the deadline itself the ticket is still on time.
  EXPECT_EQ(FromProto(missed.at()), Shanghai("2022-05-30 12:00"));
  EXPECT_TRUE(h_.engine().GetTicketAsOf("T-1", Shanghai("2022-05-30 11:30"))->missed().empty());
  EXPECT_THAT(h_.engine().GetTicketAsOf("T-1", Shanghai("2022-05-30 12:00"))->missed(),
              ElementsAre(DeadlineKind::ACCEPT));
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
  EXPECT_EQ(FromProto(history.back().at()), Shanghai("2022-06-08 09:00"));
  EXPECT_THAT(Fire("2022-06-09 09:00"), ElementsAre());
  h_.Must(h_.Reopen("T-1", Shanghai("2022-06-08 10:00")));  // an expired rating may reopen
}

TEST_F(TimersTest, AtIsTheLastEventTimeWhenThatIsLater) {
  h_.Must(h_.Urge("T-1", Shanghai("2022-05-30 15:00")));  // after the accept deadline
  EXPECT_THAT(Fire("2022-05-30 14:00"), ElementsAre("T-1:ACCEPT"));
  EXPECT_EQ(FromProto(h_.engine().History("T-1")->back().at()), Shanghai("2022-05-30 15:00"));
}

// A client cannot take a firing's command id (it would be taken for the
// firing's duplicate and the miss never recorded).
TEST_F(TimersTest, ClientsCannotUseTheTimerCommandIdPrefix) {
  hotline::v1::Command receive = h_.Receive("T-9", Shanghai("2022-05-28 09:00"));
  receive.set_command_id("timer:T-1:1:ACCEPT:1653881400000000");
  auto result = h_.engine().Execute(receive);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), ::testing::HasSubstr("command_id"));
  EXPECT_THAT(Fire("2022-05-30 12:00"), ElementsAre("T-1:ACCEPT"));
}

// A store written before the prefix was refused may hold a client command
// under a firing's id: the firing still happens, exactly once.
TEST_F(TimersTest, AFiringWhoseIdAClientTookBeforeStillFires) {
  const auto deadline = h_.engine().DueBefore(Shanghai("2022-05-30 12:00"));
  ASSERT_EQ(deadline->size(), 1u);
  const std::string taken = absl::StrCat("timer:T-1:1:ACCEPT:",
                                         absl::ToUnixMicros((*deadline)[0].deadline));
  // Two urges of another ticket under the firing's id and its first alias,
  // written below the engine's validation, as an old store holds them.
  h_.Must(h_.Receive("T-9", Shanghai("2022-05-28 09:00")));
  hotline::v1::EventEnvelope urge = h_.engine().History("T-9")->front();
  urge.mutable_event()->mutable_ticket_urged();
  h_.Close();
  {
    auto log = store::EventLog::Open(h_.path(), store::Options());
    ASSERT_TRUE(log.ok()) << log.status();
    store::AppendRequest request;
    request.stream_id = "T-9";
    request.payloads = {urge.SerializeAsString()};
    for (const std::string& id : {taken, taken + "#1"}) {
      request.command_id = id;
      ASSERT_TRUE((*log)->Append(request).ok());
    }
  }
  h_.Reopen();

  EXPECT_THAT(Fire("2022-05-30 12:00"), ElementsAre("T-1:ACCEPT"));
  EXPECT_THAT(Fire("2022-05-30 13:00"), ElementsAre());
  EXPECT_THAT(h_.engine().GetTicket("T-1")->missed(), ElementsAre(DeadlineKind::ACCEPT));
  auto found = h_.engine().log().FindCommand(taken + "#2");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ(h_.engine().History("T-1")->back().sequence(), (*found)->first_sequence);
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
