// Durability and consistency across power cuts, on a file system that loses
// what was never synced (tests/fault_injection_fs.h). event_log_crash_test's
// SIGKILL cannot show this: the page cache outlives a killed process, so an
// append that skipped its fsync survives it.
//
// A cut here: an armed fault turns the power off in the middle of a WAL
// write or sync (that call and every later one fail, as if the machine had
// stopped), the store is destroyed (it can write nothing more), what was not
// durable is dropped, and the store is reopened on the plain file system and
// checked.

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "store/event_log.h"
#include "tests/engine_harness.h"
#include "tests/fault_injection_fs.h"
#include "tests/faulty_store.h"

namespace hotline::store {
namespace {

using hotline::testing::Acknowledged;
using hotline::testing::AppendUntilFailure;
using hotline::testing::EngineHarness;
using hotline::testing::Attempt;
using hotline::testing::ExpectConsistent;
using hotline::testing::Failure;
using hotline::testing::FaultInjectionFs;
using hotline::testing::FaultyStore;
using hotline::testing::FsOp;
using hotline::testing::MustOpen;
using hotline::testing::NewFaultInjectionEnv;
using hotline::testing::PowerCutReport;

constexpr int kThreads = 4;

// With sync on, four threads append until the power fails in the middle of
// the k-th WAL sync (k random, seeded), leaving the group being committed
// written but not synced: every acknowledged append is there after the cut.
// Half the cuts keep a random part of the unsynced bytes (torn tails), the
// others drop them all.
TEST(PowerCutTest, SyncedAppendsSurvive) {
  FaultyStore store;
  std::mt19937_64 random(20240611);
  int total_acked = 0;
  uint64_t dropped = 0;
  for (int round = 0; round < 16; ++round) {
    std::unique_ptr<EventLog> log = MustOpen(store.path(), store.Faulty(/*sync=*/true));
    ASSERT_NE(log, nullptr);
    store.fs().FailNext(FsOp::kSync, ".log", random() % 40, Failure::kPowerOff);
    const std::vector<Attempt> attempts =
        AppendUntilFailure(log.get(), absl::StrCat("r", round), kThreads);
    ASSERT_TRUE(store.fs().dead()) << "round " << round << ": appends failed before the cut";
    dropped += store.Cut(std::move(log), round % 2 ? &random : nullptr).bytes_dropped;

    std::unique_ptr<EventLog> reopened = MustOpen(store.path(), Options());
    ASSERT_NE(reopened, nullptr);
    const int lost = ExpectConsistent(*reopened, attempts, absl::StrCat("round ", round));
    EXPECT_EQ(lost, 0) << "round " << round << ": acknowledged synced appends lost";
    total_acked += Acknowledged(attempts);
  }
  std::printf("16 cuts: %d synced appends acknowledged, none lost; %llu unsynced bytes dropped\n",
              total_acked, static_cast<unsigned long long>(dropped));
  // Else every cut fell where nothing was unsynced, and proved little.
  EXPECT_GT(dropped, 0u);
}

// With sync off, two threads append until the power fails at the k-th WAL
// write: acknowledged appends may be lost, but what remains is a prefix of
// what was committed, consistent in every respect. Small memtables make
// RocksDB flush (and sync the older WALs) mid-run, so that part of the data
// is durable in SSTs and the rest only in the page cache when the power
// goes.
TEST(PowerCutTest, UnsyncedAppendsMayBeLostButTheLogStaysConsistent) {
  FaultyStore store;
  std::mt19937_64 random(20240612);
  int total_lost = 0, total_acked = 0;
  for (int round = 0; round < 16; ++round) {
    Options options = store.Faulty(/*sync=*/false);
    options.memtable_bytes = 256 << 10;
    std::unique_ptr<EventLog> log = MustOpen(store.path(), options);
    ASSERT_NE(log, nullptr);
    store.fs().FailNext(FsOp::kWrite, ".log", random() % 1500, Failure::kPowerOff);
    const std::vector<Attempt> attempts =
        AppendUntilFailure(log.get(), absl::StrCat("r", round), 2, 200);
    ASSERT_TRUE(store.fs().dead()) << "round " << round << ": appends failed before the cut";
    store.Cut(std::move(log), round % 2 ? &random : nullptr);

    std::unique_ptr<EventLog> reopened = MustOpen(store.path(), Options());
    ASSERT_NE(reopened, nullptr);
    total_lost += ExpectConsistent(*reopened, attempts, absl::StrCat("round ", round));
    total_acked += Acknowledged(attempts);
  }
  std::printf("16 cuts: %d of %d acknowledged unsynced appends lost\n", total_lost, total_acked);
  // Else the file system did not drop unsynced data and this test proves
  // nothing.
  EXPECT_GT(total_lost, 0);
}

// Each thread's commands of one round, in order.
using Work = std::vector<std::vector<hotline::v1::Command>>;

// Per thread, 25 tickets received, dispatched, accepted and replied to.
Work TicketWork(EngineHarness& h, int round) {
  // Built up front: the harness's builders are not thread-safe.
  const absl::Time t0 = hotline::testing::Shanghai("2022-06-01 09:00") + absl::Hours(24 * round);
  Work work(kThreads);
  for (int th = 0; th < kThreads; ++th) {
    for (int i = 0; i < 25; ++i) {
      const std::string ticket = absl::StrCat("R", round, "-T", th, "-", i);
      const absl::Time at = t0 + absl::Minutes(i);
      work[th].push_back(h.Receive(ticket, at));
      work[th].push_back(h.Dispatch(ticket, at + absl::Minutes(1)));
      work[th].push_back(h.Accept(ticket, at + absl::Minutes(2)));
      work[th].push_back(h.Reply(ticket, at + absl::Hours(1)));
    }
  }
  return work;
}

// Runs each thread's commands in order, concurrently, until one fails;
// returns per thread how many were acknowledged.
std::vector<size_t> ExecuteUntilFailure(engine::Engine& engine, const Work& work) {
  std::vector<size_t> acked(work.size(), 0);
  std::vector<std::thread> threads;
  for (size_t th = 0; th < work.size(); ++th) {
    threads.emplace_back([&, th] {
      for (const hotline::v1::Command& c : work[th]) {
        if (!engine.Execute(c).ok()) return;
        ++acked[th];
      }
    });
  }
  for (auto& t : threads) t.join();
  return acked;
}

void ExpectVerifies(const engine::Engine& engine, const std::string& context) {
  absl::StatusOr<engine::Engine::VerifyResult> verified = engine.Verify();
  ASSERT_TRUE(verified.ok()) << context << ": " << verified.status();
  EXPECT_TRUE(verified->ok()) << context << ": "
                              << (verified->chain.ok() ? verified->faults.front()
                                                       : verified->chain.fault->what);
}

// Commands from four threads until the power fails in the middle of a WAL
// sync (sync on) or write (sync off), at a random point. After the cut,
// Verify finds the chain intact and the ticket states, the timer index and
// the statistics equal to a replay of the log. Then each thread's commands
// are executed again in order, up to the one that failed, as a client that
// lost track would: each must be found applied (duplicate) or apply now,
// every acknowledged one must be found with sync on, and Verify must still
// pass. Rounds alternate sync on and off.
TEST(PowerCutTest, EngineCommandsSurviveAndProjectionsVerify) {
  auto fs = std::make_shared<FaultInjectionFs>();
  std::unique_ptr<rocksdb::Env> env = NewFaultInjectionEnv(fs);
  bool sync = true;
  EngineHarness h(hotline::testing::Shanghai("2022-06-30 12:00"), /*backfill=*/true,
                  [&](engine::EngineOptions& options) {
                    options.sync = sync;
                    options.env = env.get();
                  });
  std::mt19937_64 random(20240613);
  int acked_synced = 0, lost_unsynced = 0;
  for (int round = 0; round < 8; ++round) {
    const std::string context = absl::StrCat("round ", round, sync ? " (sync)" : " (no sync)");
    const Work work = TicketWork(h, round);
    fs->FailNext(sync ? FsOp::kSync : FsOp::kWrite, ".log", random() % 60, Failure::kPowerOff);
    const std::vector<size_t> acked = ExecuteUntilFailure(h.engine(), work);
    ASSERT_TRUE(fs->dead()) << context << ": commands failed before the cut";
    h.Close();
    ASSERT_TRUE(fs->PowerCut(round % 4 >= 2 ? &random : nullptr).ok());

    engine::EngineOptions plain;
    plain.backfill = true;
    plain.maintain_statistics = false;
    absl::StatusOr<std::unique_ptr<engine::Engine>> e = engine::Engine::Open(h.path(), plain);
    ASSERT_TRUE(e.ok()) << e.status();
    ExpectVerifies(**e, context);
    for (size_t th = 0; th < work.size(); ++th) {
      for (size_t i = 0; i <= acked[th] && i < work[th].size(); ++i) {
        const hotline::v1::Command& c = work[th][i];
        absl::StatusOr<engine::ExecuteResult> again = (*e)->Execute(c);
        ASSERT_TRUE(again.ok()) << context << ": " << c.command_id() << ": " << again.status();
        if (i == acked[th] || again->duplicate) continue;  // the failed one: either
        EXPECT_FALSE(sync) << context << ": acknowledged " << c.command_id() << " was lost";
        ++lost_unsynced;
      }
    }
    ExpectVerifies(**e, context + ", after the retries");
    e->reset();
    if (sync) {
      for (size_t n : acked) acked_synced += n;
    }
    sync = !sync;
    h.Reopen();
  }
  std::printf("8 cuts: %d commands acknowledged with sync, none lost; %d without, lost\n",
              acked_synced, lost_unsynced);
  // Else the unsynced rounds never lost anything, and showed nothing.
  EXPECT_GT(lost_unsynced, 0);
}

}  // namespace
}  // namespace hotline::store
