// DueBefore / Overdue answer from the timer index: their cost must not grow
// with the number of closed tickets. Each query returns the same 1000 due
// deadlines from a store that also holds 1k or 1M closed tickets; the raw
// baseline seeks and reads 1000 keys of a RocksDB holding as many others.

#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "bench/bench_commands.h"
#include "bench/bench_dir.h"
#include "benchmark/benchmark.h"
#include "engine/engine.h"
#include "engine/time_util.h"
#include "rocksdb/db.h"
#include "store/keys.h"

namespace hotline::bench {
namespace {

constexpr int kDue = 1000;

absl::Time T0() { return absl::FromCivil(absl::CivilSecond(2022, 6, 1, 9, 0, 0), absl::UTCTimeZone()); }

hotline::v1::Command Base(const std::string& id, const std::string& ticket,
                          hotline::v1::Role::Value role, absl::Time at) {
  hotline::v1::Command c;
  c.set_command_id(id);
  c.set_ticket_id(ticket);
  *c.mutable_at() = engine::ToProto(at);
  c.mutable_actor()->set_id("bench");
  c.mutable_actor()->set_role(role);
  return c;
}


// An engine holding `closed` withdrawn tickets and kDue dispatched ones.
engine::Engine* Populated(int64_t closed) {
  static auto* engines = new std::map<int64_t, std::unique_ptr<engine::Engine>>();
  auto& slot = (*engines)[closed];
  if (slot) return slot.get();
  engine::EngineOptions options;
  options.sync = false;
  options.backfill = true;
  options.clock = [] { return T0() + absl::Hours(24 * 365); };
  slot = *engine::Engine::Open(FreshDir(absl::StrCat("timers", closed)), options);
  auto unit = Base("u", "", hotline::v1::Role::ADMIN, T0());
  unit.mutable_register_unit()->set_unit_id("U01");
  unit.mutable_register_unit()->set_name("单位");
  unit.mutable_register_unit()->set_kind(hotline::v1::UnitKind::DEPARTMENT);
  if (!slot->Execute(unit).ok()) std::abort();
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int64_t i = t; i < closed; i += 2) {
        const std::string id = absl::StrCat("C-", i);
        auto withdraw = Base("w-" + id, id, hotline::v1::Role::OPERATOR, T0());
        withdraw.mutable_withdraw()->set_reason("撤单");
        if (!slot->Execute(ReceiveCommand(id, T0())).ok() || !slot->Execute(withdraw).ok()) {
          std::abort();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int i = 0; i < kDue; ++i) {
    const std::string id = absl::StrCat("D-", i);
    auto dispatch = Base("d-" + id, id, hotline::v1::Role::DISPATCHER, T0());
    dispatch.mutable_dispatch()->set_lead_unit("U01");
    if (!slot->Execute(ReceiveCommand(id, T0())).ok() || !slot->Execute(dispatch).ok()) std::abort();
  }
  return slot.get();
}

void BM_EngineDueBefore(benchmark::State& state) {
  engine::Engine* e = Populated(state.range(0));
  const absl::Time later = T0() + absl::Hours(24 * 30);
  for (auto _ : state) {
    auto due = e->DueBefore(later);
    if (!due.ok() || due->size() != 2 * kDue) state.SkipWithError("wrong answer");
    benchmark::DoNotOptimize(due);
  }
  state.SetItemsProcessed(state.iterations() * 2 * kDue);
  state.counters["closed_tickets"] = static_cast<double>(state.range(0));
}
BENCHMARK(BM_EngineDueBefore)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

void BM_EngineOverdue(benchmark::State& state) {
  engine::Engine* e = Populated(state.range(0));
  const absl::Time later = T0() + absl::Hours(24 * 30);
  for (auto _ : state) {
    auto overdue = e->Overdue(later);
    if (!overdue.ok() || overdue->size() != 2 * kDue) state.SkipWithError("wrong answer");
    benchmark::DoNotOptimize(overdue);
  }
  state.SetItemsProcessed(state.iterations() * 2 * kDue);
}
BENCHMARK(BM_EngineOverdue)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

// Raw RocksDB: seek into a key range and read 2 * kDue keys, beside `others`.
void BM_RawSeekAndRead(benchmark::State& state) {
  static auto* dbs = new std::map<int64_t, rocksdb::DB*>();
  rocksdb::DB*& db = (*dbs)[state.range(0)];
  if (db == nullptr) {
    rocksdb::Options o;
    o.create_if_missing = true;
    if (!rocksdb::DB::Open(o, FreshDir(absl::StrCat("rawseek", state.range(0))), &db).ok()) {
      std::abort();
    }
    rocksdb::WriteBatch batch;
    for (int64_t i = 0; i < state.range(0); ++i) {
      batch.Put(absl::StrCat("closed/", i), std::string(100, 'v'));
      if (batch.Count() == 10000) {
        if (!db->Write(rocksdb::WriteOptions(), &batch).ok()) std::abort();
        batch.Clear();
      }
    }
    for (int i = 0; i < 2 * kDue; ++i) batch.Put(store::SequenceKey(i), "U01");
    if (!db->Write(rocksdb::WriteOptions(), &batch).ok()) std::abort();
  }
  for (auto _ : state) {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
    int n = 0;
    for (it->Seek(store::SequenceKey(0)); it->Valid() && n < 2 * kDue; it->Next()) {
      benchmark::DoNotOptimize(it->value().size());
      ++n;
    }
    if (n != 2 * kDue) state.SkipWithError("short");
  }
  state.SetItemsProcessed(state.iterations() * 2 * kDue);
}
BENCHMARK(BM_RawSeekAndRead)->Arg(1000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace hotline::bench

BENCHMARK_MAIN();
