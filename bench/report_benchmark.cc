// Rebuilding a month's report from the log, beside a raw scan of the same
// log's events, and the report from the maintained projection. The store is
// a simulated district year (`hotline simulate` traffic at 40,000 tickets a
// year, about 250k events).

#include <memory>

#include "bench/simulated_store.h"
#include "benchmark/benchmark.h"
#include "engine/engine.h"
#include "engine/report_from_log.h"
#include "store/event_log.h"

namespace hotline::bench {
namespace {

engine::Engine* Year() { return SimulatedYear(40000).engine; }

void BM_RawScan(benchmark::State& state) { RawScanEvents(state, SimulatedYear(40000)); }
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
