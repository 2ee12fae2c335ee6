// RebuildProjections against what the engine maintained while commands ran:
// byte for byte the same ticket states, timer index and statistics, whether
// a batch holds the whole log or a few dozen events (tickets written back,
// evicted and read back many times). And the writer's ticket cache.

#include <map>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "tests/projection_contents.h"
#include "tests/temp_dir.h"
#include "tools/workload/simulation.h"

namespace hotline::engine {
namespace {

using Contents = std::map<std::string, std::string>;

std::unique_ptr<Engine> Open(const std::string& path, workload::SimClock* clock,
                             uint64_t batch_events) {
  EngineOptions options;
  options.sync = false;
  options.maintain_statistics = false;  // folded when asked, so nothing races the test
  options.rebuild_batch_events = batch_events;
  options.clock = [clock] { return clock->Now(); };
  auto engine = Engine::Open(path, options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return std::move(engine).value();
}


class RebuildTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new hotline::testing::TempDir();
    clock_ = new workload::SimClock();
    std::unique_ptr<Engine> engine = Open(dir_->Sub("log"), clock_, 50000);
    workload::SimulationOptions options;
    options.from = absl::CivilDay(2022, 4, 1);
    options.to = absl::CivilDay(2022, 6, 30);
    options.tickets_per_year = 8000;
    auto result = workload::Simulate(engine.get(), clock_, options);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_TRUE(result->refused.empty());
    ASSERT_GT(result->tickets, 1500u);
    ASSERT_TRUE(engine->CatchUpStatistics().ok());
    maintained_ = new Contents(hotline::testing::ProjectionContents(*engine));
  }
  static void TearDownTestSuite() {
    delete maintained_;
    delete clock_;
    delete dir_;
  }

  static hotline::testing::TempDir* dir_;
  static workload::SimClock* clock_;
  static Contents* maintained_;
};

hotline::testing::TempDir* RebuildTest::dir_ = nullptr;
workload::SimClock* RebuildTest::clock_ = nullptr;
Contents* RebuildTest::maintained_ = nullptr;

TEST_F(RebuildTest, EqualsTheMaintainedProjectionsForAnyBatchSize) {
  for (uint64_t batch : {uint64_t{50000}, uint64_t{97}, uint64_t{1}}) {
    std::unique_ptr<Engine> engine = Open(dir_->Sub("log"), clock_, batch);
    ASSERT_TRUE(engine->RebuildProjections().ok()) << "batch " << batch;
    const Contents rebuilt = hotline::testing::ProjectionContents(*engine);
    EXPECT_EQ(rebuilt.size(), maintained_->size()) << "batch " << batch;
    EXPECT_TRUE(rebuilt == *maintained_) << "batch " << batch;
    auto verify = engine->Verify();
    ASSERT_TRUE(verify.ok());
    EXPECT_TRUE(verify->ok()) << "batch " << batch;
  }
}

TEST_F(RebuildTest, ReportsProgressUpToTheHead) {
  std::unique_ptr<Engine> engine = Open(dir_->Sub("log"), clock_, 1000);
  uint64_t last = 0, calls = 0, total = 0;
  ASSERT_TRUE(engine
                  ->RebuildProjections([&](uint64_t done, uint64_t of) {
                    EXPECT_GE(done, last);
                    last = done;
                    total = of;
                    ++calls;
                  })
                  .ok());
  EXPECT_EQ(last, engine->log().head().sequence);
  EXPECT_EQ(total, engine->log().head().sequence);
  EXPECT_GT(calls, total / 1000);
}

std::shared_ptr<const hotline::v1::TicketState> State(const std::string& id, uint64_t version) {
  auto s = std::make_shared<hotline::v1::TicketState>();
  s->set_ticket_id(id);
  s->set_version(version);
  return s;
}

TEST(TicketCacheTest, KeepsTheLatestVersionWhateverTheOrderOfPuts) {
  TicketCache cache(1024);
  EXPECT_EQ(cache.Find("T-1"), nullptr);
  cache.Put(State("T-1", 3));
  cache.Put(State("T-1", 2));  // a slower writer finishing late
  ASSERT_NE(cache.Find("T-1"), nullptr);
  EXPECT_EQ(cache.Find("T-1")->version(), 3u);
  cache.Put(State("T-1", 4));
  EXPECT_EQ(cache.Find("T-1")->version(), 4u);
  cache.Erase("T-1");
  EXPECT_EQ(cache.Find("T-1"), nullptr);
  cache.Put(State("T-2", 1));
  cache.Clear();
  EXPECT_EQ(cache.Find("T-2"), nullptr);
}

TEST(TicketCacheTest, HoldsNoMoreThanItsCapacity) {
  TicketCache cache(64);
  for (int i = 0; i < 10000; ++i) cache.Put(State(absl::StrCat("T-", i), 1));
  int held = 0;
  for (int i = 0; i < 10000; ++i) held += cache.Find(absl::StrCat("T-", i)) != nullptr;
  EXPECT_GT(held, 0);
  EXPECT_LE(held, 64);
  TicketCache off(0);
  off.Put(State("T-1", 1));
  EXPECT_EQ(off.Find("T-1"), nullptr);
}

}  // namespace
}  // namespace hotline::engine
