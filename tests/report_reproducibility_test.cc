// A few thousand simulated tickets over three months: the maintained
// report, the report rebuilt from the log, and the report of a store
// imported from an export (JSON Lines and binary) print the same bytes, for
// every month, as of a mid-month time and up to a log position.

#include <fstream>
#include <string>

#include "engine/engine.h"
#include "engine/export_format.h"
#include "engine/monthly_report.h"
#include "gtest/gtest.h"
#include "tests/temp_dir.h"
#include "tools/workload/simulation.h"

namespace hotline::engine {
namespace {

std::unique_ptr<Engine> Open(const std::string& path, workload::SimClock* clock) {
  EngineOptions options;
  options.sync = false;
  options.backfill = true;
  if (clock != nullptr) options.clock = [clock] { return clock->Now(); };
  auto engine = Engine::Open(path, options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return std::move(engine).value();
}

std::string Json(Engine& engine, const ReportQuery& query, bool rebuild) {
  auto report = engine.Report(query, rebuild);
  EXPECT_TRUE(report.ok()) << report.status();
  return report.ok() ? ReportJson(*report) : "";
}

void Export(const Engine& engine, const std::string& path, bool binary) {
  std::ofstream out(path, std::ios::binary);
  ASSERT_TRUE(ExportEvents(engine.log(), &out, binary, /*redact=*/false).ok());
}

class ReportReproducibilityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new hotline::testing::TempDir();
    workload::SimClock clock;
    source_ = Open(dir_->Sub("source"), &clock).release();
    workload::SimulationOptions options;
    options.from = absl::CivilDay(2022, 3, 1);
    options.to = absl::CivilDay(2022, 5, 31);
    options.tickets_per_year = 12000;
    options.seed = 7;
    auto result = workload::Simulate(source_, &clock, options);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_GT(result->tickets, 2500u);
    ASSERT_TRUE(result->refused.empty());
    ASSERT_TRUE(source_->CatchUpStatistics().ok());
    for (bool binary : {false, true}) {
      const std::string file = dir_->Sub(binary ? "export.bin" : "export.jsonl");
      Export(*source_, file, binary);
      Engine* imported = Open(dir_->Sub(binary ? "from-bin" : "from-jsonl"), nullptr).release();
      absl::Status s = imported->Import(file, binary);
      ASSERT_TRUE(s.ok()) << s;
      (binary ? from_binary_ : from_jsonl_) = imported;
    }
  }
  static void TearDownTestSuite() {
    delete source_;
    delete from_jsonl_;
    delete from_binary_;
    delete dir_;
  }

  static hotline::testing::TempDir* dir_;
  static Engine* source_;
  static Engine* from_jsonl_;
  static Engine* from_binary_;
};

hotline::testing::TempDir* ReportReproducibilityTest::dir_ = nullptr;
Engine* ReportReproducibilityTest::source_ = nullptr;
Engine* ReportReproducibilityTest::from_jsonl_ = nullptr;
Engine* ReportReproducibilityTest::from_binary_ = nullptr;

TEST_F(ReportReproducibilityTest, EveryMonthMaintainedRebuiltAndImported) {
  for (const char* month : {"2022-02", "2022-03", "2022-04", "2022-05", "2022-06"}) {
    SCOPED_TRACE(month);
    const std::string maintained = Json(*source_, {month}, false);
    EXPECT_EQ(Json(*source_, {month}, true), maintained);
    EXPECT_EQ(Json(*from_jsonl_, {month}, false), maintained);
    EXPECT_EQ(Json(*from_jsonl_, {month}, true), maintained);
    EXPECT_EQ(Json(*from_binary_, {month}, false), maintained);
  }
  // Not an empty comparison: April has hundreds of tickets.
  auto april = source_->Report({"2022-04"});
  EXPECT_GT(april->rows.at(RowKey{RowKind::kTotal, ""})[kReceived], 700);
}

TEST_F(ReportReproducibilityTest, MidMonthAsOfAndUpToSequence) {
  absl::TimeZone zone;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  const ReportQuery mid{"2022-04", absl::FromCivil(absl::CivilSecond(2022, 4, 15, 12, 0, 0), zone),
                        std::nullopt};
  const std::string at_mid = Json(*source_, mid, false);
  EXPECT_NE(at_mid, Json(*source_, {"2022-04"}, false));
  EXPECT_EQ(Json(*from_jsonl_, mid, false), at_mid);
  EXPECT_EQ(Json(*from_binary_, mid, true), at_mid);

  const uint64_t half = source_->log().head().sequence / 2;
  const ReportQuery partial{"2022-04", std::nullopt, half};
  const std::string at_half = Json(*source_, partial, false);
  EXPECT_NE(at_half, Json(*source_, {"2022-04"}, false));
  EXPECT_EQ(Json(*from_jsonl_, partial, false), at_half);
  EXPECT_EQ(Json(*from_binary_, partial, false), at_half);
}

TEST_F(ReportReproducibilityTest, ImportedStoresVerify) {
  for (Engine* e : {source_, from_jsonl_, from_binary_}) {
    auto result = e->Verify();
    ASSERT_TRUE(result.ok());
    EXPECT_TRUE(result->ok()) << (result->faults.empty() ? "chain" : result->faults[0]);
    EXPECT_EQ(e->log().head().hash, source_->log().head().hash);
  }
}

}  // namespace
}  // namespace hotline::engine
