// I/O errors under the store, injected by tests/fault_injection_fs.h: a
// failed WAL write or sync fails that append and every later one on the same
// EventLog until it is reopened; a failed flush, compaction or open is
// reported, not a crash; and after reopening on a healthy file system
// nothing acknowledged is lost and the log is consistent.

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/event_log.h"
#include "tests/fault_injection_fs.h"
#include "tests/faulty_store.h"

namespace hotline::store {
namespace {

using hotline::testing::AppendAcked;
using hotline::testing::Attempt;
using hotline::testing::ExpectConsistent;
using hotline::testing::Failure;
using hotline::testing::FaultyStore;
using hotline::testing::FsOp;
using hotline::testing::MakeAttempt;
using hotline::testing::MustOpen;
using hotline::testing::Request;
using ::testing::HasSubstr;

// After the injected fault fails an append (made here unless `append` is
// false), that append reports it, and so does every later append on the
// same EventLog: a log whose last write may or may not be on disk must not
// go on as if it knew.
void ExpectFailsAndStaysFailed(EventLog* log, Attempt* failing, std::vector<Attempt>* attempts,
                               const std::string& tag, bool append = true) {
  if (append) failing->result = log->Append(Request(*failing));
  ASSERT_FALSE(failing->result.ok()) << "the injected fault did not fail the append";
  const absl::Status first = failing->result.status();
  EXPECT_EQ(first.code(), absl::StatusCode::kInternal) << first;
  EXPECT_THAT(std::string(first.message()), HasSubstr("injected fault")) << first;
  attempts->push_back(*failing);
  for (int i = 0; i < 3; ++i) {
    Attempt later = MakeAttempt(tag + "-later", 7, i);
    later.result = log->Append(Request(later));
    EXPECT_FALSE(later.result.ok()) << "append " << i << " after the failure succeeded";
    if (!later.result.ok()) {
      EXPECT_EQ(later.result.status().code(), first.code()) << later.result.status();
      EXPECT_THAT(std::string(later.result.status().message()), HasSubstr("injected fault"))
          << "append " << i << " after the failure: " << later.result.status();
    }
    attempts->push_back(std::move(later));
  }
}

// Reopens on the healthy file system; checks consistency and that nothing
// acknowledged is lost; retries `failing` with its command id, which must
// either find the append whole or make it now.
void ExpectRecovered(FaultyStore& store, const std::vector<Attempt>& attempts,
                     const Attempt& failing, const std::string& context) {
  std::unique_ptr<EventLog> log = MustOpen(store.path(), store.Faulty(true));
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(ExpectConsistent(*log, attempts, context), 0) << context << ": acknowledged lost";
  absl::StatusOr<std::optional<AppendResult>> before = log->FindCommand(failing.command_id);
  ASSERT_TRUE(before.ok()) << before.status();
  absl::StatusOr<AppendResult> retried = log->Append(Request(failing));
  ASSERT_TRUE(retried.ok()) << context << ": retry: " << retried.status();
  EXPECT_EQ(retried->duplicate, before->has_value()) << context;
  if (before->has_value()) {
    EXPECT_EQ(retried->first_sequence, (*before)->first_sequence);
  }
  std::vector<Attempt> all = attempts;
  Attempt again = failing;
  again.result = retried;
  all.push_back(again);
  EXPECT_EQ(ExpectConsistent(*log, all, context + " after the retry"), 0);
}

struct WalFault {
  FsOp op;
  bool power_cut_after;  // else reopen with the page cache intact
  const char* name;
};

// A WAL write or sync fails during an append. (RocksDB itself refuses
// writes after such an error, so this passes with or without the
// EventLog's own rule; the retryable test below is the one that tells.)
TEST(IoErrorTest, WalFaultFailsTheAppendAndEveryLaterOne) {
  for (const WalFault& f : {WalFault{FsOp::kWrite, false, "write"},
                            WalFault{FsOp::kWrite, true, "write, then power cut"},
                            WalFault{FsOp::kSync, false, "sync"},
                            WalFault{FsOp::kSync, true, "sync, then power cut"}}) {
    SCOPED_TRACE(f.name);
    FaultyStore store;
    std::unique_ptr<EventLog> log = MustOpen(store.path(), store.Faulty(true));
    ASSERT_NE(log, nullptr);
    std::vector<Attempt> attempts = AppendAcked(log.get(), "before", 10);
    store.fs().FailNext(f.op, ".log");
    Attempt failing = MakeAttempt("failing", 1, 0);
    ExpectFailsAndStaysFailed(log.get(), &failing, &attempts, "failing");
    EXPECT_EQ(store.fs().faults_fired(), 1);
    if (f.power_cut_after) {
      store.Cut(std::move(log));
    } else {
      log.reset();
    }
    ExpectRecovered(store, attempts, failing, f.name);
  }
}

// The same with an error the file system marks retryable: RocksDB then
// resumes writing by itself in the background (it flushes the memtables and
// starts a new WAL), so only the EventLog can keep refusing appends until
// it is reopened, as its contract says: it cannot know whether the failed
// append is on disk.
TEST(IoErrorTest, RetryableWalFaultStillFailsLaterAppendsUntilReopen) {
  for (FsOp op : {FsOp::kWrite, FsOp::kSync}) {
    SCOPED_TRACE(op == FsOp::kWrite ? "write" : "sync");
    FaultyStore store;
    std::unique_ptr<EventLog> log = MustOpen(store.path(), store.Faulty(true));
    ASSERT_NE(log, nullptr);
    std::vector<Attempt> attempts = AppendAcked(log.get(), "before", 10);
    store.fs().FailNext(op, ".log", 0, Failure::kRetryableError);
    Attempt failing = MakeAttempt("failing", 1, 0);
    failing.result = log->Append(Request(failing));
    // Give RocksDB's recovery thread time to resume (it takes milliseconds).
    // Closing while it runs hangs RocksDB 7.8's Close (RocksDB issue #11440,
    // fixed in 8.7), so this wait also keeps the test from hanging.
    absl::SleepFor(absl::Seconds(1));
    ExpectFailsAndStaysFailed(log.get(), &failing, &attempts, "failing", /*append=*/false);
    log.reset();
    ExpectRecovered(store, attempts, failing, "retryable");
  }
}

struct BackgroundFault {
  FsOp op;
  const char* path_part;
  int skip;
};

// A flush or compaction fails (its SST, its MANIFEST record, the new WAL of
// a memtable switch): appends report the error rather than crash, and the
// store reopens consistent with everything acknowledged.
TEST(IoErrorTest, FailedFlushOrCompactionIsReportedAndRecovers) {
  for (const BackgroundFault& f : {
           BackgroundFault{FsOp::kSync, ".sst", 0},
           BackgroundFault{FsOp::kSync, ".sst", 3},
           BackgroundFault{FsOp::kSync, ".sst", 8},
           BackgroundFault{FsOp::kWrite, ".sst", 0},
           BackgroundFault{FsOp::kNewFile, ".sst", 5},
           BackgroundFault{FsOp::kNewFile, ".log", 0},
           BackgroundFault{FsOp::kSync, "MANIFEST", 0},
           BackgroundFault{FsOp::kDirSync, "", 0},
       }) {
    const std::string context = absl::StrCat("fault in op ", static_cast<int>(f.op), " on '",
                                             f.path_part, "' after ", f.skip);
    SCOPED_TRACE(context);
    FaultyStore store;
    Options options = store.Faulty(true);
    options.memtable_bytes = 128 << 10;  // a flush every ~32 KiB of one family
    std::unique_ptr<EventLog> log = MustOpen(store.path(), options);
    ASSERT_NE(log, nullptr);
    store.fs().FailNext(f.op, f.path_part, f.skip);
    std::vector<Attempt> attempts;
    absl::Status first_error;
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    for (int n = 0; n < 20000 && absl::Now() < deadline; ++n) {
      Attempt a = MakeAttempt("bg", n % 5, n, 300);
      a.result = log->Append(Request(a));
      attempts.push_back(a);
      if (!a.result.ok()) {
        first_error = a.result.status();
        break;
      }
    }
    ASSERT_EQ(store.fs().faults_fired(), 1) << "the fault never fired";
    ASSERT_FALSE(first_error.ok()) << "no append reported the failed background write";
    EXPECT_EQ(first_error.code(), absl::StatusCode::kInternal) << first_error;
    EXPECT_THAT(std::string(first_error.message()), HasSubstr("injected fault")) << first_error;
    Attempt later = MakeAttempt("bg-later", 9, 0);
    later.result = log->Append(Request(later));
    EXPECT_FALSE(later.result.ok()) << "an append after the failure succeeded";
    attempts.push_back(later);
    log.reset();
    ExpectRecovered(store, attempts, attempts[attempts.size() - 2], context);
  }
}

struct OpenFault {
  FsOp op;
  const char* path_part;
  int skip;
  // RocksDB only warns when it cannot write an OPTIONS file
  // (fail_if_options_file_error is off), and ignores a failure to reopen
  // the old WAL to trim its preallocated tail.
  bool must_fail;
};

// Opening replays the WAL into SSTs and writes a new WAL, MANIFEST and
// CURRENT (and OPTIONS); a failure there fails Open with the file system's
// message, or is ignored, and either way the store reopens as it was.
TEST(IoErrorTest, FailedOpenLeavesTheStoreAsItWas) {
  for (const OpenFault& f : {
           OpenFault{FsOp::kRename, "CURRENT", 0, true},
           OpenFault{FsOp::kSync, "MANIFEST", 0, true},
           OpenFault{FsOp::kWrite, "MANIFEST", 0, true},
           OpenFault{FsOp::kNewFile, "MANIFEST", 0, true},
           OpenFault{FsOp::kSync, ".sst", 0, true},
           OpenFault{FsOp::kNewFile, ".log", 0, false},  // the old WAL, reopened
           OpenFault{FsOp::kNewFile, ".log", 1, true},   // the new WAL
           OpenFault{FsOp::kRename, "OPTIONS", 0, false},
           OpenFault{FsOp::kDirSync, "", 0, true},
       }) {
    for (bool cut : {false, true}) {
      const std::string context = absl::StrCat("fault in op ", static_cast<int>(f.op), " on '",
                                               f.path_part, "' after ", f.skip,
                                               cut ? ", then power cut" : "");
      SCOPED_TRACE(context);
      FaultyStore store;
      std::vector<Attempt> attempts;
      {
        std::unique_ptr<EventLog> log = MustOpen(store.path(), store.Faulty(true));
        ASSERT_NE(log, nullptr);
        attempts = AppendAcked(log.get(), "before", 20);
      }
      store.fs().FailNext(f.op, f.path_part, f.skip);
      absl::StatusOr<std::unique_ptr<EventLog>> failed =
          EventLog::Open(store.path(), store.Faulty(true));
      EXPECT_EQ(store.fs().faults_fired(), 1) << "the fault never fired";
      if (f.must_fail) {
        EXPECT_FALSE(failed.ok()) << "Open succeeded despite the fault";
      }
      if (!failed.ok()) {
        EXPECT_EQ(failed.status().code(), absl::StatusCode::kInternal) << failed.status();
        EXPECT_THAT(std::string(failed.status().message()), HasSubstr("injected fault"));
      }
      if (cut) {
        store.fs().SetDead(true);
        if (failed.ok()) failed->reset();
        ASSERT_TRUE(store.fs().PowerCut().ok());
      } else if (failed.ok()) {
        failed->reset();
      }
      std::unique_ptr<EventLog> log = MustOpen(store.path(), store.Faulty(true));
      ASSERT_NE(log, nullptr);
      EXPECT_EQ(ExpectConsistent(*log, attempts, context), 0);
      Attempt after = MakeAttempt("after", 0, 0);
      after.result = log->Append(Request(after));
      EXPECT_TRUE(after.result.ok()) << after.result.status();
    }
  }
}

// Repeats of one command id that queue behind a commit share the next
// group; when that group's write fails, a repeat must not report the
// "duplicate" of the append that was never written.
TEST(IoErrorGroupTest, RepeatsOfACommandInAFailedGroupFailToo) {
  FaultyStore store;
  std::unique_ptr<EventLog> log = MustOpen(store.path(), store.Faulty(/*sync=*/true));
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(log->Append(Request(MakeAttempt("warm", 1, 0))).ok());
  // Hold a commit in its WAL sync while the repeats queue behind it.
  store.fs().HoldNext(FsOp::kSync, ".log");
  std::thread first([&] { EXPECT_TRUE(log->Append(Request(MakeAttempt("held", 1, 1))).ok()); });
  store.fs().WaitUntilHeld();
  constexpr int kRepeats = 12;
  const Attempt repeat = MakeAttempt("repeat", 2, 0);
  std::vector<absl::StatusOr<AppendResult>> results(kRepeats, absl::UnknownError("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kRepeats; ++i) {
    threads.emplace_back([&, i] { results[i] = log->Append(Request(repeat)); });
  }
  absl::SleepFor(absl::Milliseconds(100));  // the repeats queue
  store.fs().FailNext(FsOp::kWrite, ".log");  // the repeats' group's write
  store.fs().Release();
  first.join();
  for (auto& t : threads) t.join();
  for (int i = 0; i < kRepeats; ++i) {
    EXPECT_FALSE(results[i].ok()) << "repeat " << i << " answered OK"
                                  << (results[i].ok() && results[i]->duplicate ? " (duplicate)" : "")
                                  << " though its group's write failed";
  }
  EXPECT_EQ(store.fs().faults_fired(), 1);
  log.reset();
  std::unique_ptr<EventLog> reopened = MustOpen(store.path(), store.Faulty(true));
  ASSERT_NE(reopened, nullptr);
  EXPECT_FALSE(reopened->FindCommand(repeat.command_id)->has_value());
}

}  // namespace
}  // namespace hotline::store
