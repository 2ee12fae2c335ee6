// Reports made beside a running writer: a second process keeps appending a
// simulated district's traffic while this one, opened as a RocksDB
// secondary (and read-only), makes monthly reports — maintained and rebuilt
// agree at the same log position, and later reports see later appends. The
// writer is never stopped; it is killed at the end.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "engine/engine.h"
#include "engine/monthly_report.h"
#include "gtest/gtest.h"
#include "tests/child_process.h"
#include "tests/temp_dir.h"
#include "tools/workload/simulation.h"

namespace hotline::engine {
namespace {

constexpr char kWriterFlag[] = "--writer-child";

// Child mode: simulate a busy year until killed.
int RunWriter(const std::string& path) {
  workload::SimClock clock;
  EngineOptions options;
  options.clock = [&clock] { return clock.Now(); };
  options.sync = false;
  auto engine = Engine::Open(path, options);
  if (!engine.ok()) return 1;
  workload::SimulationOptions sim;
  sim.from = absl::CivilDay(2022, 1, 1);
  sim.to = absl::CivilDay(2022, 12, 31);
  sim.tickets_per_year = 40000;
  return workload::Simulate(engine->get(), &clock, sim).ok() ? 0 : 2;
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
  const pid_t writer = hotline::testing::SpawnSelf({kWriterFlag, path}, false).pid;
  EngineOptions options;
  options.mode = store::OpenMode::kSecondary;
  options.secondary_path = dir.Sub("secondary");
  // The writer is still creating the store at first: retry until it is there.
  absl::StatusOr<std::unique_ptr<Engine>> secondary = absl::UnavailableError("not yet");
  for (int i = 0; i < 600 && !secondary.ok(); ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    if (std::filesystem::exists(path + "/CURRENT")) secondary = Engine::Open(path, options);
  }
  ASSERT_TRUE(secondary.ok()) << secondary.status();
  for (int i = 0; i < 600 && (*secondary)->log().head().sequence < 3000; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
    ASSERT_TRUE((*secondary)->Refresh().ok());
  }
  ASSERT_GE((*secondary)->log().head().sequence, 3000u);

  const uint64_t first = Position(**secondary);
  EXPECT_EQ(Json(**secondary, false), Json(**secondary, true));  // same position, same bytes
  absl::SleepFor(absl::Milliseconds(500));
  ASSERT_TRUE((*secondary)->Refresh().ok());
  const uint64_t later = Position(**secondary);
  EXPECT_GT(later, first);
  EXPECT_EQ(Json(**secondary, false), Json(**secondary, true));

  // A read-only view (what the CLI's readers use) opens beside the writer too.
  EngineOptions read_only;
  read_only.mode = store::OpenMode::kReadOnly;
  auto view = Engine::Open(path, read_only);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(Json(**view, false), Json(**view, true));

  int status = 0;
  ASSERT_EQ(waitpid(writer, &status, WNOHANG), 0) << "the writer stopped on its own";
  kill(writer, SIGKILL);
  ASSERT_EQ(waitpid(writer, &status, 0), writer);
  EXPECT_TRUE(WIFSIGNALED(status));
  std::printf("reports at positions %llu and %llu while the writer ran\n",
              static_cast<unsigned long long>(first), static_cast<unsigned long long>(later));
}

}  // namespace
}  // namespace hotline::engine

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], hotline::engine::kWriterFlag) == 0) {
    return hotline::engine::RunWriter(argv[2]);
  }
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
