// A RocksDB secondary instance reads beside the live writer.

#include "gtest/gtest.h"
#include "store/event_log.h"
#include "tests/temp_dir.h"

namespace hotline::store {
namespace {

AppendRequest OneEvent(std::string stream, std::string payload) {
  AppendRequest r;
  r.stream_id = std::move(stream);
  r.payloads = {std::move(payload)};
  return r;
}

TEST(EventLogSecondaryTest, SeesAppendsMadeAfterItOpened) {
  hotline::testing::TempDir dir;
  auto primary = EventLog::Open(dir.Sub("db"), Options());
  ASSERT_TRUE(primary.ok());
  ASSERT_TRUE((*primary)->Append(OneEvent("T-1", "before")).ok());

  Options options;
  options.mode = OpenMode::kSecondary;
  options.secondary_path = dir.Sub("secondary");
  auto secondary = EventLog::Open(dir.Sub("db"), options);
  ASSERT_TRUE(secondary.ok()) << secondary.status();
  EXPECT_EQ((*secondary)->head().sequence, 1u);

  ASSERT_TRUE((*primary)->Append(OneEvent("T-2", "after-1")).ok());
  ASSERT_TRUE((*primary)->Append(OneEvent("T-1", "after-2")).ok());
  EXPECT_EQ((*secondary)->head().sequence, 1u);  // until it catches up

  ASSERT_TRUE((*secondary)->CatchUp().ok());
  EXPECT_EQ((*secondary)->head().sequence, 3u);
  EXPECT_EQ((*secondary)->head().hash, (*primary)->head().hash);
  auto stream = (*secondary)->ReadStream("T-1");
  ASSERT_TRUE(stream.ok()) << stream.status();
  ASSERT_EQ(stream->size(), 2u);
  EXPECT_EQ((*stream)[1].payload, "after-2");
  EXPECT_TRUE((*secondary)->VerifyChain()->ok());
  EXPECT_EQ((*secondary)->Append(OneEvent("T-3", "x")).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(EventLogSecondaryTest, RequiresASecondaryPath) {
  hotline::testing::TempDir dir;
  Options options;
  options.mode = OpenMode::kSecondary;
  EXPECT_EQ(EventLog::Open(dir.path(), options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hotline::store
