// engine::Replica and the store's replica path (EventLog::AppendRecords,
// DropAfter): a writer's records copied to another store in batches of any
// size end as the same log — records, hashes, command index — with the same
// projections byte for byte; a record that does not follow is refused naming
// its sequence, nothing of it kept; a dropped tail leaves the log and its
// projections as if the tail had never been written.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/monthly_report.h"
#include "engine/replica.h"
#include "gtest/gtest.h"
#include "store/event_log.h"
#include "store/record.h"
#include "tests/projection_contents.h"
#include "tests/temp_dir.h"
#include "tools/workload/simulation.h"

namespace hotline::engine {
namespace {

using Contents = std::map<std::string, std::string>;

std::unique_ptr<Engine> Open(const std::string& path, workload::SimClock* clock) {
  EngineOptions options;
  options.sync = false;
  options.maintain_statistics = false;  // folded when asked, so nothing races the test
  options.clock = [clock] { return clock->Now(); };
  auto engine = Engine::Open(path, options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return std::move(engine).value();
}

// Every projection and every command-index answer the engine's store gives.
Contents Everything(Engine& engine) {
  EXPECT_TRUE(engine.CatchUpStatistics().ok());
  Contents all = hotline::testing::ProjectionContents(engine);
  EXPECT_TRUE(engine.log()
                  .Scan(1, engine.log().head().sequence,
                        [&](const store::Record& r) {
                          if (r.command_id.empty()) return absl::OkStatus();
                          auto found = engine.log().FindCommand(r.command_id);
                          EXPECT_TRUE(found.ok() && found->has_value()) << r.command_id;
                          all["command:" + r.command_id] =
                              absl::StrCat((*found)->first_sequence, "+", (*found)->count);
                          return absl::OkStatus();
                        })
                  .ok());
  return all;
}

// The stored values of records from..through of `log`.
std::vector<std::string> Values(const store::EventLog& log, uint64_t from, uint64_t through) {
  std::vector<std::string> values;
  EXPECT_TRUE(log.Scan(from, through, [&](const store::Record& r) {
                   values.push_back(store::EncodeRecord(r.prev_hash, r.sequence, r.stream_id,
                                                        r.stream_version, r.command_id,
                                                        r.payload));
                   return absl::OkStatus();
                 }).ok());
  return values;
}

class ReplicaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new hotline::testing::TempDir();
    clock_ = new workload::SimClock();
    writer_ = Open(dir_->Sub("writer"), clock_).release();
    workload::SimulationOptions options;
    options.from = absl::CivilDay(2022, 5, 1);
    options.to = absl::CivilDay(2022, 6, 30);
    options.tickets_per_year = 4000;
    auto result = workload::Simulate(writer_, clock_, options);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->refused.empty());
    values_ = new std::vector<std::string>(Values(writer_->log(), 1, writer_->log().head().sequence));
    everything_ = new Contents(Everything(*writer_));
  }
  static void TearDownTestSuite() {
    delete writer_;
    delete values_;
    delete everything_;
    delete clock_;
    delete dir_;
  }

  // Applies the writer's records from..through to `replica` in batches of
  // `batch` records.
  static void Copy(Replica& replica, uint64_t from, uint64_t through, size_t batch) {
    for (uint64_t s = from; s <= through; s += batch) {
      const uint64_t end = std::min<uint64_t>(through, s + batch - 1);
      std::vector<std::string> part(values_->begin() + (s - 1), values_->begin() + end);
      ASSERT_TRUE(replica.Apply(part).ok()) << "records " << s << ".." << end;
    }
  }

  static std::string Report(Engine& engine) {
    auto report = engine.Report({"2022-06"});
    EXPECT_TRUE(report.ok()) << report.status();
    return report.ok() ? ReportJson(*report) : "";
  }

  static hotline::testing::TempDir* dir_;
  static workload::SimClock* clock_;
  static Engine* writer_;
  static std::vector<std::string>* values_;
  static Contents* everything_;
};

hotline::testing::TempDir* ReplicaTest::dir_;
workload::SimClock* ReplicaTest::clock_;
Engine* ReplicaTest::writer_;
std::vector<std::string>* ReplicaTest::values_;
Contents* ReplicaTest::everything_;

TEST_F(ReplicaTest, CopiedInBatchesOfAnySizeItIsTheSameLogWithTheSameProjections) {
  // 1: every append cut at every record; 7: cut here and there; 1000:
  // whole appends mostly.
  for (size_t batch : {size_t{1}, size_t{7}, size_t{1000}}) {
    SCOPED_TRACE(absl::StrCat("batch of ", batch));
    hotline::testing::TempDir dir;
    std::unique_ptr<Engine> copy = Open(dir.Sub("replica"), clock_);
    Replica replica(copy.get());
    ASSERT_TRUE(replica.Start().ok());
    Copy(replica, 1, values_->size(), batch);
    EXPECT_EQ(copy->log().head().sequence, writer_->log().head().sequence);
    EXPECT_EQ(copy->log().head().hash, writer_->log().head().hash);
    EXPECT_EQ(Everything(*copy), *everything_);
    EXPECT_EQ(Report(*copy), Report(*writer_));
    auto verified = copy->Verify();
    ASSERT_TRUE(verified.ok()) << verified.status();
    EXPECT_TRUE(verified->ok()) << (verified->faults.empty() ? "" : verified->faults[0]);
  }
}

TEST_F(ReplicaTest, ARecordThatDoesNotFollowIsRefusedNamingItsSequenceAndNothingOfItsBatchKept) {
  hotline::testing::TempDir dir;
  std::unique_ptr<Engine> copy = Open(dir.Sub("replica"), clock_);
  Replica replica(copy.get());
  Copy(replica, 1, 100, 50);
  const store::Head before = copy->log().head();

  // A changed byte: its hash no longer matches (a payload byte, not a length).
  std::vector<std::string> altered(values_->begin() + 100, values_->begin() + 110);
  altered[3][altered[3].size() - 40] ^= 0x01;
  absl::Status s = replica.Apply(altered);
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_NE(s.message().find("sequence 104"), absl::string_view::npos) << s;

  // A record skipped: the next does not chain to the head.
  std::vector<std::string> gap(values_->begin() + 101, values_->begin() + 110);
  s = replica.Apply(gap);
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_NE(s.message().find("sequence 101"), absl::string_view::npos) << s;

  // Another log's record 101, chained to its own 100: not this log's.
  std::vector<std::string> foreign = {store::EncodeRecord(std::string(32, 'x'), 101, "T-1", 1,
                                                          "c", "payload")};
  EXPECT_TRUE(absl::IsDataLoss(replica.Apply(foreign)));

  EXPECT_EQ(copy->log().head().sequence, before.sequence);
  EXPECT_EQ(copy->log().head().hash, before.hash);
  Copy(replica, 101, values_->size(), 500);
  EXPECT_EQ(copy->log().head().hash, writer_->log().head().hash);
}

TEST_F(ReplicaTest, ADroppedTailLeavesTheLogAndProjectionsAsIfNeverWritten) {
  hotline::testing::TempDir dir;
  std::unique_ptr<Engine> copy = Open(dir.Sub("replica"), clock_);
  Replica replica(copy.get());
  Copy(replica, 1, values_->size(), 1000);
  // Cut inside the log, not at an append's end on purpose: at 2/3 of it.
  const uint64_t keep = values_->size() * 2 / 3;
  auto dropped = replica.DropAfter(keep);
  ASSERT_TRUE(dropped.ok()) << dropped.status();
  ASSERT_EQ(dropped->size(), values_->size() - keep);
  EXPECT_EQ(dropped->front().sequence, keep + 1);
  EXPECT_EQ(dropped->back().sequence, values_->size());
  EXPECT_EQ(copy->log().head().sequence, keep);
  auto record = writer_->log().Read(keep);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(copy->log().head().hash, record->hash);
  auto verified = copy->Verify();
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->ok()) << (verified->faults.empty() ? "" : verified->faults[0]);
  auto root = copy->log().TreeSize();
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, keep);

  // The tail copied again: the same log as the writer's once more.
  ASSERT_TRUE(replica.Start().ok());
  Copy(replica, keep + 1, values_->size(), 333);
  EXPECT_EQ(copy->log().head().hash, writer_->log().head().hash);
  EXPECT_EQ(Everything(*copy), *everything_);
}

// A copied stream that uses one command id for two appends in one batch:
// refused (the store's index would otherwise keep only the second).
TEST(AppendRecordsTest, ACommandIdUsedTwiceInOneBatchIsRefused) {
  hotline::testing::TempDir dir;
  auto log = store::EventLog::Open(dir.Sub("log"), store::Options());
  ASSERT_TRUE(log.ok()) << log.status();
  std::vector<std::string> records;
  std::string prev = store::GenesisHash();
  for (const auto& [stream, command] : {std::pair{"T-1", "c1"}, std::pair{"T-2", "c2"},
                                        std::pair{"T-3", "c1"}}) {
    records.push_back(store::EncodeRecord(prev, records.size() + 1, stream, 1, command, "p"));
    prev = std::string(store::StoredHash(records.back()));
  }
  absl::Status s = (*log)->AppendRecords(records, {});
  EXPECT_TRUE(absl::IsDataLoss(s)) << s;
  EXPECT_NE(s.message().find("sequence 3"), absl::string_view::npos) << s;
  EXPECT_EQ((*log)->head().sequence, 0u);
}

}  // namespace
}  // namespace hotline::engine
