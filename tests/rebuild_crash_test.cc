// A rebuild killed halfway leaves a store that refuses commands and timer
// firings (its ticket states and timers are partial) until a rebuild
// completes; then everything verifies and commands run again. The child
// stops itself a few batches in and is SIGKILLed there.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "engine/engine.h"
#include "gtest/gtest.h"
#include "tests/child_process.h"
#include "tests/temp_dir.h"
#include "tools/workload/simulation.h"

namespace hotline::engine {
namespace {

constexpr char kChildFlag[] = "--rebuild-child";
constexpr uint64_t kBatchEvents = 100;

EngineOptions Options(workload::SimClock* clock) {
  EngineOptions options;
  options.rebuild_batch_events = kBatchEvents;
  options.clock = [clock] { return clock->Now(); };
  options.backfill = true;
  return options;
}

// Child mode: rebuild; after three batches tell the parent and wait to die.
int RunChild(const std::vector<std::string>& args, int fd) {
  const std::string& path = args.at(0);
  workload::SimClock clock;
  auto engine = Engine::Open(path, Options(&clock));
  if (!engine.ok()) return 1;
  int batches = 0;
  absl::Status s = (*engine)->RebuildProjections([&](uint64_t, uint64_t) {
    if (++batches < 3) return;
    const char ready = 1;
    if (write(fd, &ready, 1) != 1) _exit(4);
    for (;;) pause();
  });
  return s.ok() ? 0 : 3;
}

TEST(RebuildCrashTest, AnInterruptedRebuildRefusesCommandsUntilOneCompletes) {
  hotline::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  workload::SimClock clock;
  workload::SimulationOptions sim;
  sim.from = absl::CivilDay(2022, 5, 1);
  sim.to = absl::CivilDay(2022, 5, 31);
  sim.tickets_per_year = 8000;
  std::vector<hotline::v1::Command> executed;
  sim.executed = &executed;
  {
    EngineOptions options = Options(&clock);
    options.sync = false;
    auto engine = Engine::Open(path, options);
    ASSERT_TRUE(engine.ok());
    auto result = workload::Simulate(engine->get(), &clock, sim);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_GT((*engine)->log().head().sequence, 10 * kBatchEvents);
  }

  const hotline::testing::Child child = hotline::testing::SpawnSelf({kChildFlag, path}, true);
  char ready = 0;
  ASSERT_EQ(read(child.read_fd, &ready, 1), 1);  // three batches written
  kill(child.pid, SIGKILL);
  close(child.read_fd);
  int status = 0;
  ASSERT_EQ(waitpid(child.pid, &status, 0), child.pid);
  ASSERT_TRUE(WIFSIGNALED(status));

  auto engine = Engine::Open(path, Options(&clock));
  ASSERT_TRUE(engine.ok());
  auto verify = (*engine)->Verify();
  ASSERT_TRUE(verify.ok());
  EXPECT_FALSE(verify->ok());  // the states are partial
  hotline::v1::Command urge = executed.back();
  urge.set_command_id("after-the-crash");
  const auto refused = (*engine)->Execute(urge);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("rebuild"), std::string::npos);
  EXPECT_EQ((*engine)->FireDueTimers(clock.Now()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*engine)->DueBefore(clock.Now()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Reads do not trust the partial projections: a ticket is replayed from
  // its stream, a report folded from the log.
  auto replayed = (*engine)->GetTicket(urge.ticket_id());
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->SerializeAsString(),
            (*engine)->GetTicketAsOf(urge.ticket_id(), absl::InfiniteFuture())->SerializeAsString());
  auto report = (*engine)->Report({"2022-05"});
  auto from_log = (*engine)->Report({"2022-05"}, /*rebuild=*/true);
  ASSERT_TRUE(report.ok() && from_log.ok());
  EXPECT_EQ(ReportJson(*report), ReportJson(*from_log));

  ASSERT_TRUE((*engine)->RebuildProjections().ok());
  verify = (*engine)->Verify();
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->ok());
  EXPECT_TRUE((*engine)->FireDueTimers(clock.Now()).ok());
  // Not refused for the rebuild any more (the command itself may be).
  const auto after = (*engine)->Execute(urge);
  EXPECT_EQ(after.status().message().find("rebuild"), std::string::npos) << after.status();
}

}  // namespace
}  // namespace hotline::engine

int main(int argc, char** argv) {
  return hotline::testing::MainWithPipedChild(argc, argv, hotline::engine::kChildFlag,
                                              &hotline::engine::RunChild);
}
