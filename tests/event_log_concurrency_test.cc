// Group commit under contention: many threads appending at once must leave a
// gapless log with correct stream versions and a valid chain.

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "store/event_log.h"
#include "tests/temp_dir.h"

namespace hotline::store {
namespace {

constexpr int kThreads = 8;
constexpr int kAppendsPerThread = 150;

TEST(EventLogConcurrencyTest, EightThreadsOnSharedAndDistinctStreams) {
  hotline::testing::TempDir dir;
  Options options;
  options.sync = false;
  auto log = EventLog::Open(dir.Sub("db"), options);
  ASSERT_TRUE(log.ok());

  absl::Mutex mu;
  std::set<uint64_t> sequences;                       // every sequence handed out
  absl::flat_hash_map<std::string, uint64_t> events;  // per stream
  std::atomic<int> aborted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsPerThread; ++i) {
        AppendRequest r;
        r.command_id = absl::StrCat("t", t, "-", i);
        // Cycle through: a stream shared by all without a version check, a
        // contended stream with optimistic expected versions, our own stream.
        switch (i % 3) {
          case 0:
            r.stream_id = "shared";
            break;
          case 1:
            r.stream_id = "contended";
            break;
          default:
            r.stream_id = absl::StrCat("own-", t);
        }
        r.payloads.assign(1 + i % 2, absl::StrCat("t", t, "i", i));
        absl::StatusOr<AppendResult> result;
        do {
          if (r.stream_id == "contended") {
            r.expected_version = *(*log)->StreamVersion(r.stream_id);
          }
          result = (*log)->Append(r);
          if (result.status().code() == absl::StatusCode::kAborted) ++aborted;
        } while (result.status().code() == absl::StatusCode::kAborted);
        ASSERT_TRUE(result.ok()) << result.status();
        absl::MutexLock lock(&mu);
        for (uint32_t k = 0; k < result->count; ++k) {
          EXPECT_TRUE(sequences.insert(result->first_sequence + k).second);
        }
        events[r.stream_id] += result->count;
      }
    });
  }
  for (auto& th : threads) th.join();

  const uint64_t total = sequences.size();
  EXPECT_EQ(*sequences.begin(), 1u);
  EXPECT_EQ(*sequences.rbegin(), total);  // unique and 1..total: gapless
  EXPECT_EQ((*log)->head().sequence, total);
  for (const auto& [stream, count] : events) {
    EXPECT_EQ(*(*log)->StreamVersion(stream), count) << stream;
    auto records = (*log)->ReadStream(stream);
    ASSERT_TRUE(records.ok());
    for (uint64_t v = 0; v < records->size(); ++v) {
      EXPECT_EQ((*records)[v].stream_version, v + 1);
    }
  }
  auto report = (*log)->VerifyChain();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->fault->what;
  EXPECT_EQ(report->records, total);
  std::printf("%llu events, %d optimistic retries on the contended stream\n",
              static_cast<unsigned long long>(total), aborted.load());
}

}  // namespace
}  // namespace hotline::store
