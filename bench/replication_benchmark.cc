// Replication through NATS JetStream beside local-only and raw RocksDB, in
// one run (docs/benchmarks.md, "Replication"): durable commands/s of 8
// submitters with sync replication to the cluster, the same without it, and
// a follower catching up from an empty store on a ~1M-event log.
//
// Needs a running cluster: HOTLINE_NATS_URLS=nats://...,... (bench/
// run_replication.sh starts a 3-node one on loopback and sets it).

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "bench/bench_commands.h"
#include "bench/bench_dir.h"
#include "bench/raw_write.h"
#include "bench/simulated_store.h"
#include "benchmark/benchmark.h"
#include "engine/engine.h"
#include "replication/follower.h"
#include "replication/stream_replicator.h"

namespace hotline::bench {
namespace {

// Appeals a year for a log of about a million events (6.25 events each).
constexpr int kMillionEventTickets = 160000;

replication::NatsOptions Cluster() {
  replication::NatsOptions nats;
  const char* urls = std::getenv("HOTLINE_NATS_URLS");
  if (urls == nullptr) return nats;
  auto servers = replication::ParseServers(urls);
  if (servers.ok()) nats.servers = *servers;
  return nats;
}

void BM_RawSyncPerEvent(benchmark::State& state) { RawWrite(state, true); }
BENCHMARK(BM_RawSyncPerEvent)->UseRealTime();

void BM_RawWriteBatchPerEvent(benchmark::State& state) { RawWrite(state, false); }
BENCHMARK(BM_RawWriteBatchPerEvent);

// Sync on, 8 submitters receiving new tickets.
void Durable(benchmark::State& state, engine::Engine* engine) {
  if (engine == nullptr) {
    state.SkipWithError("no engine (is HOTLINE_NATS_URLS a running cluster?)");
    return;
  }
  static std::atomic<uint64_t> n{0};
  const absl::Time at = absl::Now();
  for (auto _ : state) {
    const uint64_t i = ++n;
    if (!engine->Execute(ReceiveCommand(absl::StrCat("D-", i), at)).ok()) {
      state.SkipWithError("execute");
    }
  }
  state.SetItemsProcessed(state.iterations());
}

engine::Engine* DurableEngine(const std::string& name, bool replicated) {
  engine::EngineOptions options;  // sync on
  options.backfill = true;
  if (replicated) {
    auto replicator = replication::StreamReplicator::Connect({Cluster()});
    if (!replicator.ok()) return nullptr;
    options.replicator = *replicator;
  }
  auto engine = engine::Engine::Open(FreshDir(name), options);
  return engine.ok() ? engine->release() : nullptr;
}

void BM_EngineDurable8Local(benchmark::State& state) {
  static engine::Engine* engine = DurableEngine("durable-local", false);
  Durable(state, engine);
}
BENCHMARK(BM_EngineDurable8Local)->Threads(8)->UseRealTime()->MinTime(3);

void BM_EngineDurable8SyncReplicated(benchmark::State& state) {
  static engine::Engine* engine = DurableEngine("durable-replicated", true);
  Durable(state, engine);
}
BENCHMARK(BM_EngineDurable8SyncReplicated)->Threads(8)->UseRealTime()->MinTime(3);

// A follower from an empty store to the end of a ~1M-event stream (the
// stream seeded from a simulated store once, untimed).
void BM_FollowerCatchUp(benchmark::State& state) {
  const SimulatedStore& source = SimulatedYear(kMillionEventTickets);
  static const std::string* log_id = [&]() -> std::string* {
    auto replicator = replication::StreamReplicator::Connect({Cluster()});
    if (!replicator.ok() || !(*replicator)->Attach(source.engine->log()).ok()) return nullptr;
    auto first = source.engine->log().Read(1);
    return new std::string(replication::LogId(first->hash));
  }();
  if (log_id == nullptr) {
    state.SkipWithError("seeding the stream failed (is HOTLINE_NATS_URLS a running cluster?)");
    return;
  }
  auto stream = replication::JetStream::Connect(Cluster());
  uint64_t events = 0;
  for (auto _ : state) {
    engine::EngineOptions options;  // sync on: one fsync per batch
    auto follower_engine = engine::Engine::Open(FreshDir("follower"), options);
    replication::Follower follower(follower_engine->get(), stream->get(), *log_id);
    if (!follower.CatchUp().ok()) state.SkipWithError("catch-up");
    events += (*follower_engine)->log().head().sequence;
  }
  state.SetItemsProcessed(events);
  state.counters["events"] = static_cast<double>(source.engine->log().head().sequence);
}
BENCHMARK(BM_FollowerCatchUp)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

}  // namespace
}  // namespace hotline::bench

BENCHMARK_MAIN();
