// Timer firing is exactly-once across process deaths: a child process fires
// due timers one at a time (sync on) and is SIGKILLed at random points; a
// new process picks up where it stopped. Every firing a child acknowledged
// is in the log after the kills (before anything fires again), and in the
// end every missed deadline has exactly one DeadlineMissed and Verify
// (chain, states, timer index, statistics) is clean.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/engine.h"
#include "engine/time_util.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"
#include "tests/child_process.h"
#include "tests/temp_dir.h"

namespace hotline::engine {
namespace {

constexpr char kChildFlag[] = "--fire-timers-child";
constexpr int kTickets = 150;  // each misses ACCEPT and HANDLE: 300 timers

absl::Time Now() { return hotline::testing::Shanghai("2022-07-01 09:00"); }

// Child mode: fire one timer at a time, acknowledging each on `fd`.
int RunChild(const std::vector<std::string>& args, int fd) {
  const std::string& path = args.at(0);
  auto engine = Engine::Open(path);  // sync on: the default
  if (!engine.ok()) return 1;
  for (;;) {
    auto fired = (*engine)->FireDueTimers(Now(), 1);
    if (!fired.ok()) return 3;
    if (fired->empty()) return 0;
    const uint64_t sequence = (*fired)[0].result.first_sequence;
    if (write(fd, &sequence, sizeof sequence) != sizeof sequence) return 4;
  }
}

TEST(TimersCrashTest, FiringIsExactlyOnceAcrossKills) {
  hotline::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  {
    // Tickets dispatched in June, never signed for.
    hotline::testing::EngineHarness setup(Now());
    // The harness owns its own directory; build the store here instead.
    EngineOptions options;
    options.backfill = true;
    options.sync = false;
    options.clock = [] { return Now(); };
    auto engine = Engine::Open(path, options);
    ASSERT_TRUE(engine.ok());
    hotline::v1::Command unit = setup.NewCommand("", Now() - absl::Hours(1),
                                                 hotline::testing::Admin());
    unit.mutable_register_unit()->set_unit_id("U01");
    unit.mutable_register_unit()->set_name("单位");
    unit.mutable_register_unit()->set_kind(hotline::v1::UnitKind::DEPARTMENT);
    ASSERT_TRUE((*engine)->Execute(unit).ok());
    for (int i = 0; i < kTickets; ++i) {
      const std::string id = absl::StrCat("T-", i);
      const absl::Time at = hotline::testing::Shanghai("2022-06-01 09:00") + absl::Minutes(i);
      ASSERT_TRUE((*engine)->Execute(setup.Receive(id, at)).ok());
      ASSERT_TRUE((*engine)->Execute(setup.Dispatch(id, at)).ok());
    }
  }
  std::mt19937 random(4);
  int kills = 0;
  std::vector<uint64_t> acknowledged;  // first sequence of each acknowledged firing
  for (int round = 0; round < 30; ++round) {
    const hotline::testing::Child spawned = hotline::testing::SpawnSelf({kChildFlag, path}, true);
    const pid_t child = spawned.pid;
    const int kill_after = 1 + static_cast<int>(random() % 25);
    uint64_t sequence;
    int acks = 0;
    while (acks < kill_after && read(spawned.read_fd, &sequence, sizeof sequence) == sizeof sequence) {
      ++acks;
      acknowledged.push_back(sequence);
    }
    kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    // Acknowledgements written before the kill and not read yet.
    while (read(spawned.read_fd, &sequence, sizeof sequence) == sizeof sequence) {
      acknowledged.push_back(sequence);
    }
    close(spawned.read_fd);
    if (WIFSIGNALED(status)) {
      ++kills;
    } else {
      ASSERT_EQ(WEXITSTATUS(status), 0);  // finished: nothing left to fire
      break;
    }
  }
  auto engine = Engine::Open(path);
  ASSERT_TRUE(engine.ok());
  // Nothing acknowledged was lost: each is the DeadlineMissed it reported.
  ASSERT_FALSE(acknowledged.empty());
  for (uint64_t first : acknowledged) {
    auto record = (*engine)->log().Read(first);
    ASSERT_TRUE(record.ok()) << "acknowledged firing at " << first << ": " << record.status();
    hotline::v1::EventEnvelope envelope;
    ASSERT_TRUE(envelope.ParseFromString(record->payload));
    EXPECT_TRUE(envelope.event().has_deadline_missed()) << first;
  }
  auto rest = (*engine)->FireDueTimers(Now());  // firings no child reached
  ASSERT_TRUE(rest.ok());
  EXPECT_TRUE((*engine)->DueBefore(Now())->empty());

  std::map<std::string, int> missed;
  for (int i = 0; i < kTickets; ++i) {
    const std::string id = absl::StrCat("T-", i);
    auto history = (*engine)->History(id);
    ASSERT_TRUE(history.ok()) << history.status();
    for (const auto& e : *history) {
      if (e.event().has_deadline_missed()) {
        missed[id + ":" + hotline::v1::DeadlineKind::Value_Name(
                              e.event().deadline_missed().kind())]++;
      }
    }
  }
  EXPECT_EQ(missed.size(), 2u * kTickets);
  for (const auto& [timer, count] : missed) EXPECT_EQ(count, 1) << timer;
  ASSERT_TRUE((*engine)->CatchUpStatistics().ok());
  auto verified = (*engine)->Verify();
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->ok()) << (verified->faults.empty() ? "chain" : verified->faults[0]);
  EXPECT_EQ(verified->tickets, static_cast<uint64_t>(kTickets));
  EXPECT_GE(kills, 5);
  std::printf("%d kills while firing %d timers; %zu acknowledged firings all present; "
              "each fired once\n", kills, 2 * kTickets, acknowledged.size());
}

}  // namespace
}  // namespace hotline::engine

int main(int argc, char** argv) {
  return hotline::testing::MainWithPipedChild(argc, argv, hotline::engine::kChildFlag,
                                              &hotline::engine::RunChild);
}
