// Whole ticket lives through the engine (workflow.md), with deadlines checked
// against instants computed by hand under the default policy (no holidays).

#include <string>
#include <vector>

#include "engine/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"

namespace hotline::engine {
namespace {

using hotline::testing::EngineHarness;
using hotline::testing::Shanghai;
using hotline::v1::CloseReason;
using hotline::v1::TicketState;
using hotline::v1::TicketStatus;
using ::testing::ElementsAre;

class LifecycleTest : public ::testing::Test {
 protected:
  TicketState State(const std::string& id) {
    auto s = h_.engine().GetTicket(id);
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? *s : TicketState();
  }
  std::vector<std::string> Events(const std::string& id) {
    std::vector<std::string> names;
    auto history = h_.engine().History(id);
    EXPECT_TRUE(history.ok()) << history.status();
    if (!history.ok()) return names;
    for (const auto& e : *history) {
      names.push_back(hotline::v1::Event::descriptor()
                          ->FindFieldByNumber(e.event().payload_case())
                          ->json_name());
    }
    return names;
  }
  absl::StatusCode Code(const hotline::v1::Command& c) { return h_.Execute(c).status().code(); }
  // Brings ticket `id` to IN_PROGRESS with U01, dispatched at `at`.
  void InProgress(const std::string& id, absl::Time at) {
    h_.Must(h_.Receive(id, at - absl::Minutes(30)));
    h_.Must(h_.Dispatch(id, at));
    h_.Must(h_.Accept(id, at + absl::Minutes(30)));
  }

  EngineHarness h_;
  // Wednesday 2022-06-01 10:00 Asia/Shanghai.
  const absl::Time wed_ = Shanghai("2022-06-01 10:00");
};

TEST_F(LifecycleTest, HappyPath) {
  h_.Must(h_.Receive("T-1", Shanghai("2022-05-27 15:00")));
  h_.Must(h_.Dispatch("T-1", Shanghai("2022-05-27 16:00")));
  TicketState s = State("T-1");
  EXPECT_EQ(s.state(), TicketStatus::DISPATCHED);
  EXPECT_EQ(s.lead_unit(), "U01");
  // 4 working hours from Fri 16:00: 1.5 h Friday, 2.5 h Monday morning.
  EXPECT_EQ(FromProto(s.accept_deadline()), Shanghai("2022-05-30 11:30"));
  // 5 working days after Fri 05-27: 05-30 .. 06-03, so 06-04 00:00.
  EXPECT_EQ(FromProto(s.handle_deadline()), Shanghai("2022-06-04 00:00"));
  h_.Must(h_.Accept("T-1", Shanghai("2022-05-30 09:10")));
  h_.Must(h_.Reply("T-1", Shanghai("2022-06-02 15:00")));
  // 8 working hours from Thu 15:00: 2.5 h Thu, 5.5 h Fri -> Fri 16:00.
  EXPECT_EQ(FromProto(State("T-1").review_deadline()), Shanghai("2022-06-03 16:00"));
  h_.Must(h_.Review("T-1", Shanghai("2022-06-03 09:00"), true));
  // 3 working days after Fri 06-03: 06-06 .. 06-08, so 06-09 00:00.
  EXPECT_EQ(FromProto(State("T-1").rating_deadline()), Shanghai("2022-06-09 00:00"));
  h_.Must(h_.Rate("T-1", Shanghai("2022-06-06 10:00"), true));
  s = State("T-1");
  EXPECT_EQ(s.state(), TicketStatus::CLOSED);
  EXPECT_EQ(s.close_reason(), CloseReason::RATED);
  EXPECT_EQ(s.version(), 7u);
  EXPECT_THAT(Events("T-1"),
              ElementsAre("ticketReceived", "ticketDispatched", "ticketAccepted",
                          "ticketReplied", "replyApproved", "ticketRated", "ticketClosed"));
}

TEST_F(LifecycleTest, RejectedReturnKeepsTheFirstUnitResponsible) {
  InProgress("T-1", wed_);
  h_.Must(h_.RequestReturn("T-1", wed_ + absl::Hours(1)));
  EXPECT_EQ(State("T-1").state(), TicketStatus::RETURN_REQUESTED);
  h_.Must(h_.DecideReturn("T-1", wed_ + absl::Hours(2), false));
  TicketState s = State("T-1");
  EXPECT_EQ(s.state(), TicketStatus::IN_PROGRESS);  // back where it was
  EXPECT_EQ(s.lead_unit(), "U01");
  EXPECT_EQ(FromProto(s.handle_deadline()), Shanghai("2022-06-09 00:00"));
  h_.Must(h_.Reply("T-1", wed_ + absl::Hours(3)));

  // From DISPATCHED (not yet signed for), a rejection returns to DISPATCHED.
  h_.Must(h_.Receive("T-2", wed_));
  h_.Must(h_.Dispatch("T-2", wed_));
  h_.Must(h_.RequestReturn("T-2", wed_ + absl::Hours(1)));
  h_.Must(h_.DecideReturn("T-2", wed_ + absl::Hours(2), false));
  EXPECT_EQ(State("T-2").state(), TicketStatus::DISPATCHED);
}

TEST_F(LifecycleTest, ApprovedReturnThenRedispatchElsewhereStartsFreshDeadlines) {
  InProgress("T-1", wed_);
  h_.Must(h_.RequestReturn("T-1", wed_ + absl::Hours(1)));
  h_.Must(h_.DecideReturn("T-1", wed_ + absl::Hours(2), true));
  TicketState s = State("T-1");
  EXPECT_EQ(s.state(), TicketStatus::RETURNED);
  EXPECT_EQ(s.lead_unit(), "");
  EXPECT_FALSE(s.has_handle_deadline());
  EXPECT_EQ(Code(h_.Reply("T-1", wed_ + absl::Hours(3))), absl::StatusCode::kFailedPrecondition);
  const absl::Time redispatch = Shanghai("2022-06-02 14:00");
  h_.Must(h_.Dispatch("T-1", redispatch, "U02"));
  s = State("T-1");
  EXPECT_EQ(s.lead_unit(), "U02");
  EXPECT_EQ(FromProto(s.handle_deadline()), Shanghai("2022-06-10 00:00"));
  EXPECT_EQ(FromProto(s.accept_deadline()), Shanghai("2022-06-03 09:30"));
  EXPECT_EQ(Code(h_.Accept("T-1", redispatch, "U01")), absl::StatusCode::kPermissionDenied);
  h_.Must(h_.Accept("T-1", redispatch + absl::Minutes(5), "U02"));
}

TEST_F(LifecycleTest, ExtensionLimits) {
  InProgress("T-1", wed_);  // handle deadline 2022-06-09 00:00
  EXPECT_EQ(Code(h_.RequestExtension("T-1", wed_ + absl::Hours(1), 11)),
            absl::StatusCode::kInvalidArgument);  // policy max 10 days
  EXPECT_EQ(Code(h_.DecideExtension("T-1", wed_ + absl::Hours(1), true)),
            absl::StatusCode::kFailedPrecondition);  // nothing pending
  h_.Must(h_.RequestExtension("T-1", wed_ + absl::Hours(1), 3));
  EXPECT_TRUE(State("T-1").has_pending_extension());
  EXPECT_EQ(Code(h_.RequestExtension("T-1", wed_ + absl::Hours(2), 2)),
            absl::StatusCode::kFailedPrecondition);  // one pending already
  h_.Must(h_.DecideExtension("T-1", wed_ + absl::Hours(3), false));
  EXPECT_EQ(FromProto(State("T-1").handle_deadline()), Shanghai("2022-06-09 00:00"));
  h_.Must(h_.RequestExtension("T-1", wed_ + absl::Hours(4), 3));
  h_.Must(h_.DecideExtension("T-1", wed_ + absl::Hours(5), true));
  // Last working day inside the deadline is 06-08; 3 more: 06-09, 06-10, 06-13.
  EXPECT_EQ(FromProto(State("T-1").handle_deadline()), Shanghai("2022-06-14 00:00"));
  EXPECT_EQ(Code(h_.RequestExtension("T-1", wed_ + absl::Hours(6), 1)),
            absl::StatusCode::kFailedPrecondition);  // max 1 approved per cycle

  hotline::v1::Command policy = h_.NewCommand("", wed_, hotline::testing::Admin());
  policy.mutable_publish_policy()->mutable_policy()->set_max_extensions(2);
  h_.Must(policy);
  h_.Must(h_.RequestExtension("T-1", wed_ + absl::Hours(7), 1));
  // A reply lets a pending request lapse.
  h_.Must(h_.Reply("T-1", wed_ + absl::Hours(8)));
  EXPECT_FALSE(State("T-1").has_pending_extension());
}

TEST_F(LifecycleTest, RejectedReplyIsRedoneBySameUnitWithTheSameDeadline) {
  InProgress("T-1", wed_);
  const auto deadline = State("T-1").handle_deadline();
  h_.Must(h_.Reply("T-1", wed_ + absl::Hours(1)));
  h_.Must(h_.Review("T-1", wed_ + absl::Hours(2), false));
  TicketState s = State("T-1");
  EXPECT_EQ(s.state(), TicketStatus::IN_PROGRESS);
  EXPECT_EQ(s.lead_unit(), "U01");
  EXPECT_EQ(FromProto(s.handle_deadline()), FromProto(deadline));
  h_.Must(h_.Reply("T-1", wed_ + absl::Hours(3)));
  h_.Must(h_.Review("T-1", wed_ + absl::Hours(4), true));
  EXPECT_EQ(State("T-1").state(), TicketStatus::AWAITING_RATING);
}

TEST_F(LifecycleTest, UnreachableCitizenClosesAsUnreachable) {
  InProgress("T-1", wed_);
  h_.Must(h_.Reply("T-1", wed_ + absl::Hours(1)));
  h_.Must(h_.Review("T-1", wed_ + absl::Hours(2), true));
  h_.Must(h_.Rate("T-1", wed_ + absl::Hours(3), false));
  EXPECT_EQ(State("T-1").close_reason(), CloseReason::UNREACHABLE);
  EXPECT_THAT(Events("T-1").back(), "ticketClosed");
}

TEST_F(LifecycleTest, ReopenWithinTheWindowStartsANewCycleAndOutsideIsRefused) {
  for (const char* id : {"T-1", "T-2"}) {
    InProgress(id, wed_ - absl::Hours(1));
    h_.Must(h_.Reply(id, wed_));
    h_.Must(h_.Review(id, wed_ + absl::Minutes(30), true));
    h_.Must(h_.Rate(id, Shanghai("2022-06-01 12:00"), true));
  }
  // 15 working days after 06-01 end with 06-22: the window closes 06-23 00:00.
  EXPECT_EQ(Code(h_.Reopen("T-2", Shanghai("2022-06-23 00:00"))),
            absl::StatusCode::kFailedPrecondition);
  h_.Must(h_.Reopen("T-1", Shanghai("2022-06-22 23:59")));
  TicketState s = State("T-1");
  EXPECT_EQ(s.state(), TicketStatus::REOPENED);
  EXPECT_EQ(s.cycle(), 2u);
  EXPECT_EQ(s.lead_unit(), "");
  EXPECT_EQ(s.close_reason(), CloseReason::CLOSE_REASON_UNSPECIFIED);
  auto history = h_.engine().History("T-1");
  EXPECT_EQ(history->back().event().ticket_reopened().lead_unit(), "U01");
  h_.Must(h_.Dispatch("T-1", Shanghai("2022-06-23 09:00"), "U03"));
  EXPECT_EQ(State("T-1").lead_unit(), "U03");
}

TEST_F(LifecycleTest, MergeClosesTheDuplicateIntoAnOpenPrimary) {
  h_.Must(h_.Receive("T-1", wed_));
  h_.Must(h_.Receive("T-2", wed_));
  h_.Must(h_.Receive("T-3", wed_));
  h_.Must(h_.Merge("T-2", wed_ + absl::Minutes(1), "T-1"));
  TicketState s = State("T-2");
  EXPECT_EQ(s.close_reason(), CloseReason::MERGED);
  EXPECT_EQ(s.primary_ticket_id(), "T-1");
  EXPECT_EQ(Code(h_.Merge("T-3", wed_ + absl::Minutes(2), "T-2")),
            absl::StatusCode::kFailedPrecondition);  // primary closed
  EXPECT_EQ(Code(h_.Reopen("T-2", wed_ + absl::Minutes(3))),
            absl::StatusCode::kFailedPrecondition);  // merged is final
}

TEST_F(LifecycleTest, WithdrawClosesFromAnyOpenState) {
  InProgress("T-1", wed_);
  h_.Must(h_.Withdraw("T-1", wed_ + absl::Hours(1)));
  EXPECT_EQ(State("T-1").close_reason(), CloseReason::WITHDRAWN);
  EXPECT_EQ(Code(h_.Withdraw("T-1", wed_ + absl::Hours(2))),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(LifecycleTest, DirectAnswerClosesOrAwaitsRatingByPolicy) {
  h_.Must(h_.Receive("T-1", wed_));
  h_.Must(h_.AnswerDirectly("T-1", wed_ + absl::Minutes(5)));
  EXPECT_EQ(State("T-1").close_reason(), CloseReason::NO_RATING_NEEDED);

  hotline::v1::Command policy = h_.NewCommand("", wed_, hotline::testing::Admin());
  policy.mutable_publish_policy()->mutable_policy()->set_rate_direct_answers(true);
  h_.Must(policy);
  h_.Must(h_.Receive("T-2", wed_));
  h_.Must(h_.AnswerDirectly("T-2", wed_ + absl::Minutes(5)));
  TicketState s = State("T-2");
  EXPECT_EQ(s.state(), TicketStatus::AWAITING_RATING);
  EXPECT_EQ(FromProto(s.rating_deadline()), Shanghai("2022-06-07 00:00"));
  h_.Must(h_.Rate("T-2", wed_ + absl::Hours(1), true));
  EXPECT_EQ(State("T-2").close_reason(), CloseReason::RATED);
}

TEST_F(LifecycleTest, StateAsOfATimeReplaysOnlyEarlierEvents) {
  InProgress("T-1", wed_);
  h_.Must(h_.Reply("T-1", wed_ + absl::Hours(2)));
  EXPECT_EQ(h_.engine().GetTicketAsOf("T-1", wed_ - absl::Hours(1)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(h_.engine().GetTicketAsOf("T-1", wed_ - absl::Minutes(1))->state(),
            TicketStatus::RECEIVED);
  EXPECT_EQ(h_.engine().GetTicketAsOf("T-1", wed_)->state(), TicketStatus::DISPATCHED);
  EXPECT_EQ(h_.engine().GetTicketAsOf("T-1", wed_ + absl::Hours(1))->state(),
            TicketStatus::IN_PROGRESS);
  EXPECT_EQ(h_.engine().GetTicketAsOf("T-1", wed_ + absl::Hours(9))->state(),
            TicketStatus::REPLIED);
}

TEST_F(LifecycleTest, StateSurvivesReopeningTheEngine) {
  InProgress("T-1", wed_);
  const std::string before = State("T-1").SerializeAsString();
  h_.Reopen();
  EXPECT_EQ(State("T-1").SerializeAsString(), before);
  EXPECT_EQ(h_.engine().directory()->units().size(), 4u);
  EXPECT_FALSE(h_.engine().directory()->FindUnit("U09")->active());
}

}  // namespace
}  // namespace hotline::engine

namespace hotline::engine {
namespace {

TEST(EngineSubscriptionTest, DeliversCommittedEventsInLogOrder) {
  hotline::testing::EngineHarness h;
  const uint64_t start = h.head();  // the units registered by the harness
  auto subscription = h.engine().Subscribe(start);
  const absl::Time t = hotline::testing::Shanghai("2022-06-01 09:00");
  h.Must(h.Receive("T-1", t));
  h.Must(h.AnswerDirectly("T-1", t + absl::Minutes(1)));
  std::vector<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    auto e = subscription->Next(absl::Seconds(5));
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_EQ(e->sequence(), start + 1 + i);
    EXPECT_EQ(e->stream_id(), "T-1");
    seen.push_back(std::string(e->event().GetDescriptor()->name()) + ":" +
                   hotline::v1::Event::descriptor()
                       ->FindFieldByNumber(e->event().payload_case())
                       ->json_name());
  }
  EXPECT_THAT(seen, ElementsAre("Event:ticketReceived", "Event:ticketAnsweredDirectly",
                                "Event:ticketClosed"));
  EXPECT_EQ(subscription->Next(absl::Milliseconds(10)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace hotline::engine
