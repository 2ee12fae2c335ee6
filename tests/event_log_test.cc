// Single-threaded contract of store/event_log.h.

#include "store/event_log.h"

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "store/keys.h"
#include "store/rocks_status.h"
#include "store/subscription.h"
#include "tests/raw_rocks.h"
#include "tests/temp_dir.h"

namespace hotline::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::unique_ptr<EventLog> OpenLog(const std::string& path, Options options = {}) {
  options.sync = false;  // durability has its own crash test
  auto log = EventLog::Open(path, options);
  EXPECT_TRUE(log.ok()) << log.status();
  return std::move(log).value();
}

AppendRequest Request(std::string stream, std::vector<std::string> payloads,
                      std::string command_id = "",
                      std::optional<uint64_t> expected = std::nullopt) {
  AppendRequest r;
  r.stream_id = std::move(stream);
  r.payloads = std::move(payloads);
  r.command_id = std::move(command_id);
  r.expected_version = expected;
  return r;
}

std::vector<std::string> Payloads(const std::vector<Record>& records) {
  std::vector<std::string> out;
  for (const Record& r : records) out.push_back(r.payload);
  return out;
}

class EventLogTest : public ::testing::Test {
 protected:
  hotline::testing::TempDir dir_;
  std::unique_ptr<EventLog> log_ = OpenLog(dir_.Sub("db"));
};

TEST_F(EventLogTest, AppendsAndReadsBackByStreamAndRange) {
  auto a = log_->Append(Request("T-1", {"a1", "a2"}, "c1", 0));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->first_sequence, 1u);
  EXPECT_EQ(a->count, 2u);
  EXPECT_EQ(a->stream_version, 2u);
  EXPECT_FALSE(a->duplicate);
  auto b = log_->Append(Request("T-2", {"b1"}, "c2"));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->first_sequence, 3u);
  auto c = log_->Append(Request("T-1", {"a3"}, "c3", 2));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->first_sequence, 4u);
  EXPECT_EQ(c->stream_version, 3u);

  auto stream = log_->ReadStream("T-1");
  ASSERT_TRUE(stream.ok());
  EXPECT_THAT(Payloads(*stream), ElementsAre("a1", "a2", "a3"));
  EXPECT_EQ((*stream)[2].sequence, 4u);
  EXPECT_EQ((*stream)[2].stream_version, 3u);
  EXPECT_EQ((*stream)[2].command_id, "c3");
  EXPECT_THAT(Payloads(*log_->ReadStream("T-1", 3)), ElementsAre("a3"));
  EXPECT_TRUE(log_->ReadStream("T-9")->empty());

  std::vector<std::string> seen;
  ASSERT_TRUE(log_->Scan(2, 3, [&](const Record& r) {
                    seen.push_back(absl::StrCat(r.sequence, ":", r.stream_id,
                                                ":", r.payload));
                    return absl::OkStatus();
                  }).ok());
  EXPECT_THAT(seen, ElementsAre("2:T-1:a2", "3:T-2:b1"));

  auto record = log_->Read(4);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->payload, "a3");
  EXPECT_EQ(log_->Read(5).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(*log_->StreamVersion("T-1"), 3u);
  EXPECT_EQ(*log_->StreamVersion("T-"), 0u);  // a prefix is not the stream
  // As of a log position: T-1 is at 1, 2 and 4, T-2 at 3.
  EXPECT_EQ(*log_->StreamVersionAt("T-1", 4), 3u);
  EXPECT_EQ(*log_->StreamVersionAt("T-1", 3), 2u);
  EXPECT_EQ(*log_->StreamVersionAt("T-1", 1), 1u);
  EXPECT_EQ(*log_->StreamVersionAt("T-1", 0), 0u);
  EXPECT_EQ(*log_->StreamVersionAt("T-2", 2), 0u);
  EXPECT_EQ(*log_->StreamVersionAt("T-2", 3), 1u);
  EXPECT_EQ(*log_->StreamVersionAt("T-", 4), 0u);
  EXPECT_EQ(log_->head().sequence, 4u);
  EXPECT_EQ(log_->head().hash, record->hash);
}

TEST_F(EventLogTest, ChainsEachRecordToThePrevious) {
  ASSERT_TRUE(log_->Append(Request("S", {"x", "y"})).ok());
  ASSERT_TRUE(log_->Append(Request("R", {"z"})).ok());
  auto r1 = log_->Read(1), r2 = log_->Read(2), r3 = log_->Read(3);
  EXPECT_EQ(r1->prev_hash, GenesisHash());
  EXPECT_EQ(r2->prev_hash, r1->hash);
  EXPECT_EQ(r3->prev_hash, r2->hash);
  EXPECT_NE(r1->hash, r2->hash);
  EXPECT_EQ(r1->hash, Sha256(EncodeRecord(GenesisHash(), 1, "S", 1, "", "x")
                                 .substr(0, EncodeRecord(GenesisHash(), 1, "S",
                                                         1, "", "x")
                                                    .size() - kHashBytes)));
}

TEST_F(EventLogTest, SurvivesReopenWithHeadAndChain) {
  ASSERT_TRUE(log_->Append(Request("S", {"x", "y"})).ok());
  const Head before = log_->head();
  log_.reset();
  log_ = OpenLog(dir_.Sub("db"));
  EXPECT_EQ(log_->head().sequence, before.sequence);
  EXPECT_EQ(log_->head().hash, before.hash);
  auto next = log_->Append(Request("S", {"z"}, "", 2));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->first_sequence, 3u);
  EXPECT_TRUE(log_->VerifyChain()->ok());
}

TEST_F(EventLogTest, ExpectedVersionConflictIsAbortedNamingTheVersion) {
  ASSERT_TRUE(log_->Append(Request("T-1", {"a"}, "", 0)).ok());
  auto again = log_->Append(Request("T-1", {"b"}, "", 0));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(again.status().message(), HasSubstr("at version 1"));
  auto ahead = log_->Append(Request("T-1", {"b"}, "", 5));
  EXPECT_EQ(ahead.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(log_->head().sequence, 1u);
  EXPECT_EQ(*log_->StreamVersion("T-1"), 1u);
}

TEST_F(EventLogTest, RepeatedCommandIdReturnsOriginalPositionsAndAppendsNothing) {
  ASSERT_TRUE(log_->Append(Request("A", {"a"})).ok());
  auto first = log_->Append(Request("T-1", {"x", "y"}, "cmd-1", 0));
  ASSERT_TRUE(first.ok());
  // Same id, even with a now-stale expected version and other payloads.
  auto again = log_->Append(Request("T-1", {"other"}, "cmd-1", 0));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->first_sequence, first->first_sequence);
  EXPECT_EQ(again->count, 2u);
  EXPECT_EQ(again->stream_version, 2u);
  EXPECT_EQ(log_->head().sequence, 3u);
  auto found = log_->FindCommand("cmd-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->first_sequence, 2u);
  EXPECT_FALSE(log_->FindCommand("cmd-2")->has_value());
}

TEST_F(EventLogTest, RefusesBadInputAndAppendsNothing) {
  Options options;
  const std::string too_long_id(options.max_stream_id_bytes + 1, 's');
  const std::string huge(options.max_payload_bytes + 1, 'p');
  struct Case {
    AppendRequest request;
    std::string field;
  };
  AppendRequest with_extra = Request("S", {"x"});
  with_extra.extra_writes.push_back({Family::kState, "", "v"});
  std::vector<Case> cases = {
      {Request("", {"x"}), "stream_id"},
      {Request(too_long_id, {"x"}), "stream_id"},
      {Request(std::string("a\0b", 3), {"x"}), "stream_id"},
      {Request("S", {}), "payloads"},
      {Request("S", {"ok", huge}), "payloads[1]"},
      {Request("S", {"x"}, std::string(options.max_command_id_bytes + 1, 'c')),
       "command_id"},
      {with_extra, "extra_writes[0].key"},
  };
  for (const Case& c : cases) {
    auto result = log_->Append(c.request);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument)
        << c.field;
    EXPECT_THAT(result.status().message(), HasSubstr(c.field));
  }
  EXPECT_EQ(log_->head().sequence, 0u);
  EXPECT_FALSE(log_->Get(Family::kState, "")->has_value());
}

TEST_F(EventLogTest, ExtraWritesCommitOnlyWithTheirEvents) {
  AppendRequest ok = Request("T-1", {"a"}, "", 0);
  ok.extra_writes.push_back({Family::kState, "T-1", "state-v1"});
  ok.extra_writes.push_back({Family::kProjections, "timers/T-1", "due"});
  ASSERT_TRUE(log_->Append(ok).ok());
  AppendRequest refused = Request("T-1", {"b"}, "", 0);  // stale version
  refused.extra_writes.push_back({Family::kState, "T-1", "state-v2"});
  EXPECT_FALSE(log_->Append(refused).ok());
  EXPECT_EQ(**log_->Get(Family::kState, "T-1"), "state-v1");
  AppendRequest remove = Request("T-1", {"c"}, "", 1);
  remove.extra_writes.push_back({Family::kProjections, "timers/T-1", std::nullopt});
  ASSERT_TRUE(log_->Append(remove).ok());
  EXPECT_FALSE(log_->Get(Family::kProjections, "timers/T-1")->has_value());
}

TEST_F(EventLogTest, CheckpointsAndProjectionDataWriteAtomically) {
  EXPECT_EQ(*log_->ReadCheckpoint("stats"), 0u);
  ASSERT_TRUE(log_->WriteCheckpoint("stats", 42,
                                    {{Family::kProjections, "stats/a", "1"},
                                     {Family::kProjections, "stats/b", "2"},
                                     {Family::kProjections, "other", "3"}})
                  .ok());
  EXPECT_EQ(*log_->ReadCheckpoint("stats"), 42u);
  std::vector<std::string> keys;
  ASSERT_TRUE(log_->ScanFamily(Family::kProjections, "stats/",
                               [&](absl::string_view k, absl::string_view v) {
                                 keys.push_back(absl::StrCat(k, "=", v));
                                 return absl::OkStatus();
                               }).ok());
  EXPECT_THAT(keys, ElementsAre("stats/a=1", "stats/b=2"));
}

TEST_F(EventLogTest, SubscriptionCatchesUpThenFollowsLiveAppends) {
  ASSERT_TRUE(log_->Append(Request("A", {"1", "2", "3"})).ok());
  auto sub = log_->Subscribe(1);
  EXPECT_EQ(sub->Next(absl::Seconds(1))->payload, "2");
  EXPECT_EQ(sub->Next(absl::Seconds(1))->payload, "3");
  EXPECT_EQ(sub->Next(absl::Milliseconds(20)).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  std::thread writer([this] {
    absl::SleepFor(absl::Milliseconds(50));
    ASSERT_TRUE(log_->Append(Request("B", {"4"})).ok());
  });
  auto live = sub->Next(absl::Seconds(10));
  writer.join();
  ASSERT_TRUE(live.ok()) << live.status();
  EXPECT_EQ(live->payload, "4");
  EXPECT_EQ(live->sequence, 4u);
  EXPECT_EQ(sub->position(), 4u);
}

TEST_F(EventLogTest, VerifyChainPassesOnAnIntactLog) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(log_->Append(Request(absl::StrCat("T-", i % 3), {"e", "f"})).ok());
  }
  auto report = log_->VerifyChain();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->fault->what;
  EXPECT_EQ(report->records, 40u);
  EXPECT_EQ(report->stream_entries, 40u);
}

TEST_F(EventLogTest, VerifyChainNamesTheExactSequenceOfAFlippedByte) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(log_->Append(Request("T-1", {absl::StrCat("payload-", i)})).ok());
  }
  auto stored = log_->Read(7);
  ASSERT_TRUE(stored.ok());
  log_.reset();
  // The last payload byte of record 7: just before the 32-byte hash.
  const size_t offset = EncodeRecord(stored->prev_hash, 7, "T-1", 7, "",
                                     stored->payload).size() - kHashBytes - 1;
  hotline::testing::FlipRecordByte(dir_.Sub("db"), 7, offset);
  log_ = OpenLog(dir_.Sub("db"));
  auto report = log_->VerifyChain();
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(report->fault->sequence, 7u);
  EXPECT_THAT(report->fault->what, HasSubstr("hash mismatch"));
  EXPECT_EQ(report->records, 6u);
}

TEST_F(EventLogTest, VerifyChainNamesADeletedRecord) {
  ASSERT_TRUE(log_->Append(Request("T-1", {"a", "b", "c", "d"})).ok());
  log_.reset();
  hotline::testing::DeleteRecord(dir_.Sub("db"), 3);
  log_ = OpenLog(dir_.Sub("db"));
  auto report = log_->VerifyChain();
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(report->fault->sequence, 3u);
  EXPECT_THAT(report->fault->what, HasSubstr("gap"));
}

// VerifyChain forgets a stream at its last indexed record; a record forged
// onto it later, rightly chained but without an index entry of its own, is
// still named.
TEST_F(EventLogTest, VerifyChainNamesARecordForgedOntoAFinishedStream) {
  for (const uint64_t forged_version : {uint64_t{3}, uint64_t{1}}) {
    hotline::testing::TempDir dir;
    log_ = OpenLog(dir.Sub("db"));
    ASSERT_TRUE(log_->Append(Request("A", {"a1", "a2"})).ok());
    ASSERT_TRUE(log_->Append(Request("B", {"b1"})).ok());
    auto last = log_->Read(3);
    ASSERT_TRUE(last.ok());
    log_.reset();
    hotline::testing::SetValue(dir.Sub("db"), kEventsFamily, SequenceKey(4),
                               EncodeRecord(last->hash, 4, "A", forged_version, "", "forged"));
    log_ = OpenLog(dir.Sub("db"));
    auto report = log_->VerifyChain();
    ASSERT_TRUE(report.ok()) << report.status();
    ASSERT_FALSE(report->ok()) << "forged version " << forged_version;
    EXPECT_EQ(report->fault->sequence, 4u);
    EXPECT_EQ(report->records, 3u);
  }
}

TEST(EventLogOpenTest, ReadOnlyRefusesWritesAndMissingDirectoryIsNotFound) {
  hotline::testing::TempDir dir;
  Options read_only;
  read_only.mode = OpenMode::kReadOnly;
  EXPECT_EQ(EventLog::Open(dir.Sub("none"), read_only).status().code(),
            absl::StatusCode::kNotFound);
  {
    auto writer = OpenLog(dir.Sub("db"));
    ASSERT_TRUE(writer->Append(Request("S", {"x"})).ok());
    // A second writer is refused while the first holds the lock.
    EXPECT_EQ(EventLog::Open(dir.Sub("db"), Options()).status().code(),
              absl::StatusCode::kFailedPrecondition);
    // A read-only view opens beside the writer.
    auto reader = EventLog::Open(dir.Sub("db"), read_only);
    ASSERT_TRUE(reader.ok()) << reader.status();
    EXPECT_EQ((*reader)->head().sequence, 1u);
    EXPECT_EQ((*reader)->Append(Request("S", {"y"})).status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
}

int TableFiles(const std::string& dir) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    n += entry.path().extension() == ".sst";
  }
  return n;
}

TEST(EventLogOpenTest, FlushMemtablesWritesTableFilesAndKeepsEveryRecord) {
  hotline::testing::TempDir dir;
  {
    auto log = OpenLog(dir.Sub("db"));
    ASSERT_TRUE(log->Append(Request("T-1", {"a1", "a2"}, "c1")).ok());
    ASSERT_EQ(TableFiles(dir.Sub("db")), 0);  // all of it still in the memtables
    ASSERT_TRUE(log->FlushMemtables().ok());
    EXPECT_GT(TableFiles(dir.Sub("db")), 0);
    EXPECT_THAT(Payloads(*log->ReadStream("T-1")), ElementsAre("a1", "a2"));
  }
  Options read_only;
  read_only.mode = OpenMode::kReadOnly;
  auto reader = EventLog::Open(dir.Sub("db"), read_only);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->head().sequence, 2u);
  EXPECT_EQ((*reader)->FlushMemtables().code(), absl::StatusCode::kFailedPrecondition);
}

// The record format of docs/storage-format.md, pinned by bytes written out
// by hand (hashes from an independent SHA-256): a change that would break
// existing logs and exports fails here.
TEST_F(EventLogTest, RecordFormatAndGenesisHashArePinnedByTestVectors) {
  EXPECT_EQ(GenesisHash(), std::string(32, '\0'));
  const std::string body1 = absl::HexStringToBytes(
      "0000000000000000000000000000000000000000000000000000000000000000"  // prev_hash
      "0000000000000001"                                                  // sequence
      "0000000000000001"                                                  // version
      "0003" "542d31"                                                     // "T-1"
      "0002" "6331"                                                       // "c1"
      "68656c6c6f");                                                      // "hello"
  const std::string hash1 = absl::HexStringToBytes(
      "f03429930d0eeb6062184736ba4bc62d4a0e731bd5806a3a9b6e9ef3031143c0");
  EXPECT_EQ(EncodeRecord(GenesisHash(), 1, "T-1", 1, "c1", "hello"), body1 + hash1);

  ASSERT_TRUE(log_->Append(Request("T-1", {"hello"}, "c1")).ok());
  ASSERT_TRUE(log_->Append(Request("T-2", {std::string("\x00\xff", 2)})).ok());
  EXPECT_EQ(log_->Read(1)->hash, hash1);
  // Record 2 chains to record 1, with no command id and a binary payload.
  EXPECT_EQ(log_->Read(2)->hash,
            absl::HexStringToBytes(
                "4b2cc925ef00dedd7c0e0b976ed5dc3760799eb8c9c755f0a49d55ce03178c52"));
  EXPECT_EQ(log_->head().hash, log_->Read(2)->hash);
}

TEST_F(EventLogTest, OtherStreamsPinTheVersionsAnAppendWasDecidedOn) {
  ASSERT_TRUE(log_->Append(Request("P", {"p1"})).ok());
  AppendRequest merge = Request("S", {"s1"}, "merge-1", 0);
  merge.other_streams = {{"P", 1}};
  ASSERT_TRUE(log_->Append(merge).ok());
  // P moves on; an append decided on P at version 1 is refused, writing nothing.
  ASSERT_TRUE(log_->Append(Request("P", {"p2"})).ok());
  AppendRequest stale = Request("T", {"t1"}, "merge-2", 0);
  stale.other_streams = {{"P", 1}};
  auto refused = log_->Append(stale);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(refused.status().message(), HasSubstr("'P' is at version 2, expected 1"));
  EXPECT_EQ(log_->head().sequence, 3u);
  EXPECT_FALSE(log_->FindCommand("merge-2")->has_value());
  stale.other_streams = {{std::string("bad\0id", 6), 1}};
  EXPECT_EQ(log_->Append(stale).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EventLogTest, VerifyChainChecksTheCommandIndexAgainstTheEvents) {
  ASSERT_TRUE(log_->Append(Request("T-1", {"a", "b"}, "c1")).ok());
  ASSERT_TRUE(log_->Append(Request("T-2", {"c"}, "c2")).ok());
  ASSERT_TRUE(log_->Append(Request("T-1", {"d"})).ok());
  EXPECT_TRUE(log_->VerifyChain()->ok());
  const std::string path = dir_.Sub("db");
  auto fault_after = [&](const std::function<void()>& change) -> std::string {
    log_.reset();
    change();
    log_ = OpenLog(path);
    auto report = log_->VerifyChain();
    EXPECT_TRUE(report.ok());
    return report->ok() ? "" : report->fault->what;
  };
  // An entry pointing at other records, a missing one, one with no records.
  EXPECT_THAT(fault_after([&] { hotline::testing::SetValue(path, "commands", "c1",
                                                            CommandValue(1, 1)); }),
              HasSubstr("command id 'c1'"));
  EXPECT_THAT(fault_after([&] { hotline::testing::SetValue(path, "commands", "c1",
                                                            std::nullopt); }),
              HasSubstr("command id 'c1'"));
  EXPECT_THAT(fault_after([&] {
                hotline::testing::SetValue(path, "commands", "c1", CommandValue(1, 2));
                hotline::testing::SetValue(path, "commands", "c9", CommandValue(4, 1));
              }),
              HasSubstr("command index has 3 entries for 2 commands"));
}

TEST_F(EventLogTest, VerifyChainNamesAnEmptiedLogWhoseHeadNamesRecords) {
  ASSERT_TRUE(log_->Append(Request("T-1", {"a", "b", "c"})).ok());
  log_.reset();
  hotline::testing::ClearFamily(dir_.Sub("db"), "events");
  hotline::testing::ClearFamily(dir_.Sub("db"), "streams");
  log_ = OpenLog(dir_.Sub("db"));
  auto report = log_->VerifyChain();
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_THAT(report->fault->what, HasSubstr("stored head does not match"));
}

TEST_F(EventLogTest, ScanNamesAMalformedKeyInsteadOfReadingPastIt) {
  ASSERT_TRUE(log_->Append(Request("T-1", {"a"})).ok());
  log_.reset();
  hotline::testing::SetValue(dir_.Sub("db"), "events", std::string("\xff\xff", 2), "x");
  log_ = OpenLog(dir_.Sub("db"));
  absl::Status scanned = log_->Scan(1, UINT64_MAX, [](const Record&) { return absl::OkStatus(); });
  EXPECT_EQ(scanned.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(scanned.message(), HasSubstr("events key of 2 bytes"));
}

TEST(EventLogOpenTest, OptionsOutOfRangeAreRefusedNamingTheField) {
  hotline::testing::TempDir dir;
  Options options;
  options.max_stream_id_bytes = 70000;  // ids are stored with a 16-bit length
  auto opened = EventLog::Open(dir.Sub("db"), options);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(opened.status().message(), HasSubstr("max_stream_id_bytes"));
  options = Options();
  options.max_events_per_append = 0;
  EXPECT_THAT(EventLog::Open(dir.Sub("db"), options).status().message(),
              HasSubstr("max_events_per_append"));
}

// Makes a RocksDB database at `path` without the event log: with the
// column family `family` besides the default one (none when empty) and,
// when `with_data`, a key in the default family.
void MakeDatabase(const std::string& path, const std::string& family, bool with_data) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(o, path, &db).ok());
  if (!family.empty()) {
    rocksdb::ColumnFamilyHandle* handle = nullptr;
    ASSERT_TRUE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), family, &handle).ok());
    db->DestroyColumnFamilyHandle(handle);
  }
  if (with_data) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "k", "v").ok());
  }
  delete db;
}

// Another program's RocksDB database: refused, and left as it was.
TEST(EventLogOpenTest, ForeignDatabasesAreRefusedAndNotWrittenTo) {
  hotline::testing::TempDir dir;
  const std::string path = dir.Sub("foreign");
  MakeDatabase(path, "accounts", /*with_data=*/true);
  auto opened = EventLog::Open(path, Options());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(), HasSubstr("'accounts'"));
  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &families).ok());
  EXPECT_THAT(families, ElementsAre("default", "accounts"));

  // Only the default family, holding data: no marker, refused as not a log.
  const std::string plain = dir.Sub("plain");
  MakeDatabase(plain, "", /*with_data=*/true);
  opened = EventLog::Open(plain, Options());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(opened.status().message(), HasSubstr("not a hotline event log"));
}

// RocksDB makes a new database's column families one at a time after the
// database itself: a writer killed in between leaves some of them and
// nothing written (seen in the replication test's follower killed twenty
// times). Readers find no log there; the next writer completes it.
TEST(EventLogOpenTest, ACreationCutShortIsNoLogForReadersAndAWriterCompletesIt) {
  hotline::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  MakeDatabase(path, kEventsFamily, /*with_data=*/false);
  Options read_only;
  read_only.mode = OpenMode::kReadOnly;
  auto reader = EventLog::Open(path, read_only);
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(reader.status().message(), HasSubstr(absl::StrCat("'", kStreamsFamily, "'")));

  auto writer = OpenLog(path);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Append(Request("S", {"x"})).ok());
  writer.reset();
  reader = EventLog::Open(path, read_only);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->head().sequence, 1u);
}

TEST(RocksStatusTest, OnlyLockFileErrorsMeanAnotherWriter) {
  EXPECT_EQ(FromRocks(rocksdb::Status::IOError("While lock file: /d/LOCK",
                                               "Resource temporarily unavailable"), "opening")
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FromRocks(rocksdb::Status::IOError("While reading block at offset 4096"), "reading")
                .code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace hotline::store
