#include "tests/faulty_store.h"

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"

namespace hotline::testing {

using store::AppendRequest;
using store::AppendResult;
using store::ChainReport;
using store::EventLog;
using store::ExtraWrite;
using store::Family;
using store::Head;
using store::Options;
using store::Record;

FaultyStore::FaultyStore()
    : fs_(std::make_shared<FaultInjectionFs>()), env_(NewFaultInjectionEnv(fs_)) {}

Options FaultyStore::Faulty(bool sync) const {
  Options options;
  options.sync = sync;
  options.env = env_.get();
  return options;
}

PowerCutReport FaultyStore::Cut(std::unique_ptr<EventLog> log,
                                std::mt19937_64* keep_random_tail) {
  // Dead first, so that closing can neither write nor sync.
  fs_->SetDead(true);
  log.reset();
  absl::StatusOr<PowerCutReport> report = fs_->PowerCut(keep_random_tail);
  EXPECT_TRUE(report.ok()) << report.status();
  return report.value_or(PowerCutReport{});
}

std::unique_ptr<EventLog> MustOpen(const std::string& path, const Options& options) {
  absl::StatusOr<std::unique_ptr<EventLog>> log = EventLog::Open(path, options);
  EXPECT_TRUE(log.ok()) << log.status();
  return log.ok() ? *std::move(log) : nullptr;
}

Attempt MakeAttempt(const std::string& tag, int stream, int n, size_t pad) {
  Attempt a;
  a.stream_id = absl::StrCat("stream-", stream);
  a.command_id = absl::StrCat(tag, "/s", stream, "/n", n);
  a.payload = absl::StrCat(a.command_id, "|", std::string(pad, 'p'));
  return a;
}

AppendRequest Request(const Attempt& a) {
  AppendRequest r;
  r.stream_id = a.stream_id;
  r.command_id = a.command_id;
  r.payloads = {a.payload};
  r.extra_writes.push_back(ExtraWrite{Family::kState, a.stream_id, a.payload});
  return r;
}

std::vector<Attempt> AppendAcked(EventLog* log, const std::string& tag, int n) {
  std::vector<Attempt> done;
  for (int i = 0; i < n; ++i) {
    Attempt a = MakeAttempt(tag, i % 3, i);
    a.result = log->Append(Request(a));
    EXPECT_TRUE(a.result.ok()) << a.result.status();
    done.push_back(std::move(a));
  }
  return done;
}

std::vector<Attempt> AppendUntilFailure(EventLog* log, const std::string& tag, int threads,
                                        size_t pad) {
  absl::Mutex mu;
  std::vector<Attempt> all;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int n = 0; n < 20000; ++n) {
        Attempt a = MakeAttempt(tag, t, n, pad);
        a.result = log->Append(Request(a));
        const bool ok = a.result.ok();
        absl::MutexLock lock(&mu);
        all.push_back(std::move(a));
        if (!ok) return;
      }
    });
  }
  for (auto& w : workers) w.join();
  return all;
}

int Acknowledged(const std::vector<Attempt>& attempts) {
  return std::count_if(attempts.begin(), attempts.end(),
                       [](const Attempt& a) { return a.result.ok(); });
}

int ExpectConsistent(const EventLog& log, const std::vector<Attempt>& attempts,
                     const std::string& context) {
  SCOPED_TRACE(context);
  absl::StatusOr<ChainReport> chain = log.VerifyChain();
  EXPECT_TRUE(chain.ok()) << chain.status();
  if (!chain.ok()) return 0;
  EXPECT_TRUE(chain->ok()) << "sequence " << chain->fault->sequence << ": "
                           << chain->fault->what;
  const Head head = log.head();
  EXPECT_EQ(chain->records, head.sequence);
  if (head.sequence > 0) {
    absl::StatusOr<Record> last = log.Read(head.sequence);
    EXPECT_TRUE(last.ok()) << last.status();
    if (last.ok()) {
      EXPECT_EQ(last->hash, head.hash) << "head is not the last record";
    }
  }
  EXPECT_EQ(log.Read(head.sequence + 1).status().code(), absl::StatusCode::kNotFound)
      << "a record past the head";

  std::vector<std::string> streams;
  for (const Attempt& a : attempts) streams.push_back(a.stream_id);
  std::sort(streams.begin(), streams.end());
  streams.erase(std::unique(streams.begin(), streams.end()), streams.end());
  for (const std::string& stream : streams) {
    absl::StatusOr<std::vector<Record>> records = log.ReadStream(stream);
    EXPECT_TRUE(records.ok()) << records.status();
    if (!records.ok()) continue;
    for (size_t i = 0; i < records->size(); ++i) {
      EXPECT_EQ((*records)[i].stream_version, i + 1) << stream;
    }
    absl::StatusOr<uint64_t> version = log.StreamVersion(stream);
    EXPECT_TRUE(version.ok());
    EXPECT_EQ(version.value_or(0), records->size()) << stream;
    absl::StatusOr<std::optional<std::string>> projection = log.Get(Family::kState, stream);
    EXPECT_TRUE(projection.ok());
    const std::optional<std::string> want =
        records->empty() ? std::nullopt : std::optional<std::string>(records->back().payload);
    EXPECT_EQ(projection.value_or(std::nullopt), want) << "projection of " << stream;
  }

  int lost = 0;
  for (const Attempt& a : attempts) {
    absl::StatusOr<std::optional<AppendResult>> found = log.FindCommand(a.command_id);
    EXPECT_TRUE(found.ok()) << a.command_id << ": " << found.status();
    if (!found.ok()) continue;
    if (found->has_value()) {
      EXPECT_EQ((*found)->count, 1u) << a.command_id;
      absl::StatusOr<Record> record = log.Read((*found)->first_sequence);
      EXPECT_TRUE(record.ok()) << a.command_id << ": " << record.status();
      if (record.ok()) {
        EXPECT_EQ(record->command_id, a.command_id);
        EXPECT_EQ(record->stream_id, a.stream_id);
        EXPECT_EQ(record->payload, a.payload);
      }
    }
    if (!a.result.ok()) continue;
    if (a.result->first_sequence <= head.sequence) {
      EXPECT_TRUE(found->has_value())
          << a.command_id << " acknowledged at " << a.result->first_sequence
          << " is missing, though the log reaches " << head.sequence;
      if (found->has_value()) {
        EXPECT_EQ((*found)->first_sequence, a.result->first_sequence) << a.command_id;
      }
    } else {
      EXPECT_FALSE(found->has_value()) << a.command_id << " past the head";
      ++lost;
    }
  }
  return lost;
}

}  // namespace hotline::testing
