// Reports made beside a running writer: a second process appends a
// simulated district's traffic in two steps the test sets off, while this
// one, opened as a RocksDB secondary (and read-only), makes monthly reports
// — maintained and rebuilt agree at the same log position, and a report
// after the second step sees its appends. The writer waits between steps,
// so nothing depends on timing; it is killed on every way out of the test.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/numbers.h"
#include "engine/engine.h"
#include "engine/monthly_report.h"
#include "gtest/gtest.h"
#include "tests/child_process.h"
#include "tests/temp_dir.h"
#include "tools/workload/simulation.h"

namespace hotline::engine {
namespace {

constexpr char kWriterFlag[] = "--writer-child";

// Child mode (args: PATH GO_FD): January 2022 of a busy district, then (on a byte from
// `go_fd`) the timers due by mid-February; after each step one byte to
// `done_fd`. Then it waits for the parent to go away.
int RunWriter(const std::vector<std::string>& args, int done_fd) {
  int go_fd = 0;
  if (args.size() != 2 || !absl::SimpleAtoi(args[1], &go_fd)) return 2;
  const std::string& path = args[0];
  workload::SimClock clock;
  EngineOptions options;
  options.clock = [&clock] { return clock.Now(); };
  options.sync = false;
  auto engine = Engine::Open(path, options);
  if (!engine.ok()) return 1;
  workload::SimulationOptions sim;
  sim.from = absl::CivilDay(2022, 1, 1);
  sim.to = absl::CivilDay(2022, 1, 31);
  sim.tickets_per_year = 40000;
  if (!workload::Simulate(engine->get(), &clock, sim).ok()) return 2;
  char byte = 1;
  if (write(done_fd, &byte, 1) != 1 || read(go_fd, &byte, 1) != 1) return 3;
  auto fired = (*engine)->FireDueTimers(absl::FromCivil(absl::CivilDay(2022, 2, 15),
                                                        absl::UTCTimeZone()));
  if (!fired.ok() || fired->empty()) return 4;
  if (write(done_fd, &byte, 1) != 1) return 5;
  while (read(go_fd, &byte, 1) > 0) {
  }
  return 0;
}

std::string Json(Engine& engine, bool rebuild) {
  auto report = engine.Report({"2022-01"}, rebuild);
  EXPECT_TRUE(report.ok()) << report.status();
  return report.ok() ? ReportJson(*report) : "";
}

uint64_t Position(Engine& engine) {
  auto report = engine.Report({"2022-01"});
  return report.ok() ? report->up_to_sequence : 0;
}

TEST(ReportSecondaryTest, ReportsBesideARunningWriter) {
  hotline::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  const hotline::testing::Child writer =
      hotline::testing::SpawnSelf({kWriterFlag, path, std::to_string(go[0])}, true);
  close(go[0]);
  absl::Cleanup kill_writer = [&] {
    close(go[1]);
    kill(writer.pid, SIGKILL);
    waitpid(writer.pid, nullptr, 0);
    close(writer.read_fd);
  };
  auto step_done = [&] {
    char byte;
    return read(writer.read_fd, &byte, 1) == 1;
  };
  ASSERT_TRUE(step_done()) << "the writer failed its first step";

  EngineOptions options;
  options.mode = store::OpenMode::kSecondary;
  options.secondary_path = dir.Sub("secondary");
  auto secondary = Engine::Open(path, options);
  ASSERT_TRUE(secondary.ok()) << secondary.status();
  const uint64_t first = Position(**secondary);
  ASSERT_GE(first, 3000u);
  EXPECT_EQ(Json(**secondary, false), Json(**secondary, true));  // same position, same bytes

  char byte = 1;
  ASSERT_EQ(write(go[1], &byte, 1), 1);
  ASSERT_TRUE(step_done()) << "the writer failed its second step";
  ASSERT_TRUE((*secondary)->Refresh().ok());
  const uint64_t later = Position(**secondary);
  EXPECT_GT(later, first);
  EXPECT_EQ(Json(**secondary, false), Json(**secondary, true));

  // A read-only view (what the CLI's readers use) opens beside the writer too.
  EngineOptions read_only;
  read_only.mode = store::OpenMode::kReadOnly;
  auto view = Engine::Open(path, read_only);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(Position(**view), later);
  EXPECT_EQ(Json(**view, false), Json(**view, true));
  std::printf("reports at positions %llu and %llu while the writer ran\n",
              static_cast<unsigned long long>(first), static_cast<unsigned long long>(later));
}

}  // namespace
}  // namespace hotline::engine

int main(int argc, char** argv) {
  return hotline::testing::MainWithPipedChild(argc, argv, hotline::engine::kWriterFlag,
                                              &hotline::engine::RunWriter);
}
