#include "bench/simulated_store.h"

#include <cstdio>
#include <map>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_dir.h"
#include "rocksdb/db.h"
#include "tools/workload/simulation.h"

namespace hotline::bench {

const SimulatedStore& SimulatedYear(int tickets_per_year) {
  static auto* stores = new std::map<int, SimulatedStore>();
  auto it = stores->find(tickets_per_year);
  if (it != stores->end()) return it->second;
  auto* clock = new workload::SimClock();
  engine::EngineOptions options;
  options.sync = false;
  options.clock = [clock] { return clock->Now(); };
  SimulatedStore store{FreshDir(absl::StrCat("year", tickets_per_year)), nullptr};
  store.engine = engine::Engine::Open(store.path, options)->release();
  workload::SimulationOptions sim;
  sim.from = absl::CivilDay(2022, 1, 1);
  sim.to = absl::CivilDay(2022, 12, 31);
  sim.tickets_per_year = tickets_per_year;
  if (!workload::Simulate(store.engine, clock, sim).ok() ||
      !store.engine->CatchUpStatistics().ok()) {
    std::abort();
  }
  return stores->emplace(tickets_per_year, store).first->second;
}

const SimulatedStore& ExistingStore(const std::string& path) {
  static auto* stores = new std::map<std::string, SimulatedStore>();
  auto it = stores->find(path);
  if (it != stores->end()) return it->second;
  engine::EngineOptions options;
  options.sync = false;
  auto engine = engine::Engine::Open(path, options);
  if (!engine.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), engine.status().ToString().c_str());
    std::abort();
  }
  return stores->emplace(path, SimulatedStore{path, engine->release()}).first->second;
}

void RawScanEvents(benchmark::State& state, const SimulatedStore& store) {
  const uint64_t events = store.engine->log().head().sequence;
  rocksdb::Options options;
  std::vector<std::string> names;
  if (!rocksdb::DB::ListColumnFamilies(options, store.path, &names).ok()) std::abort();
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(options, store.path, families, &handles, &db).ok()) {
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
  state.counters["events"] = static_cast<double>(events);
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

}  // namespace hotline::bench
