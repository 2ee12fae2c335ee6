#include "bench/raw_write.h"

#include <atomic>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_dir.h"
#include "rocksdb/db.h"
#include "store/keys.h"

namespace hotline::bench {
namespace {

constexpr size_t kValueBytes = 250;

}  // namespace

void RawWrite(benchmark::State& state, bool sync) {
  static std::atomic<uint64_t> seq{0};
  rocksdb::Options o;
  o.create_if_missing = true;
  o.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, o}, {"events", o}, {"streams", o}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  if (!rocksdb::DB::Open(o, FreshDir("raw"), families, &handles, &db).ok()) std::abort();
  const std::string value(kValueBytes, 'v');
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  for (auto _ : state) {
    const uint64_t s = ++seq;
    rocksdb::WriteBatch batch;
    batch.Put(handles[1], store::SequenceKey(s), value);
    batch.Put(handles[2], store::StreamKey(absl::StrCat("T-", s % 1000), s), store::SequenceKey(s));
    if (!db->Write(wo, &batch).ok()) state.SkipWithError("write");
  }
  state.SetItemsProcessed(state.iterations());
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  delete db;
}

}  // namespace hotline::bench
