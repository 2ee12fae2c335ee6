#ifndef HOTLINE_BENCH_RAW_WRITE_H_
#define HOTLINE_BENCH_RAW_WRITE_H_

// The raw RocksDB baseline of the write benchmarks: one WriteBatch per event
// (a 250-byte record and a stream index entry), fsynced or not.

#include "benchmark/benchmark.h"

namespace hotline::bench {

// The benchmark body; items are events. Threads share one database.
void RawWrite(benchmark::State& state, bool sync);

}  // namespace hotline::bench

#endif  // HOTLINE_BENCH_RAW_WRITE_H_
