// Rebuilding a month's report from the log, beside a raw scan of the same
// log's events, and the report from the maintained projection. The store is
// a simulated district year (`hotline simulate` traffic at 40,000 tickets a
// year, about 250k events).

#include <memory>

#include "bench/bench_dir.h"
#include "benchmark/benchmark.h"
#include "engine/engine.h"
#include "engine/report_from_log.h"
#include "rocksdb/db.h"
#include "store/event_log.h"
#include "tools/workload/simulation.h"

namespace hotline::bench {
namespace {

std::string& YearPath() {
  static std::string* path = new std::string(FreshDir("report"));
  return *path;
}

engine::Engine* Year() {
  static engine::Engine* engine = [] {
    static workload::SimClock clock;
    engine::EngineOptions options;
    options.sync = false;
    options.clock = [] { return clock.Now(); };
    engine::Engine* e = engine::Engine::Open(YearPath(), options)->release();
    workload::SimulationOptions sim;
    sim.from = absl::CivilDay(2022, 1, 1);
    sim.to = absl::CivilDay(2022, 12, 31);
    sim.tickets_per_year = 40000;
    if (!workload::Simulate(e, &clock, sim).ok() || !e->CatchUpStatistics().ok()) std::abort();
    return e;
  }();
  return engine;
}

void BM_RawScan(benchmark::State& state) {
  // The same database's `events` family through a plain RocksDB iterator,
  // opened read-only beside the engine.
  const uint64_t events = Year()->log().head().sequence;
  rocksdb::Options options;
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(options, YearPath(), &names).ok()) std::abort();
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(options, YearPath(), families, &handles, &db).ok()) {
    std::abort();
  }
  rocksdb::ColumnFamilyHandle* events_family = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "events") events_family = handles[i];
  }
  for (auto _ : state) {
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    ro.readahead_size = 2 << 20;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, events_family));
    uint64_t bytes = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) bytes += it->value().size();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * events);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}
BENCHMARK(BM_RawScan)->Unit(benchmark::kMillisecond);

void BM_StoreScan(benchmark::State& state) {
  // The log's records through EventLog::Scan, decoded into Records.
  const store::EventLog& log = Year()->log();
  for (auto _ : state) {
    uint64_t bytes = 0;
    if (!log.Scan(1, UINT64_MAX, [&](const store::Record& r) {
               bytes += r.payload.size();
               return absl::OkStatus();
             }).ok()) {
      state.SkipWithError("scan");
    }
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * log.head().sequence);
}
BENCHMARK(BM_StoreScan)->Unit(benchmark::kMillisecond);

void BM_ReportRebuildMonth(benchmark::State& state) {
  engine::Engine* e = Year();
  for (auto _ : state) {
    auto report = engine::ReportFromLog(e->log(), {"2022-05"});
    if (!report.ok()) state.SkipWithError("report");
    benchmark::DoNotOptimize(report);
  }
  state.SetItemsProcessed(state.iterations() * e->log().head().sequence);
}
BENCHMARK(BM_ReportRebuildMonth)->Unit(benchmark::kMillisecond);

void BM_ReportMaintainedMonth(benchmark::State& state) {
  engine::Engine* e = Year();
  for (auto _ : state) {
    auto report = e->Report({"2022-05"});
    if (!report.ok()) state.SkipWithError("report");
    benchmark::DoNotOptimize(report);
  }
}
BENCHMARK(BM_ReportMaintainedMonth)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace hotline::bench

BENCHMARK_MAIN();
