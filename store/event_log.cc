#include "store/event_log.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "rocksdb/write_batch.h"
#include "rocksdb/utilities/table_properties_collectors.h"
#include "store/keys.h"
#include "store/rocks_status.h"
#include "store/status_macros.h"
#include "store/subscription.h"

namespace hotline::store {
namespace {

constexpr char kStopScanPayload[] = "hotline.store/stop-scan";

rocksdb::Options RocksOptions(const Options& options) {
  rocksdb::Options ro;
  if (options.env != nullptr) ro.env = options.env;
  // After an I/O error the log refuses writes until reopened (event_log.h);
  // RocksDB must not resume writing by itself behind it (and its automatic
  // recovery can hang a Close in Debian's 7.8).
  ro.max_bgerror_resume_count = 0;
  ro.create_if_missing =
      options.mode == OpenMode::kReadWrite && options.create_if_missing;
  ro.create_missing_column_families = options.mode == OpenMode::kReadWrite;
  // A secondary must keep every file open to follow the primary.
  if (options.mode == OpenMode::kSecondary) ro.max_open_files = -1;
  ro.IncreaseParallelism(2);
  ro.compression = rocksdb::kLZ4Compression;
  // Memtables are most of what the store itself holds in memory: bound them
  // all together, and flush each family at a quarter of the budget.
  ro.db_write_buffer_size = options.memtable_bytes;
  ro.write_buffer_size = options.memtable_bytes / 4;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  // Point lookups (stream heads, command ids, state) skip files by bloom filter.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Index and filter blocks grow with the log; kept in the block cache they
  // are bounded by it, so memory does not grow with the log's size. They are
  // partitioned, so that a lookup reads back a 4 KiB partition rather than
  // a whole file's filter when the cache has evicted it.
  table.cache_index_and_filter_blocks = true;
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_top_level_index_and_filter = true;
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  ro.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Projections delete as much as they write (a timer index entry lives only
  // while its deadline is owed): compact files dense with deletions so range
  // scans do not wade through tombstones.
  ro.table_properties_collector_factories.emplace_back(
      rocksdb::NewCompactOnDeletionCollectorFactory(/*sliding_window_size=*/128,
                                                    /*deletion_trigger=*/64));
  return ro;
}

absl::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }
rocksdb::Slice ToSlice(absl::string_view s) { return {s.data(), s.size()}; }

}  // namespace

absl::Status StopScan() {
  absl::Status s = absl::CancelledError("scan stopped by its visitor");
  s.SetPayload(kStopScanPayload, absl::Cord("1"));
  return s;
}

namespace {
bool IsStopScan(const absl::Status& s) {
  return s.GetPayload(kStopScanPayload).has_value();
}
// Every column family of the log, `default` (unused, required by RocksDB)
// first, in the order of EventLog's handles.
const std::vector<std::string>& FamilyNames() {
  static const auto* names = new std::vector<std::string>{
      rocksdb::kDefaultColumnFamilyName, kEventsFamily, kStreamsFamily, kCommandsFamily,
      kStateFamily, kProjectionsFamily, kMetaFamily};
  return *names;
}

bool IsOwnFamily(absl::string_view name) {
  for (const std::string& own : FamilyNames()) {
    if (own == name) return true;
  }
  return false;
}

// Bounds of the options: one payload, and events of one append (a command
// record counts them in 32 bits, and one append is one WriteBatch).
constexpr size_t kMaxPayloadLimit = 64 << 20;
constexpr size_t kMaxEventsPerAppendLimit = 1 << 20;

// INVALID_ARGUMENT naming the first option out of its range.
absl::Status ValidateOptions(const Options& o) {
  // Stream and command ids are stored with a 16-bit length (record.h).
  constexpr size_t kMaxIdBytes = 0xffff;
  if (o.max_stream_id_bytes == 0 || o.max_stream_id_bytes > kMaxIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("Options::max_stream_id_bytes: must be 1 to ", kMaxIdBytes));
  }
  if (o.max_command_id_bytes > kMaxIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("Options::max_command_id_bytes: must be at most ", kMaxIdBytes));
  }
  if (o.max_payload_bytes == 0 || o.max_payload_bytes > kMaxPayloadLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("Options::max_payload_bytes: must be 1 to ", kMaxPayloadLimit));
  }
  if (o.max_events_per_append == 0 || o.max_events_per_append > kMaxEventsPerAppendLimit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Options::max_events_per_append: must be 1 to ", kMaxEventsPerAppendLimit));
  }
  if (o.max_group_bytes == 0) {
    return absl::InvalidArgumentError("Options::max_group_bytes: must be at least 1");
  }
  if (o.memtable_bytes < (64 << 10)) {
    return absl::InvalidArgumentError("Options::memtable_bytes: must be at least 64 KiB");
  }
  return absl::OkStatus();
}

// FAILED_PRECONDITION when the database at `path` has column families that
// are not the event log's.
absl::Status CheckOwnFamilies(const rocksdb::Options& ro, const std::string& path) {
  std::vector<std::string> names;
  HOTLINE_RETURN_IF_ERROR(FromRocks(rocksdb::DB::ListColumnFamilies(ro, path, &names),
                                    absl::StrCat("listing the column families of ", path)));
  for (const std::string& name : names) {
    if (!IsOwnFamily(name)) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, " is a RocksDB database with column family '", name,
          "': not a hotline event log"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(
    const std::string& path, const Options& options) {
  if (options.mode == OpenMode::kSecondary && options.secondary_path.empty()) {
    return absl::InvalidArgumentError(
        "Options::secondary_path is required to open a secondary instance");
  }
  HOTLINE_RETURN_IF_ERROR(ValidateOptions(options));
  const bool may_create =
      options.mode == OpenMode::kReadWrite && options.create_if_missing;
  std::error_code error;
  const bool exists = std::filesystem::exists(path + "/CURRENT", error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot look at ", path, ": ", error.message()));
  }
  if (!may_create && !exists) {
    return absl::NotFoundError(absl::StrCat("no event log at ", path));
  }
  const rocksdb::Options ro = RocksOptions(options);
  // Another program's RocksDB database is not ours to add families to.
  if (exists) HOTLINE_RETURN_IF_ERROR(CheckOwnFamilies(ro, path));
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : FamilyNames()) {
    rocksdb::ColumnFamilyOptions family(ro);
    if (name == kCommandsFamily || name == kStateFamily || name == kStreamsFamily) {
      // Point lookups that mostly miss (a new command id, ticket, stream): a
      // bloom filter over the memtable answers them without a skiplist search.
      family.memtable_whole_key_filtering = true;
      family.memtable_prefix_bloom_size_ratio = 0.05;
    }
    families.emplace_back(name, family);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  // A reader opening beside a live writer can read a MANIFEST naming a file
  // that the writer's compaction deletes before the reader opens it; the
  // next attempt reads the newer MANIFEST. A file truly missing fails every
  // attempt.
  constexpr int kReaderOpenAttempts = 20;
  for (int attempt = 1;; ++attempt) {
    switch (options.mode) {
      case OpenMode::kReadWrite:
        s = rocksdb::DB::Open(ro, path, families, &handles, &raw);
        break;
      case OpenMode::kReadOnly:
        s = rocksdb::DB::OpenForReadOnly(ro, path, families, &handles, &raw);
        break;
      case OpenMode::kSecondary:
        s = rocksdb::DB::OpenAsSecondary(ro, path, options.secondary_path,
                                         families, &handles, &raw);
        break;
    }
    const bool raced = options.mode != OpenMode::kReadWrite &&
                       (s.IsCorruption() || s.IsPathNotFound() || s.IsIOError()) &&
                       absl::StrContains(s.ToString(), "No such file");
    if (!raced || attempt == kReaderOpenAttempts) break;
    absl::SleepFor(absl::Milliseconds(10 * attempt));
  }
  HOTLINE_RETURN_IF_ERROR(FromRocks(s, absl::StrCat("opening ", path)));
  std::unique_ptr<EventLog> log(
      new EventLog(options, std::unique_ptr<rocksdb::DB>(raw), handles));

  std::string format;
  s = log->db_->Get(rocksdb::ReadOptions(), log->meta_, kMetaFormatKey, &format);
  if (s.IsNotFound()) {
    // Only a new, empty database gets the marker (its creation may also have
    // been interrupted before the marker was written).
    HOTLINE_ASSIGN_OR_RETURN(bool empty, log->IsEmptyDatabase());
    if (!empty) {
      return absl::DataLossError(absl::StrCat(
          path, " holds data but no event log format marker: not a hotline event log"));
    }
    if (options.mode != OpenMode::kReadWrite) {
      return absl::NotFoundError(absl::StrCat("no event log at ", path, " (empty database)"));
    }
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = log->db_->Put(wo, log->meta_, kMetaFormatKey, kFormatVersion);
    format = kFormatVersion;
  }
  HOTLINE_RETURN_IF_ERROR(FromRocks(s, "reading the format marker"));
  if (format != kFormatVersion) {
    return absl::DataLossError(absl::StrCat(
        "unknown event log format '", format, "' at ", path, " (expected ",
        kFormatVersion, ")"));
  }
  HOTLINE_RETURN_IF_ERROR(log->LoadHead());
  return log;
}

EventLog::EventLog(const Options& options, std::unique_ptr<rocksdb::DB> db,
                   std::vector<rocksdb::ColumnFamilyHandle*> handles)
    : options_(options),
      db_(std::move(db)),
      handles_(std::move(handles)),
      events_(handles_[1]),
      streams_(handles_[2]),
      commands_(handles_[3]),
      state_(handles_[4]),
      projections_(handles_[5]),
      meta_(handles_[6]) {}

EventLog::~EventLog() { (void)Close(); }

absl::Status EventLog::Close() {
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return absl::OkStatus();
    closing_ = true;
    closed_ = true;
  }
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    db_->DestroyColumnFamilyHandle(h);
  }
  handles_.clear();
  return FromRocks(db_->Close(), "closing the event log");
}

absl::StatusOr<bool> EventLog::IsEmptyDatabase() const {
  for (rocksdb::ColumnFamilyHandle* family : {handles_[0], events_}) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family));
    it->SeekToFirst();
    HOTLINE_RETURN_IF_ERROR(FromRocks(it->status(), "looking for data"));
    if (it->Valid()) return false;
  }
  return true;
}

absl::Status EventLog::LoadHead() {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), meta_, kMetaHeadKey, &value);
  Head head{0, GenesisHash()};
  if (s.ok()) {
    if (value.size() != 8 + kHashBytes) {
      return absl::DataLossError("stored head has the wrong size");
    }
    head.sequence = DecodeFixed64BE(value.data());
    head.hash = value.substr(8);
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "reading the head");
  }
  absl::MutexLock lock(&mu_);
  head_ = std::move(head);
  return absl::OkStatus();
}

absl::Status EventLog::CheckWritable() const {
  if (options_.mode != OpenMode::kReadWrite) {
    return absl::FailedPreconditionError("the event log is open read-only");
  }
  absl::MutexLock lock(&mu_);
  return write_error_;
}

absl::Status EventLog::CheckWrite(const rocksdb::Status& status,
                                  absl::string_view context) {
  if (status.ok()) return absl::OkStatus();
  const absl::Status error = FromRocks(status, context);
  absl::MutexLock lock(&mu_);
  if (write_error_.ok()) {
    write_error_ = absl::Status(
        error.code(),
        absl::StrCat(error.message(),
                     " (the outcome of this write is unknown; the log refuses writes until "
                     "it is reopened, then retry with the same command id)"));
  }
  return write_error_;
}

Head EventLog::head() const {
  absl::MutexLock lock(&mu_);
  return head_;
}

absl::Status EventLog::WaitForSequence(uint64_t sequence,
                                       absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto reached = [this, sequence]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return head_.sequence >= sequence || closing_;
  };
  mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  if (head_.sequence >= sequence) return absl::OkStatus();
  if (closing_) return absl::CancelledError("the event log is closing");
  return absl::DeadlineExceededError(
      absl::StrCat("sequence ", sequence, " not committed in time"));
}

absl::StatusOr<std::optional<AppendResult>> EventLog::FindCommand(
    absl::string_view command_id) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), commands_, ToSlice(command_id), &value);
  if (s.IsNotFound()) return std::nullopt;
  HOTLINE_RETURN_IF_ERROR(FromRocks(s, "reading a command id"));
  if (value.size() != 12) {
    return absl::DataLossError(
        absl::StrCat("command record of '", command_id, "' is malformed"));
  }
  AppendResult result;
  result.first_sequence = DecodeFixed64BE(value.data());
  result.count = DecodeFixed32BE(value.data() + 8);
  result.duplicate = true;
  HOTLINE_ASSIGN_OR_RETURN(Record last,
                           Read(result.first_sequence + result.count - 1));
  result.stream_version = last.stream_version;
  return result;
}

absl::StatusOr<uint64_t> EventLog::StreamVersion(
    absl::string_view stream_id) const {
  // The stream's last index entry is the greatest key below id 0x00 FF..FF.
  std::string bound(stream_id);
  bound.push_back('\0');
  bound.append(8, '\xff');
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), streams_));
  it->SeekForPrev(bound);
  HOTLINE_RETURN_IF_ERROR(FromRocks(it->status(), "reading the stream index"));
  if (!it->Valid()) return 0;
  const absl::string_view key = ToView(it->key());
  if (key.size() != stream_id.size() + 9 ||
      key.substr(0, stream_id.size()) != stream_id ||
      key[stream_id.size()] != '\0') {
    return 0;
  }
  return DecodeFixed64BE(key.data() + stream_id.size() + 1);
}

absl::StatusOr<bool> EventLog::StreamHasVersion(absl::string_view stream_id,
                                                uint64_t version) const {
  rocksdb::PinnableSlice value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), streams_,
                               StreamKey(stream_id, version), &value);
  if (s.IsNotFound()) return false;
  HOTLINE_RETURN_IF_ERROR(FromRocks(s, "reading the stream index"));
  return true;
}

absl::StatusOr<uint64_t> EventLog::StreamVersionExpecting(absl::string_view stream_id,
                                                          uint64_t expected) const {
  // Versions are gapless: the stream is at `expected` when it has that
  // entry (or expected is 0) and not the next. Point lookups, which bloom
  // filters answer for a new stream without reading a block; an iterator
  // would seek in every level.
  HOTLINE_ASSIGN_OR_RETURN(bool next, StreamHasVersion(stream_id, expected + 1));
  if (!next) {
    if (expected == 0) return expected;
    HOTLINE_ASSIGN_OR_RETURN(bool at, StreamHasVersion(stream_id, expected));
    if (at) return expected;
  }
  return StreamVersion(stream_id);
}

namespace {
// Decodes the value stored at `sequence` for a reader. DATA_LOSS naming the
// sequence when it does not decode, its bytes do not match its own hash, or
// it claims another position: a changed or misplaced record is refused,
// never answered with. (Links between records are VerifyChain's to check.)
absl::Status DecodeStored(absl::string_view value, uint64_t sequence, Record* out) {
  absl::Status s = DecodeRecord(value, out);
  if (s.ok() && !HashMatches(value)) {
    s = absl::DataLossError("hash mismatch: the record's bytes were changed");
  }
  if (s.ok() && out->sequence != sequence) {
    s = absl::DataLossError(absl::StrCat("the record says sequence ", out->sequence));
  }
  if (s.ok()) return s;
  return absl::DataLossError(absl::StrCat("record at sequence ", sequence, ": ", s.message()));
}
}  // namespace

absl::StatusOr<Record> EventLog::Read(uint64_t sequence) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), events_,
                               SequenceKey(sequence), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat("no record at sequence ", sequence));
  }
  HOTLINE_RETURN_IF_ERROR(FromRocks(s, "reading a record"));
  Record record;
  HOTLINE_RETURN_IF_ERROR(DecodeStored(value, sequence, &record));
  return record;
}

absl::Status EventLog::Scan(
    uint64_t from, uint64_t through,
    const std::function<absl::Status(const Record&)>& visit) const {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;  // a full scan would only evict the hot set
  ro.readahead_size = 2 << 20;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, events_));
  Record record;
  for (it->Seek(SequenceKey(from)); it->Valid(); it->Next()) {
    if (it->key().size() != 8) {
      return absl::DataLossError(
          absl::StrCat("events key of ", it->key().size(), " bytes after sequence ",
                       record.sequence, " (keys are 8 bytes)"));
    }
    const uint64_t sequence = DecodeFixed64BE(it->key().data());
    if (sequence > through) break;
    HOTLINE_RETURN_IF_ERROR(DecodeStored(ToView(it->value()), sequence, &record));
    absl::Status s = visit(record);
    if (IsStopScan(s)) return absl::OkStatus();
    HOTLINE_RETURN_IF_ERROR(s);
  }
  return FromRocks(it->status(), "scanning the log");
}

absl::StatusOr<std::vector<Record>> EventLog::ReadStream(
    absl::string_view stream_id, uint64_t from_version) const {
  const rocksdb::Snapshot* snapshot = TakeSnapshot();
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::vector<Record> records;
  absl::Status status;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, streams_));
    const std::string prefix = StreamKey(stream_id, 0).substr(0, stream_id.size() + 1);
    for (it->Seek(StreamKey(stream_id, from_version));
         it->Valid() && it->key().starts_with(ToSlice(prefix)); it->Next()) {
      const uint64_t version = records.size() + std::max<uint64_t>(from_version, 1);
      auto lost = [&](absl::string_view what) {
        return absl::DataLossError(absl::StrCat("stream '", stream_id, "' version ", version,
                                                ": ", what));
      };
      if (it->key() != ToSlice(StreamKey(stream_id, version))) {
        status = lost("missing from the stream index (versions must be gapless)");
        break;
      }
      if (it->value().size() != 8) {
        status = lost("malformed stream index entry");
        break;
      }
      const uint64_t sequence = DecodeFixed64BE(it->value().data());
      std::string value;
      rocksdb::Status s = db_->Get(ro, events_, it->value(), &value);
      if (s.IsNotFound()) {
        status = lost(absl::StrCat("the index names sequence ", sequence,
                                   ", which holds no record"));
        break;
      }
      status = FromRocks(s, "reading a stream's record");
      if (!status.ok()) break;
      Record& record = records.emplace_back();
      status = DecodeStored(value, sequence, &record);
      if (status.ok() && (record.stream_id != stream_id || record.stream_version != version)) {
        status = lost(absl::StrCat("the index names sequence ", sequence,
                                   ", a record of another stream or version"));
      }
      if (!status.ok()) break;
    }
    if (status.ok()) status = FromRocks(it->status(), "reading a stream");
  }
  ReleaseSnapshot(snapshot);
  HOTLINE_RETURN_IF_ERROR(status);
  return records;
}

std::unique_ptr<Subscription> EventLog::Subscribe(uint64_t after_sequence) {
  return std::unique_ptr<Subscription>(new Subscription(this, after_sequence));
}

const rocksdb::Snapshot* EventLog::TakeSnapshot() const {
  return options_.mode == OpenMode::kReadWrite ? db_->GetSnapshot() : nullptr;
}

void EventLog::ReleaseSnapshot(const rocksdb::Snapshot* snapshot) const {
  if (snapshot != nullptr) db_->ReleaseSnapshot(snapshot);
}

rocksdb::ColumnFamilyHandle* EventLog::FamilyHandle(Family family) const {
  return family == Family::kState ? state_ : projections_;
}

void EventLog::AddExtraWrites(const std::vector<ExtraWrite>& writes,
                              rocksdb::WriteBatch* batch) const {
  for (const ExtraWrite& w : writes) {
    if (w.value) {
      batch->Put(FamilyHandle(w.family), w.key, *w.value);
    } else {
      batch->Delete(FamilyHandle(w.family), w.key);
    }
  }
}

absl::StatusOr<std::optional<std::string>> EventLog::Get(
    Family family, absl::string_view key) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), FamilyHandle(family), ToSlice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  HOTLINE_RETURN_IF_ERROR(FromRocks(s, "reading projection data"));
  return value;
}

namespace {
// The smallest key greater than every key starting with `prefix`; empty when
// there is none (a prefix of 0xFF bytes only), meaning "no upper bound".
std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix.data(), prefix.size());
  while (!end.empty() && static_cast<uint8_t>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
  return end;
}
}  // namespace

absl::Status EventLog::ScanFamily(
    Family family, absl::string_view prefix,
    const std::function<absl::Status(absl::string_view, absl::string_view)>&
        visit) const {
  return ScanFamilyRange(family, prefix, PrefixEnd(prefix), visit);
}

absl::Status EventLog::ScanFamilyRange(
    Family family, absl::string_view from, absl::string_view to,
    const std::function<absl::Status(absl::string_view, absl::string_view)>&
        visit) const {
  rocksdb::ReadOptions ro;
  const rocksdb::Slice upper = ToSlice(to);
  if (!to.empty()) ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, FamilyHandle(family)));
  for (it->Seek(ToSlice(from)); it->Valid(); it->Next()) {
    absl::Status s = visit(ToView(it->key()), ToView(it->value()));
    if (IsStopScan(s)) return absl::OkStatus();
    HOTLINE_RETURN_IF_ERROR(s);
  }
  return FromRocks(it->status(), "scanning projection data");
}

absl::Status EventLog::ClearFamily(Family family, absl::string_view prefix) {
  HOTLINE_RETURN_IF_ERROR(CheckWritable());
  std::string end = PrefixEnd(prefix);
  if (end.empty()) {
    // No finite bound: end just past the family's last key.
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), FamilyHandle(family)));
    it->SeekToLast();
    HOTLINE_RETURN_IF_ERROR(FromRocks(it->status(), "finding the last key"));
    if (!it->Valid()) return absl::OkStatus();
    end = it->key().ToString();
    end.push_back('\0');
  }
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  return CheckWrite(db_->DeleteRange(wo, FamilyHandle(family), ToSlice(prefix), end),
                    "clearing projection data");
}

absl::Status EventLog::WriteCheckpoint(absl::string_view name,
                                       uint64_t sequence,
                                       const std::vector<ExtraWrite>& writes) {
  HOTLINE_RETURN_IF_ERROR(CheckWritable());
  rocksdb::WriteBatch batch;
  AddExtraWrites(writes, &batch);
  batch.Put(meta_, absl::StrCat(kMetaCheckpointPrefix, name),
            SequenceKey(sequence));
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  return CheckWrite(db_->Write(wo, &batch), "writing a checkpoint");
}

absl::StatusOr<uint64_t> EventLog::ReadCheckpoint(absl::string_view name) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_,
                               absl::StrCat(kMetaCheckpointPrefix, name), &value);
  if (s.IsNotFound()) return 0;
  HOTLINE_RETURN_IF_ERROR(FromRocks(s, "reading a checkpoint"));
  if (value.size() != 8) {
    return absl::DataLossError(absl::StrCat("checkpoint of ", name, " is malformed"));
  }
  return DecodeFixed64BE(value.data());
}

absl::Status EventLog::CatchUp() {
  if (options_.mode != OpenMode::kSecondary) return absl::OkStatus();
  HOTLINE_RETURN_IF_ERROR(
      FromRocks(db_->TryCatchUpWithPrimary(), "catching up with the primary"));
  return LoadHead();
}

absl::Status EventLog::SyncWal() {
  HOTLINE_RETURN_IF_ERROR(CheckWritable());
  return CheckWrite(db_->SyncWAL(), "syncing the write-ahead log");
}

absl::Status EventLog::CreateCheckpoint(const std::string& dir) const {
  std::error_code error;
  if (std::filesystem::exists(dir, error) || error) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, error ? absl::StrCat(": ", error.message()) : " already exists"));
  }
  if (options_.mode != OpenMode::kReadWrite) return CopyTo(dir);
  rocksdb::Checkpoint* raw = nullptr;
  HOTLINE_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw),
                                    "preparing a checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(dir), absl::StrCat("writing a checkpoint to ", dir));
}

absl::Status EventLog::CopyTo(const std::string& dir) const {
  rocksdb::Options ro = RocksOptions(options_);
  ro.create_if_missing = true;
  ro.error_if_exists = true;
  ro.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : FamilyNames()) families.emplace_back(name, ro);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  HOTLINE_RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(ro, dir, families, &handles, &raw),
                                    absl::StrCat("creating ", dir)));
  std::unique_ptr<rocksdb::DB> copy(raw);
  // The copy is synced once at the end (a flush of every family), not per
  // batch; a copy cut short is an incomplete directory, never the store.
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;
  absl::Status status;
  for (size_t i = 0; i < handles_.size() && status.ok(); ++i) {
    rocksdb::ReadOptions read;
    read.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, handles_[i]));
    rocksdb::WriteBatch batch;
    for (it->SeekToFirst(); it->Valid() && status.ok(); it->Next()) {
      batch.Put(handles[i], it->key(), it->value());
      if (batch.GetDataSize() >= (4 << 20)) {
        status = FromRocks(copy->Write(wo, &batch), absl::StrCat("writing to ", dir));
        batch.Clear();
      }
    }
    if (status.ok()) status = FromRocks(it->status(), "reading the store");
    if (status.ok()) status = FromRocks(copy->Write(wo, &batch), absl::StrCat("writing to ", dir));
  }
  if (status.ok()) {
    status = FromRocks(copy->Flush(rocksdb::FlushOptions(), handles), absl::StrCat("flushing ", dir));
  }
  for (rocksdb::ColumnFamilyHandle* h : handles) copy->DestroyColumnFamilyHandle(h);
  const absl::Status closed = FromRocks(copy->Close(), absl::StrCat("closing ", dir));
  return status.ok() ? closed : status;
}

uint64_t EventLog::ApproximateBytes() const {
  uint64_t total = 0;
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    uint64_t bytes = 0;
    db_->GetIntProperty(h, rocksdb::DB::Properties::kTotalSstFilesSize, &bytes);
    total += bytes;
    db_->GetIntProperty(h, rocksdb::DB::Properties::kCurSizeAllMemTables, &bytes);
    total += bytes;
  }
  return total;
}

}  // namespace hotline::store
