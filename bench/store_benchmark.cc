// The event log beside raw RocksDB with the same key layout.
//
// BM_Raw* write what the store writes at minimum for one event: a 250-byte
// value under an 8-byte big-endian sequence key in `events` plus a stream
// index entry in `streams`, with the same RocksDB options. BM_Store* go
// through EventLog::Append / Scan with 250-byte payloads, which adds the
// record header, SHA-256 chaining, the command-id record, the stream-version
// lookup and the head record. Ratios of the two are in docs/benchmarks.md.

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_dir.h"
#include "benchmark/benchmark.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "store/event_log.h"
#include "store/keys.h"

namespace hotline::bench {
namespace {

constexpr size_t kValueBytes = 250;
constexpr int kStreams = 1000;
constexpr uint64_t kScanEvents = 200000;

const std::string& Value() {
  static const std::string* v = new std::string(kValueBytes, 'v');
  return *v;
}

// Raw RocksDB with the `events` and `streams` families, as the store opens it.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    rocksdb::Options o;
    o.create_if_missing = true;
    o.create_missing_column_families = true;
    o.IncreaseParallelism(2);
    o.compression = rocksdb::kLZ4Compression;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(32 << 20);
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, o}, {"events", o}, {"streams", o}};
    rocksdb::DB* db = nullptr;
    if (!rocksdb::DB::Open(o, path, families, &handles_, &db).ok()) std::abort();
    db_.reset(db);
  }
  ~RawDb() {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  }
  // Adds one event (record + stream index entry) to `batch`.
  void Add(rocksdb::WriteBatch* batch, uint64_t sequence) {
    const std::string key = store::SequenceKey(sequence);
    batch->Put(handles_[1], key, Value());
    batch->Put(handles_[2],
               store::StreamKey(absl::StrCat("T-", sequence % kStreams), sequence),
               key);
  }
  rocksdb::DB* db() { return db_.get(); }
  rocksdb::ColumnFamilyHandle* events() { return handles_[1]; }

 private:
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<rocksdb::DB> db_;
};

void RawWrite(benchmark::State& state, RawDb* raw, std::atomic<uint64_t>* seq,
              int events_per_batch, bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  for (auto _ : state) {
    rocksdb::WriteBatch batch;
    for (int i = 0; i < events_per_batch; ++i) raw->Add(&batch, ++*seq);
    if (!raw->db()->Write(wo, &batch).ok()) state.SkipWithError("write failed");
  }
  state.SetItemsProcessed(state.iterations() * events_per_batch);
}

void BM_RawWriteBatchPerEvent(benchmark::State& state) {
  RawDb raw(FreshDir("raw1"));
  std::atomic<uint64_t> seq{0};
  RawWrite(state, &raw, &seq, 1, false);
}
BENCHMARK(BM_RawWriteBatchPerEvent);

void BM_RawWriteBatchPer100Events(benchmark::State& state) {
  RawDb raw(FreshDir("raw100"));
  std::atomic<uint64_t> seq{0};
  RawWrite(state, &raw, &seq, 100, false);
}
BENCHMARK(BM_RawWriteBatchPer100Events);

void BM_RawSyncPerEvent(benchmark::State& state) {
  // Shared across threads: RocksDB's own write grouping applies when >1.
  static RawDb* raw = new RawDb(FreshDir("rawsync"));
  static std::atomic<uint64_t> seq{0};
  RawWrite(state, raw, &seq, 1, true);
}
BENCHMARK(BM_RawSyncPerEvent)->UseRealTime();
BENCHMARK(BM_RawSyncPerEvent)->Threads(8)->UseRealTime();

std::unique_ptr<store::EventLog> OpenLog(const std::string& name, bool sync, bool tree = true) {
  store::Options options;
  options.sync = sync;
  options.merkle_tree = tree;
  auto log = store::EventLog::Open(FreshDir(name), options);
  if (!log.ok()) std::abort();
  return std::move(log).value();
}

store::AppendRequest Request(uint64_t n, int events) {
  store::AppendRequest r;
  r.stream_id = absl::StrCat("T-", n % kStreams);
  r.command_id = absl::StrCat("c-", n);
  r.payloads.assign(events, Value());
  return r;
}

void StoreAppend(benchmark::State& state, store::EventLog* log,
                 std::atomic<uint64_t>* n, int events) {
  for (auto _ : state) {
    if (!log->Append(Request(++*n, events)).ok()) state.SkipWithError("append");
  }
  state.SetItemsProcessed(state.iterations() * events);
}

void BM_StoreAppend(benchmark::State& state) {
  auto log = OpenLog("append", false);
  std::atomic<uint64_t> n{0};
  StoreAppend(state, log.get(), &n, 1);
}
BENCHMARK(BM_StoreAppend);

void BM_StoreAppendBatch100(benchmark::State& state) {
  auto log = OpenLog("append100", false);
  std::atomic<uint64_t> n{0};
  StoreAppend(state, log.get(), &n, 100);
}
BENCHMARK(BM_StoreAppendBatch100);

void BM_StoreAppendSync(benchmark::State& state) {
  // One log shared by the benchmark's threads: concurrent appends are
  // committed in groups, one fsync per group.
  static store::EventLog* log = OpenLog("appendsync", true).release();
  static std::atomic<uint64_t> n{0};
  StoreAppend(state, log, &n, 1);
}
BENCHMARK(BM_StoreAppendSync)->UseRealTime();
BENCHMARK(BM_StoreAppendSync)->Threads(8)->UseRealTime();

// The cost of the Merkle tree (Options::merkle_tree): the appends above
// again without it, in the same run.
void BM_StoreAppendNoTree(benchmark::State& state) {
  auto log = OpenLog("append-notree", false, /*tree=*/false);
  std::atomic<uint64_t> n{0};
  StoreAppend(state, log.get(), &n, 1);
}
BENCHMARK(BM_StoreAppendNoTree);

void BM_StoreAppendSyncNoTree(benchmark::State& state) {
  static store::EventLog* log = OpenLog("appendsync-notree", true, /*tree=*/false).release();
  static std::atomic<uint64_t> n{0};
  StoreAppend(state, log, &n, 1);
}
BENCHMARK(BM_StoreAppendSyncNoTree)->Threads(8)->UseRealTime();

// A log of kScanEvents events, written once and shared by the scans.
store::EventLog* WrittenLog(const std::string& name, bool tree) {
  store::EventLog* l = OpenLog(name, false, tree).release();
  for (uint64_t n = 0; n < kScanEvents / 100; ++n) {
    if (!l->Append(Request(n, 100)).ok()) std::abort();
  }
  return l;
}

store::EventLog* ScanLog() {
  static store::EventLog* log = WrittenLog("scan", true);
  return log;
}

void BM_RawScan(benchmark::State& state) {
  // The same log's `events` family, read with a plain iterator.
  static RawDb* raw = [] {
    RawDb* r = new RawDb(FreshDir("rawscan"));
    uint64_t seq = 0;
    for (uint64_t b = 0; b < kScanEvents / 100; ++b) {
      rocksdb::WriteBatch batch;
      for (int i = 0; i < 100; ++i) r->Add(&batch, ++seq);
      if (!r->db()->Write(rocksdb::WriteOptions(), &batch).ok()) std::abort();
    }
    return r;
  }();
  for (auto _ : state) {
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    ro.readahead_size = 2 << 20;
    std::unique_ptr<rocksdb::Iterator> it(raw->db()->NewIterator(ro, raw->events()));
    uint64_t count = 0, bytes = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      bytes += it->value().size();
      ++count;
    }
    benchmark::DoNotOptimize(bytes);
    if (count != kScanEvents) state.SkipWithError("short scan");
  }
  state.SetItemsProcessed(state.iterations() * kScanEvents);
}
BENCHMARK(BM_RawScan)->Unit(benchmark::kMillisecond);

void BM_StoreScan(benchmark::State& state) {
  store::EventLog* log = ScanLog();
  for (auto _ : state) {
    uint64_t count = 0, bytes = 0;
    absl::Status s = log->Scan(1, UINT64_MAX, [&](const store::Record& r) {
      bytes += r.payload.size();
      ++count;
      return absl::OkStatus();
    });
    benchmark::DoNotOptimize(bytes);
    if (!s.ok() || count != kScanEvents) state.SkipWithError("scan");
  }
  state.SetItemsProcessed(state.iterations() * kScanEvents);
}
BENCHMARK(BM_StoreScan)->Unit(benchmark::kMillisecond);

// `hotline verify`'s chain walk, which also checks every stored tree node,
// beside the same walk over a log written without the tree.
void VerifyChain(benchmark::State& state, store::EventLog* log) {
  for (auto _ : state) {
    auto report = log->VerifyChain();
    if (!report.ok() || !report->ok()) state.SkipWithError("verify");
  }
  state.SetItemsProcessed(state.iterations() * kScanEvents);
}
void BM_VerifyChain(benchmark::State& state) { VerifyChain(state, ScanLog()); }
BENCHMARK(BM_VerifyChain)->Unit(benchmark::kMillisecond);
void BM_VerifyChainNoTree(benchmark::State& state) {
  static store::EventLog* log = WrittenLog("scan-notree", false);
  VerifyChain(state, log);
}
BENCHMARK(BM_VerifyChainNoTree)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace hotline::bench

BENCHMARK_MAIN();
