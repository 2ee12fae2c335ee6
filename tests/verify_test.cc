// Engine::Verify, the auditor's check, catches each kind of tampering and
// names it precisely: a flipped byte in an event, a deleted event, stored
// statistics or ticket state altered behind the engine's back.

#include <string>

#include "absl/strings/str_cat.h"
#include "engine/timer_index.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/keys.h"
#include "tests/engine_harness.h"
#include "tests/raw_rocks.h"

namespace hotline::engine {
namespace {

using hotline::testing::EngineHarness;
using hotline::testing::Shanghai;
using ::testing::Contains;
using ::testing::HasSubstr;

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* id : {"T-1", "T-2", "T-3"}) {
      h_.Must(h_.Receive(id, Shanghai("2022-05-09 09:00")));
      h_.Must(h_.Dispatch(id, Shanghai("2022-05-09 10:00")));
      h_.Must(h_.Accept(id, Shanghai("2022-05-09 11:00")));
      h_.Must(h_.Reply(id, Shanghai("2022-05-10 11:00")));
      h_.Must(h_.Review(id, Shanghai("2022-05-10 15:00"), true));
    }
    ASSERT_TRUE(h_.engine().CatchUpStatistics().ok());
    auto clean = h_.engine().Verify();
    ASSERT_TRUE(clean.ok());
    ASSERT_TRUE(clean->ok());
    EXPECT_EQ(clean->tickets, 3u);
    EXPECT_EQ(clean->stats_position, h_.head());
    head_ = h_.head();
    h_.Close();
  }
  Engine::VerifyResult Verify() {
    h_.Reopen();
    auto result = h_.engine().Verify();
    EXPECT_TRUE(result.ok()) << result.status();
    return *result;
  }

  EngineHarness h_;
  uint64_t head_ = 0;
};

TEST_F(VerifyTest, AFlippedByteInAnEventIsNamedByItsSequence) {
  hotline::testing::FlipRecordByte(h_.path(), head_ - 3, 60);
  const Engine::VerifyResult r = Verify();
  ASSERT_FALSE(r.chain.ok());
  EXPECT_EQ(r.chain.fault->sequence, head_ - 3);
  EXPECT_THAT(r.chain.fault->what, HasSubstr("hash mismatch"));
  EXPECT_FALSE(r.ok());
}

TEST_F(VerifyTest, ADeletedEventIsNamedByItsSequence) {
  hotline::testing::DeleteRecord(h_.path(), head_ - 5);
  const Engine::VerifyResult r = Verify();
  ASSERT_FALSE(r.chain.ok());
  EXPECT_EQ(r.chain.fault->sequence, head_ - 5);
  EXPECT_THAT(r.chain.fault->what, HasSubstr("gap"));
}

TEST_F(VerifyTest, AlteredStatisticsAreNamedByMonthRowAndCounter) {
  // The total row of May: its `completed` counter (the sixth) from 3 to 4.
  hotline::testing::ChangeValue(h_.path(), "projections", "stats/m/2022-05/0",
                                [](std::string* v) { (*v)[8 * 5 + 7] = 4; });
  const Engine::VerifyResult r = Verify();
  EXPECT_TRUE(r.chain.ok());
  EXPECT_THAT(r.faults, Contains("stats row 2022-05/0 completed: stored 4, rebuilt 3"));
  EXPECT_FALSE(r.ok());
}

TEST_F(VerifyTest, AlteredTicketStateIsNamed) {
  hotline::testing::ChangeValue(h_.path(), "state", "T-2",
                                [](std::string* v) { v->back() ^= 1; });
  const Engine::VerifyResult r = Verify();
  EXPECT_THAT(r.faults, Contains("ticket state T-2: differs from a replay"));
}

TEST_F(VerifyTest, AMissingTicketStateIsNamed) {
  hotline::testing::SetValue(h_.path(), "state", "T-3", std::nullopt);
  const Engine::VerifyResult r = Verify();
  EXPECT_THAT(r.faults, Contains("ticket state T-3: missing"));
  EXPECT_THAT(r.faults, Contains("ticket states: 2 stored, 3 streams"));
}

TEST_F(VerifyTest, AStateWithoutAStreamIsNamed) {
  hotline::testing::SetValue(h_.path(), "state", "T-9", "forged");
  const Engine::VerifyResult r = Verify();
  EXPECT_THAT(r.faults, Contains("ticket state T-9: no such stream"));
  EXPECT_THAT(r.faults, Contains("ticket states: 4 stored, 3 streams"));
}

TEST_F(VerifyTest, AnAlteredTimerEntryIsFound) {
  // T-1..T-3 are REPLIED and reviewed: each owes its rating. One entry's
  // lead unit is changed, which keeps the number of entries.
  const std::vector<std::string> keys =
      hotline::testing::KeysWithPrefix(h_.path(), "projections", kOpenTimerPrefix);
  ASSERT_EQ(keys.size(), 3u);
  hotline::testing::ChangeValue(h_.path(), "projections", keys[1],
                                [](std::string* v) { v->append("x"); });
  const Engine::VerifyResult r = Verify();
  EXPECT_THAT(r.faults, Contains(HasSubstr("timer index: ")));
  EXPECT_FALSE(r.ok());
}

TEST_F(VerifyTest, AnAlteredStatisticsRecordIsNamed) {
  hotline::testing::ChangeValue(h_.path(), "projections", "stats/t/T-1",
                                [](std::string* v) { v->back() ^= 1; });
  const Engine::VerifyResult r = Verify();
  EXPECT_THAT(r.faults, Contains("stats record of ticket T-1 differs from a rebuild"));
}

TEST_F(VerifyTest, FaultsAreListedUpToAHundredAndTheRestCounted) {
  for (int i = 0; i < 120; ++i) {
    hotline::testing::SetValue(h_.path(), "state", absl::StrCat("X-", 1000 + i), "forged");
  }
  const Engine::VerifyResult r = Verify();
  // The count line first, then 100 of the 120 states without a stream, then
  // the number of those not listed.
  ASSERT_EQ(r.faults.size(), 102u);
  EXPECT_EQ(r.faults.front(), "ticket states: 123 stored, 3 streams");
  EXPECT_EQ(r.faults.back(), "20 more faults not listed");
}

}  // namespace
}  // namespace hotline::engine
