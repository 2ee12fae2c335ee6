// EventLog: reads, checkpoints of projections and the sticky write error.
// Opening is event_log_open.cc, appending event_log_append.cc, copies
// event_log_backup.cc, the chain check event_log_verify.cc.

#include "store/event_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/slice.h"
#include "rocksdb/write_batch.h"
#include "store/keys.h"
#include "store/rocks_status.h"
#include "store/status_macros.h"
#include "store/subscription.h"

namespace hotline::store {
namespace {

constexpr char kStopScanPayload[] = "hotline.store/stop-scan";

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
}  // namespace

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
  return MakeSticky(absl::Status(
      error.code(),
      absl::StrCat(error.message(),
                   " (the outcome of this write is unknown; the log refuses writes until "
                   "it is reopened, then retry with the same command id)")));
}

absl::Status EventLog::write_error() const {
  absl::MutexLock lock(&mu_);
  return write_error_;
}

absl::Status EventLog::MakeSticky(const absl::Status& error) {
  absl::MutexLock lock(&mu_);
  if (write_error_.ok()) write_error_ = error;
  return write_error_;
}

void EventLog::AddTreeLeaf(absl::string_view hash, merkle::Frontier* frontier,
                           rocksdb::WriteBatch* batch) const {
  for (const merkle::Node& node : frontier->Append(merkle::LeafHash(hash))) {
    if (node.level >= kStoredTreeLevel) {
      batch->Put(meta_, TreeNodeKey(node.level, node.index), node.hash);
    }
  }
}

void EventLog::PutHead(const Head& head, rocksdb::WriteBatch* batch) const {
  std::string value = SequenceKey(head.sequence);
  value.append(head.hash);
  batch->Put(meta_, kMetaHeadKey, value);
  if (options_.merkle_tree) batch->Put(meta_, kMetaTreeSizeKey, SequenceKey(head.sequence));
}

void EventLog::AdvanceHead(Head head,
                           const absl::flat_hash_map<std::string, uint64_t>& versions) {
  if (stream_cache_.size() + versions.size() > options_.stream_cache_entries) {
    stream_cache_.clear();
  }
  for (const auto& [stream, version] : versions) stream_cache_[stream] = version;
  absl::MutexLock lock(&mu_);
  head_ = std::move(head);
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
  return StreamVersionAt(stream_id, UINT64_MAX);
}

absl::StatusOr<uint64_t> EventLog::StreamVersionAt(absl::string_view stream_id,
                                                   uint64_t through) const {
  // The stream's last index entry is the greatest key below id 0x00 FF..FF;
  // entries of records past `through` are stepped back over.
  std::string bound(stream_id);
  bound.push_back('\0');
  bound.append(8, '\xff');
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), streams_));
  for (it->SeekForPrev(bound); it->Valid(); it->Prev()) {
    const absl::string_view key = ToView(it->key());
    if (!IsStreamKeyOf(key, stream_id)) return 0;
    if (through != UINT64_MAX) {
      const absl::string_view value = ToView(it->value());
      if (value.size() != 8) {
        return absl::DataLossError(absl::StrCat("stream index entry of '", stream_id,
                                                "' is not a sequence"));
      }
      if (DecodeFixed64BE(value.data()) > through) continue;
    }
    return DecodeFixed64BE(key.data() + stream_id.size() + 1);
  }
  HOTLINE_RETURN_IF_ERROR(FromRocks(it->status(), "reading the stream index"));
  return 0;
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
  switch (family) {
    case Family::kState:
      return state_;
    case Family::kProjections:
      return projections_;
    case Family::kSecrets:
      return secrets_;
  }
  return nullptr;
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
  if (FamilyHandle(family) == nullptr) return std::nullopt;
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
  if (FamilyHandle(family) == nullptr) return absl::OkStatus();
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
