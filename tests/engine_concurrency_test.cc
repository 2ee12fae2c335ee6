// Eight threads executing commands on overlapping tickets lose no update:
// each ticket's stored state equals a sequential replay of its stream, and
// every command that returned OK is in the log exactly once.

#include <array>
#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "engine/evolve.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"

namespace hotline::engine {
namespace {

using hotline::testing::EngineHarness;
using hotline::testing::Shanghai;

constexpr int kThreads = 8;
constexpr int kTickets = 12;
constexpr int kCommandsPerThread = 120;

TEST(EngineConcurrencyTest, OverlappingTicketsLoseNoUpdate) {
  EngineHarness h;
  const absl::Time t0 = Shanghai("2022-06-01 09:00");
  for (int t = 0; t < kTickets; ++t) {
    h.Must(h.Receive(absl::StrCat("T-", t), t0));
    h.Must(h.Dispatch(absl::StrCat("T-", t), t0));
  }
  // Commands prepared up front: NewCommand is not thread-safe.
  std::vector<std::vector<hotline::v1::Command>> work(kThreads);
  for (int th = 0; th < kThreads; ++th) {
    for (int i = 0; i < kCommandsPerThread; ++i) {
      const std::string ticket = absl::StrCat("T-", (th + i) % kTickets);
      const absl::Time at = t0 + absl::Minutes(1);
      // Mostly urges (legal in DISPATCHED and IN_PROGRESS); some accepts,
      // of which only the first per ticket is legal.
      work[th].push_back(i % 10 == 0 ? h.Accept(ticket, at) : h.Urge(ticket, at));
    }
  }
  absl::Mutex mu;
  std::map<std::string, int> urged, accepted;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th) {
    threads.emplace_back([&, th] {
      for (const hotline::v1::Command& c : work[th]) {
        auto result = h.engine().Execute(c);
        absl::MutexLock lock(&mu);
        if (result.ok()) {
          (c.has_urge() ? urged : accepted)[c.ticket_id()]++;
        } else if (!(c.has_accept() &&
                     result.status().code() == absl::StatusCode::kFailedPrecondition)) {
          ++failures;
          ADD_FAILURE() << c.ShortDebugString() << " -> " << result.status();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);

  for (int t = 0; t < kTickets; ++t) {
    const std::string id = absl::StrCat("T-", t);
    auto history = h.engine().History(id);
    ASSERT_TRUE(history.ok());
    hotline::v1::TicketState replayed;
    int urges = 0, accepts = 0;
    for (const auto& e : *history) {
      Evolve(e, &replayed);
      urges += e.event().has_ticket_urged();
      accepts += e.event().has_ticket_accepted();
    }
    EXPECT_EQ(urges, urged[id]) << id;
    EXPECT_EQ(accepts, 1) << id;
    EXPECT_EQ(accepted[id], 1) << id;
    auto stored = h.engine().GetTicket(id);
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->SerializeAsString(), replayed.SerializeAsString()) << id;
    EXPECT_EQ(stored->version(), 2u + urges + accepts);
  }
  auto chain = h.engine().log().VerifyChain();
  ASSERT_TRUE(chain.ok());
  EXPECT_TRUE(chain->ok());
}

// Two merges decided at once, each into the other ticket: each saw the
// other open, but only one may succeed (the other's primary has moved on:
// the append pins the primary's version).
TEST(EngineConcurrencyTest, CrossedMergesNeverBothSucceed) {
  EngineHarness h;
  const absl::Time t0 = Shanghai("2022-06-01 09:00");
  constexpr int kPairs = 150;
  std::vector<hotline::v1::Command> forward, backward;
  for (int i = 0; i < kPairs; ++i) {
    const std::string a = absl::StrCat("A-", i), b = absl::StrCat("B-", i);
    h.Must(h.Receive(a, t0));
    h.Must(h.Receive(b, t0));
    forward.push_back(h.Merge(a, t0 + absl::Minutes(1), b));
    backward.push_back(h.Merge(b, t0 + absl::Minutes(1), a));
  }
  std::atomic<int> both{0};
  std::vector<std::array<bool, 2>> merged(kPairs);
  std::thread first([&] {
    for (int i = 0; i < kPairs; ++i) merged[i][0] = h.engine().Execute(forward[i]).ok();
  });
  std::thread second([&] {
    for (int i = 0; i < kPairs; ++i) merged[i][1] = h.engine().Execute(backward[i]).ok();
  });
  first.join();
  second.join();
  for (int i = 0; i < kPairs; ++i) {
    EXPECT_TRUE(merged[i][0] || merged[i][1]) << i;
    if (merged[i][0] && merged[i][1]) ++both;
  }
  EXPECT_EQ(both.load(), 0);
}

}  // namespace
}  // namespace hotline::engine
