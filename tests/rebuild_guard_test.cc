// What a rebuild guards while it runs: commands that started before it
// finish first and later ones are refused, a second rebuild is refused, and
// a secondary reading the store never serves the half-rebuilt projections.

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"

namespace hotline::engine {
namespace {

using hotline::testing::EngineHarness;
using hotline::testing::Shanghai;
using ::testing::HasSubstr;

constexpr int kTickets = 20;

class RebuildGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int t = 0; t < kTickets; ++t) {
      h_.Must(h_.Receive(absl::StrCat("T-", t), t0_));
      h_.Must(h_.Dispatch(absl::StrCat("T-", t), t0_ + absl::Minutes(1)));
    }
  }
  EngineHarness h_;
  const absl::Time t0_ = Shanghai("2022-06-01 09:00");
};

TEST_F(RebuildGuardTest, CommandsRunningMeanwhileLeaveTheProjectionsExact) {
  // Commands prepared up front: NewCommand is not thread-safe.
  constexpr int kThreads = 3, kPerThread = 1500;
  std::vector<std::vector<hotline::v1::Command>> work(kThreads);
  for (int th = 0; th < kThreads; ++th) {
    for (int i = 0; i < kPerThread; ++i) {
      work[th].push_back(h_.Urge(absl::StrCat("T-", (th * 7 + i) % kTickets),
                                 t0_ + absl::Minutes(2)));
    }
  }
  std::atomic<int> unexpected{0}, refused{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (const hotline::v1::Command& c : work[th]) {
        if (done) break;
        auto result = h_.engine().Execute(c);
        if (result.status().code() == absl::StatusCode::kFailedPrecondition) {
          ++refused;
        } else if (!result.ok()) {
          ++unexpected;
        }
      }
    });
  }
  absl::Status second;
  for (int round = 0; round < 5; ++round) {
    ASSERT_TRUE(h_.engine()
                    .RebuildProjections([&](uint64_t, uint64_t) {
                      second = h_.engine().RebuildProjections();
                    })
                    .ok());
    EXPECT_EQ(second.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(second.message(), HasSubstr("running already"));
  }
  done = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_GT(refused.load(), 0);  // the rebuilds did overlap the commands
  ASSERT_TRUE(h_.engine().CatchUpStatistics().ok());
  auto verified = h_.engine().Verify();
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->ok()) << (verified->faults.empty() ? "" : verified->faults[0]);
  EXPECT_EQ(verified->tickets, static_cast<uint64_t>(kTickets));
}

TEST_F(RebuildGuardTest, ASecondaryNeverServesHalfRebuiltProjections) {
  hotline::testing::TempDir secondary_dir;
  EngineOptions options;
  options.mode = store::OpenMode::kSecondary;
  options.secondary_path = secondary_dir.Sub("secondary");
  auto secondary = Engine::Open(h_.path(), options);
  ASSERT_TRUE(secondary.ok()) << secondary.status();
  const auto before = h_.engine().GetTicket("T-3");
  ASSERT_TRUE(before.ok());

  bool checked = false;
  ASSERT_TRUE(h_.engine()
                  .RebuildProjections([&](uint64_t, uint64_t) {
                    if (checked) return;
                    checked = true;
                    // The writer has cleared the ticket states and not yet
                    // written them back.
                    ASSERT_TRUE((*secondary)->Refresh().ok());
                    auto during = (*secondary)->GetTicket("T-3");
                    ASSERT_TRUE(during.ok()) << during.status();
                    EXPECT_EQ(during->SerializeAsString(), before->SerializeAsString());
                    EXPECT_EQ((*secondary)->DueBefore(t0_ + absl::Hours(24 * 30)).status().code(),
                              absl::StatusCode::kFailedPrecondition);
                  })
                  .ok());
  ASSERT_TRUE(checked);
  ASSERT_TRUE((*secondary)->Refresh().ok());
  EXPECT_TRUE((*secondary)->DueBefore(t0_ + absl::Hours(24 * 30)).ok());
}

}  // namespace
}  // namespace hotline::engine
