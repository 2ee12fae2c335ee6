// Engine::Import refuses a file that would break the store — over the
// store's limits, a directory event the directory refuses, `at` outside the
// window, a command id used twice — before writing anything, even when the
// file's hash chain is intact; and a store whose import was cut short is
// never opened as a store.

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/export_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/record.h"
#include "tests/engine_harness.h"

namespace hotline::engine {
namespace {

using hotline::testing::EngineHarness;
using hotline::testing::Shanghai;
using hotline::v1::EventEnvelope;
using ::testing::HasSubstr;

// Writes `events` as a binary export whose positions and hash chain are
// recomputed, so that only the content is wrong: a forger's best file.
void WriteChained(const std::string& path, std::vector<EventEnvelope> events) {
  std::string prev = store::GenesisHash();
  std::ofstream out(path, std::ios::binary);
  for (size_t i = 0; i < events.size(); ++i) {
    EventEnvelope& e = events[i];
    e.set_sequence(i + 1);
    EventEnvelope payload = e;  // the store payload: without positions
    for (auto clear : {&EventEnvelope::clear_sequence, &EventEnvelope::clear_stream_id,
                       &EventEnvelope::clear_stream_version, &EventEnvelope::clear_command_id,
                       &EventEnvelope::clear_prev_hash, &EventEnvelope::clear_hash}) {
      (payload.*clear)();
    }
    const std::string value =
        store::EncodeRecord(prev, e.sequence(), e.stream_id(), e.stream_version(),
                            e.command_id(), payload.SerializeAsString());
    e.set_prev_hash(prev);
    e.set_hash(std::string(store::StoredHash(value)));
    prev = e.hash();
    const std::string bytes = e.SerializeAsString();
    google::protobuf::io::OstreamOutputStream raw(&out);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.WriteVarint32(static_cast<uint32_t>(bytes.size()));
    coded.WriteRaw(bytes.data(), static_cast<int>(bytes.size()));
  }
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_.Must(source_.Receive("T-1", t0_));
    source_.Must(source_.Dispatch("T-1", t0_ + absl::Minutes(1)));
    auto history = source_.engine().log().head().sequence;
    ASSERT_TRUE(source_.engine()
                    .log()
                    .Scan(1, history,
                          [&](const store::Record& r) {
                            EventEnvelope& e = events_.emplace_back();
                            EXPECT_TRUE(e.ParseFromString(r.payload));
                            e.set_stream_id(r.stream_id);
                            e.set_stream_version(r.stream_version);
                            e.set_command_id(r.command_id);
                            return absl::OkStatus();
                          })
                    .ok());
    good_ = target_dir_.Sub("good.bin");
    WriteChained(good_, events_);
  }

  // Imports `events` into the (empty) target: the error, after checking
  // that nothing was appended and that the good file still imports.
  absl::Status Refusal(std::vector<EventEnvelope> events) {
    const std::string bad = target_dir_.Sub("bad.bin");
    WriteChained(bad, std::move(events));
    EngineHarness target(Shanghai("2022-06-30 12:00"), true, nullptr, /*seed=*/false);
    const absl::Status refused = target.engine().Import(bad, /*binary=*/true);
    EXPECT_EQ(target.head(), 0u) << "a refused import appended";
    EXPECT_TRUE(target.engine().Import(good_, true).ok());
    EXPECT_EQ(target.head(), events_.size());
    EXPECT_FALSE(std::filesystem::exists(target.path() + "/import-scratch"))
        << "the import's scratch tables outlived it";
    return refused;
  }

  EngineHarness source_;
  hotline::testing::TempDir target_dir_;
  const absl::Time t0_ = Shanghai("2022-06-01 09:00");
  std::vector<EventEnvelope> events_;
  std::string good_;
};

TEST_F(ImportTest, AChainedFileWithAPolicyTheDirectoryRefusesWritesNothing) {
  std::vector<EventEnvelope> events = events_;
  EventEnvelope policy = events[0];  // U01's registration, as a template
  policy.set_stream_id("$policy");
  policy.set_stream_version(1);
  policy.set_command_id("bad-policy");
  policy.mutable_event()->mutable_policy_published()->mutable_policy()->set_time_zone(
      "Mars/Olympus_Mons");
  events.push_back(policy);
  const absl::Status refused = Refusal(events);
  EXPECT_EQ(refused.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(refused.message(), HasSubstr(absl::StrCat("sequence ", events.size())));
  EXPECT_THAT(refused.message(), HasSubstr("time_zone"));
}

TEST_F(ImportTest, AStreamIdOverTheStoresLimitWritesNothing) {
  std::vector<EventEnvelope> events = events_;
  EventEnvelope long_id = events.back();
  long_id.set_stream_id(std::string(200, 'T'));
  long_id.set_stream_version(1);
  long_id.set_command_id("long");
  events.push_back(long_id);
  const absl::Status refused = Refusal(events);
  EXPECT_EQ(refused.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(refused.message(), HasSubstr("stream_id"));
}

TEST_F(ImportTest, OneCommandOfTooManyEventsWritesNothing) {
  std::vector<EventEnvelope> events = events_;
  EventEnvelope urge = events.back();
  urge.mutable_event()->mutable_ticket_urged();
  urge.set_command_id("one-huge-command");
  for (uint64_t i = 1; i <= 1025; ++i) {
    urge.set_stream_version(urge.stream_version() + 1);
    events.push_back(urge);
  }
  const absl::Status refused = Refusal(events);
  EXPECT_EQ(refused.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(refused.message(), HasSubstr("over 1024 events"));
}

TEST_F(ImportTest, ACommandIdUsedTwiceOrAnAtOutsideTheWindowWritesNothing) {
  std::vector<EventEnvelope> twice = events_;
  EventEnvelope urge = twice.back();
  urge.mutable_event()->mutable_ticket_urged();
  urge.set_command_id(twice[0].command_id());  // another append's id
  urge.set_stream_version(urge.stream_version() + 1);
  twice.push_back(urge);
  EXPECT_THAT(Refusal(twice).message(), HasSubstr("appears twice"));

  std::vector<EventEnvelope> ancient = events_;
  ancient.back().mutable_at()->set_seconds(-62135596800);  // year 0001
  EXPECT_THAT(Refusal(ancient).message(), HasSubstr("at: "));
}

TEST_F(ImportTest, AStreamVersionThatSkipsWritesNothing) {
  std::vector<EventEnvelope> events = events_;
  EventEnvelope urge = events.back();
  urge.mutable_event()->mutable_ticket_urged();
  urge.set_command_id("skipping-urge");
  urge.set_stream_version(urge.stream_version() + 2);
  events.push_back(urge);
  const absl::Status refused = Refusal(events);
  EXPECT_EQ(refused.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(refused.message(),
              HasSubstr(absl::StrCat("stream 'T-1' version ", urge.stream_version(),
                                     " follows version ", urge.stream_version() - 2)));
}

TEST_F(ImportTest, AScratchDirectoryLeftByAnImportCutShortIsReplaced) {
  EngineHarness target(Shanghai("2022-06-30 12:00"), true, nullptr, /*seed=*/false);
  const std::string scratch = target.path() + "/import-scratch";
  std::filesystem::create_directories(scratch + "/command-ids");
  std::ofstream(scratch + "/command-ids/CURRENT") << "left by a killed import\n";
  ASSERT_TRUE(target.engine().Import(good_, /*binary=*/true).ok());
  EXPECT_EQ(target.head(), events_.size());
  EXPECT_FALSE(std::filesystem::exists(scratch));
}

TEST_F(ImportTest, AStoreWhoseImportWasCutShortIsNotOpened) {
  hotline::testing::TempDir dir;
  {
    // What a kill after the import's first appends leaves: its mark set.
    auto log = store::EventLog::Open(dir.Sub("db"), store::Options());
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->WriteCheckpoint("importing", 1, {}).ok());
  }
  auto opened = Engine::Open(dir.Sub("db"));
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(), HasSubstr("import"));
  EXPECT_THAT(opened.status().message(), HasSubstr("interrupted"));
}

}  // namespace
}  // namespace hotline::engine
