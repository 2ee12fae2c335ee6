// The engine beside raw RocksDB, for the targets of docs/benchmarks.md:
// command throughput (sync off, one thread), durable throughput (sync on,
// 64 submitters sharing group commits) and the rebuild of every projection
// from a ~1M-event log, each with its raw baseline in the same run.

#include <atomic>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_commands.h"
#include "bench/bench_dir.h"
#include "bench/raw_write.h"
#include "bench/simulated_store.h"
#include "benchmark/benchmark.h"
#include "engine/async_executor.h"
#include "engine/engine.h"
#include "engine/time_util.h"
#include "rocksdb/db.h"
#include "store/keys.h"
#include "tools/workload/simulation.h"

namespace hotline::bench {
namespace {

void BM_RawWriteBatchPerEvent(benchmark::State& state) { RawWrite(state, false); }
BENCHMARK(BM_RawWriteBatchPerEvent);

void BM_RawSyncPerEvent(benchmark::State& state) { RawWrite(state, true); }
BENCHMARK(BM_RawSyncPerEvent)->UseRealTime();

// Target 1: the simulated district's mixed life-cycle commands (a month at
// 60,000 tickets a year, recorded once from the shared simulator) replayed
// through Engine::Execute, one thread, sync off. Items are commands; the
// simulator's own work is not timed.
const std::vector<hotline::v1::Command>& MixedCommands() {
  static const auto* commands = [] {
    auto* out = new std::vector<hotline::v1::Command>();
    workload::SimClock clock;
    engine::EngineOptions options;
    options.sync = false;
    options.clock = [&clock] { return clock.Now(); };
    auto engine = engine::Engine::Open(FreshDir("mixed-record"), options);
    workload::SimulationOptions sim;
    sim.from = absl::CivilDay(2022, 3, 1);
    sim.to = absl::CivilDay(2022, 3, 31);
    sim.tickets_per_year = 60000;
    sim.executed = out;
    if (!engine.ok() || !workload::Simulate(engine->get(), &clock, sim).ok()) std::abort();
    return out;
  }();
  return *commands;
}

void EngineExecuteMixed(benchmark::State& state, bool tree, bool sealed = false) {
  const std::vector<hotline::v1::Command>& commands = MixedCommands();
  int64_t refused = 0;
  for (auto _ : state) {
    state.PauseTiming();
    workload::SimClock clock;
    engine::EngineOptions options;
    options.sync = false;
    options.merkle_tree = tree;
    if (sealed) options.master_key = std::string(32, 'k');
    options.clock = [&clock] { return clock.Now(); };
    auto engine = engine::Engine::Open(FreshDir("mixed"), options);
    if (!engine.ok()) std::abort();
    state.ResumeTiming();
    for (const hotline::v1::Command& c : commands) {
      clock.Set(engine::FromProto(c.at()));
      if (!(*engine)->Execute(c).ok()) ++refused;
    }
    state.PauseTiming();
    engine->reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(commands.size()));
  state.counters["refused"] = static_cast<double>(refused);
}
void BM_EngineExecuteMixed(benchmark::State& state) { EngineExecuteMixed(state, true); }
BENCHMARK(BM_EngineExecuteMixed)->Unit(benchmark::kMillisecond)->Iterations(3);
void BM_EngineExecuteMixedNoTree(benchmark::State& state) { EngineExecuteMixed(state, false); }
BENCHMARK(BM_EngineExecuteMixedNoTree)->Unit(benchmark::kMillisecond)->Iterations(3);
// The cost of sealing personal data, in the same run (docs/personal-data.md).
void BM_EngineExecuteMixedSealed(benchmark::State& state) { EngineExecuteMixed(state, true, true); }
BENCHMARK(BM_EngineExecuteMixedSealed)->Unit(benchmark::kMillisecond)->Iterations(3);

// Target 2: sync on, 64 submitters; each receives new tickets. With 8, the
// in-process figure beside the service's 8 gRPC clients (docs/benchmarks.md).
void EngineDurable(benchmark::State& state, engine::Engine* engine) {
  static std::atomic<uint64_t> n{0};
  const absl::Time at = absl::Now();
  for (auto _ : state) {
    const uint64_t i = ++n;
    const hotline::v1::Command c = ReceiveCommand(absl::StrCat("D-", i), at);
    if (!engine->Execute(c).ok()) state.SkipWithError("execute");
  }
  state.SetItemsProcessed(state.iterations());
}
engine::Engine* DurableEngine(const std::string& name, bool tree, bool sealed = false) {
  engine::EngineOptions options;  // sync on
  options.backfill = true;
  options.merkle_tree = tree;
  if (sealed) options.master_key = std::string(32, 'k');
  return engine::Engine::Open(FreshDir(name), options)->release();
}
void BM_EngineDurable(benchmark::State& state) {
  static engine::Engine* engine = DurableEngine("durable", true);
  EngineDurable(state, engine);
}
BENCHMARK(BM_EngineDurable)->Name("BM_EngineDurable64")->Threads(64)->UseRealTime()->MinTime(2);
BENCHMARK(BM_EngineDurable)->Name("BM_EngineDurable8")->Threads(8)->UseRealTime()->MinTime(2);
// The cost of the Merkle tree: the same without it, in the same run.
void BM_EngineDurableNoTree(benchmark::State& state) {
  static engine::Engine* engine = DurableEngine("durable-notree", false);
  EngineDurable(state, engine);
}
BENCHMARK(BM_EngineDurableNoTree)->Name("BM_EngineDurable8NoTree")->Threads(8)->UseRealTime()
    ->MinTime(2);
// Target 2 through the asynchronous path (AsyncExecutor), sync on, receives
// of new tickets: one submitter keeping up to 256 in flight, and 8
// submitting threads sharing one executor and its 256.
void BM_EngineAsyncDurable(benchmark::State& state) {
  static engine::Engine* engine = DurableEngine("durable-async", true);
  static auto* executor =
      new engine::AsyncExecutor(engine, {.threads = 64, .max_in_flight = 256});
  static std::atomic<uint64_t> n{0};
  static std::atomic<int64_t> failed{0};
  const absl::Time at = absl::Now();
  for (auto _ : state) {
    executor->Submit(ReceiveCommand(absl::StrCat("A-", ++n), at),
                     [](const absl::StatusOr<engine::ExecuteResult>& r) {
                       if (!r.ok()) ++failed;
                     });
  }
  executor->Drain();
  if (failed > 0) state.SkipWithError("execute");
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EngineAsyncDurable)->Name("BM_EngineAsyncDurable1x256")->UseRealTime()->MinTime(2);
BENCHMARK(BM_EngineAsyncDurable)->Name("BM_EngineAsyncDurable8x256")->Threads(8)->UseRealTime()
    ->MinTime(2);

// The cost of sealing personal data (a master key; docs/personal-data.md):
// each new ticket's data key made, wrapped and written, its contact and
// content sealed. The same as BM_EngineDurable8 otherwise, in the same run.
void BM_EngineDurableSealed(benchmark::State& state) {
  static engine::Engine* engine = DurableEngine("durable-sealed", true, true);
  EngineDurable(state, engine);
}
BENCHMARK(BM_EngineDurableSealed)->Name("BM_EngineDurable8Sealed")->Threads(8)->UseRealTime()
    ->MinTime(2);

// Target 3 and 4, and how their cost grows with the log: every projection
// rebuilt, beside a raw iterator over the same log's events, and the
// maintained monthly report; on the ~1M-event simulated year, and on the
// store HOTLINE_BENCH_LARGE_LOG names when set (bench/run.sh makes a
// ~10M-event one with `hotline simulate`).
const SimulatedStore& Log1M() { return SimulatedYear(160000); }

void BM_RawScanLog(benchmark::State& state, const SimulatedStore& store) {
  RawScanEvents(state, store);
}

void BM_RebuildAllProjections(benchmark::State& state, const SimulatedStore& store) {
  for (auto _ : state) {
    if (!store.engine->RebuildProjections().ok()) state.SkipWithError("rebuild");
  }
  const uint64_t events = store.engine->log().head().sequence;
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(events));
  state.counters["events"] = static_cast<double>(events);
}

// The month whose maintained report is timed: HOTLINE_BENCH_REPORT_MONTH, or
// 2022-06 (the middle of the simulated year).
std::string ReportMonth() {
  const char* month = std::getenv("HOTLINE_BENCH_REPORT_MONTH");
  return month != nullptr ? month : "2022-06";
}

void BM_ReportMaintained(benchmark::State& state, const SimulatedStore& store) {
  if (!store.engine->CatchUpStatistics().ok()) state.SkipWithError("catch up");
  const std::string month = ReportMonth();
  state.SetLabel(month);
  for (auto _ : state) {
    auto report = store.engine->Report({month});
    if (!report.ok()) state.SkipWithError("report");
  }
  state.counters["events"] = static_cast<double>(store.engine->log().head().sequence);
}

void RegisterLogBenchmarks(const std::string& label, const SimulatedStore& (*store)()) {
  benchmark::RegisterBenchmark(("BM_RawScanLog/" + label).c_str(),
                               [store](benchmark::State& s) { BM_RawScanLog(s, store()); })
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(("BM_RebuildAllProjections/" + label).c_str(),
                               [store](benchmark::State& s) {
                                 BM_RebuildAllProjections(s, store());
                               })
      ->Unit(benchmark::kMillisecond)
      ->Iterations(1)
      ->UseRealTime();  // two threads rebuild: wall time is the cost
  benchmark::RegisterBenchmark(("BM_ReportMaintained/" + label).c_str(),
                               [store](benchmark::State& s) { BM_ReportMaintained(s, store()); })
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace
}  // namespace hotline::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  hotline::bench::RegisterLogBenchmarks("1M", &hotline::bench::Log1M);
  if (const char* large = std::getenv("HOTLINE_BENCH_LARGE_LOG")) {
    static const std::string path = large;
    hotline::bench::RegisterLogBenchmarks(
        "large", []() -> const hotline::bench::SimulatedStore& {
          return hotline::bench::ExistingStore(path);
        });
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
