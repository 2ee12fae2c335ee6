// Stored bytes changed behind the engine's back — a record, a stream index
// entry, a command id entry, the head, the format marker: every read that
// meets them answers DATA_LOSS naming the position, never a wrong answer or
// a crash, and Verify names the fault.

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/keys.h"
#include "tests/engine_harness.h"
#include "tests/raw_rocks.h"

namespace hotline::engine {
namespace {

using hotline::testing::EngineHarness;
using hotline::testing::Shanghai;
using ::testing::HasSubstr;

class DataLossTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.Must(h_.Receive("T-1", t0_));
    h_.Must(h_.Dispatch("T-1", t0_ + absl::Minutes(1)));
    h_.Must(h_.Receive("T-2", t0_ + absl::Minutes(2)));
    auto history = h_.engine().History("T-1");
    ASSERT_TRUE(history.ok());
    dispatched_ = history->back().sequence();
    dispatch_command_ = history->back().command_id();
    received_t2_ = h_.head();
    ASSERT_TRUE(h_.engine().CatchUpStatistics().ok());
    h_.Close();
  }
  // The statuses of every read that meets T-1's second event.
  void ExpectTicketReadsAreDataLoss(const std::string& naming) {
    h_.Reopen();
    auto history = h_.engine().History("T-1");
    EXPECT_EQ(history.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(history.status().message(), HasSubstr(naming));
    auto as_of = h_.engine().GetTicketAsOf("T-1", t0_ + absl::Hours(1));
    EXPECT_EQ(as_of.status().code(), absl::StatusCode::kDataLoss);
    auto verified = h_.engine().Verify();
    ASSERT_TRUE(verified.ok()) << verified.status();
    EXPECT_FALSE(verified->ok());
  }

  EngineHarness h_;
  const absl::Time t0_ = Shanghai("2022-06-01 09:00");
  uint64_t dispatched_ = 0, received_t2_ = 0;
  std::string dispatch_command_;
};

TEST_F(DataLossTest, AChangedRecordIsRefusedWhereverItIsRead) {
  hotline::testing::FlipRecordByte(h_.path(), dispatched_, 60);
  const std::string naming = absl::StrCat("sequence ", dispatched_);
  ExpectTicketReadsAreDataLoss(naming);
  ReportQuery query;
  query.month = "2022-06";
  auto report = h_.engine().Report(query, /*rebuild=*/true);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(report.status().message(), HasSubstr(naming));
  auto verified = h_.engine().Verify();
  ASSERT_TRUE(verified->chain.fault.has_value());
  EXPECT_EQ(verified->chain.fault->sequence, dispatched_);
}

TEST_F(DataLossTest, AMissingOrMisplacedStreamIndexEntryIsRefused) {
  hotline::testing::SetValue(h_.path(), store::kStreamsFamily, store::StreamKey("T-1", 2),
                             std::nullopt);
  ExpectTicketReadsAreDataLoss("stream 'T-1' version 2");
  h_.Close();
  // The entry names T-2's record instead.
  hotline::testing::SetValue(h_.path(), store::kStreamsFamily, store::StreamKey("T-1", 2),
                             store::SequenceKey(received_t2_));
  ExpectTicketReadsAreDataLoss("another stream");
}

TEST_F(DataLossTest, AMalformedCommandEntryIsRefusedOnARepeat) {
  hotline::testing::SetValue(h_.path(), store::kCommandsFamily, dispatch_command_, "junk");
  h_.Reopen();
  auto repeat = h_.engine().log().FindCommand(dispatch_command_);
  EXPECT_EQ(repeat.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(repeat.status().message(), HasSubstr(dispatch_command_));
  auto verified = h_.engine().Verify();
  ASSERT_TRUE(verified.ok());
  ASSERT_TRUE(verified->chain.fault.has_value());
  EXPECT_THAT(verified->chain.fault->what, HasSubstr(dispatch_command_));
}

TEST_F(DataLossTest, AChangedHeadFormatMarkerOrDirectoryRecordStopsOpen) {
  hotline::testing::SetValue(h_.path(), store::kMetaFamily, store::kMetaHeadKey, "short");
  auto opened = Engine::Open(h_.path());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(opened.status().message(), HasSubstr("head"));

  hotline::testing::SetValue(h_.path(), store::kMetaFamily, store::kMetaFormatKey, "999");
  opened = Engine::Open(h_.path());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(opened.status().message(), HasSubstr("format"));
}

TEST_F(DataLossTest, AChangedDirectoryRecordStopsOpenNamingIt) {
  // Sequence 1 registers U01: the directory every command decides on.
  hotline::testing::FlipRecordByte(h_.path(), 1, 70);
  auto opened = Engine::Open(h_.path());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(opened.status().message(), HasSubstr("sequence 1"));
}

}  // namespace
}  // namespace hotline::engine
