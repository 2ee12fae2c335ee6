#ifndef HOTLINE_BENCH_SIMULATED_STORE_H_
#define HOTLINE_BENCH_SIMULATED_STORE_H_

// Stores of simulated district traffic for the benchmarks, made once per
// process, and the raw RocksDB scan of one as the baseline beside them.

#include <string>

#include "benchmark/benchmark.h"
#include "engine/engine.h"

namespace hotline::bench {

struct SimulatedStore {
  std::string path;
  engine::Engine* engine;  // sync off; lives until the process ends
};

// A store of the year 2022 simulated at `tickets_per_year` (`hotline
// simulate` traffic), statistics caught up.
const SimulatedStore& SimulatedYear(int tickets_per_year);

// The store at `path`, made earlier (by `hotline simulate`), opened once per
// process with sync off.
const SimulatedStore& ExistingStore(const std::string& path);

// The benchmark body of a raw RocksDB iterator over the `events` family of
// the store at `path` (opened read-only beside its engine); items are events.
void RawScanEvents(benchmark::State& state, const SimulatedStore& store);

}  // namespace hotline::bench

#endif  // HOTLINE_BENCH_SIMULATED_STORE_H_
