// EventLog::CreateCheckpoint: a consistent copy of the store without its
// secrets; EventLog::Shred: deleted secrets forced off the disk;
// EventLog::FlushMemtables.

#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/db.h"
#include "rocksdb/table_properties.h"
#include "rocksdb/write_batch.h"
#include "store/event_log.h"
#include "store/rocks_options.h"
#include "store/rocks_status.h"
#include "store/status_macros.h"

namespace hotline::store {

absl::Status EventLog::CreateCheckpoint(const std::string& dir) const {
  std::error_code error;
  if (std::filesystem::exists(dir, error) || error) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, error ? absl::StrCat(": ", error.message()) : " already exists"));
  }
  // Key by key rather than a RocksDB checkpoint's hard links: a checkpoint
  // would carry the secrets family's files and write-ahead log with it.
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
  const rocksdb::Snapshot* snapshot = TakeSnapshot();
  absl::Status status;
  for (size_t i = 0; i < handles_.size() && status.ok(); ++i) {
    if (handles_[i] == secrets_) continue;
    rocksdb::ReadOptions read;
    read.fill_cache = false;
    read.snapshot = snapshot;
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
  ReleaseSnapshot(snapshot);
  if (status.ok()) {
    status = FromRocks(copy->Flush(rocksdb::FlushOptions(), handles), absl::StrCat("flushing ", dir));
  }
  for (rocksdb::ColumnFamilyHandle* h : handles) copy->DestroyColumnFamilyHandle(h);
  const absl::Status closed = FromRocks(copy->Close(), absl::StrCat("closing ", dir));
  return status.ok() ? closed : status;
}

absl::StatusOr<uint64_t> EventLog::SecretDeletions() const {
  rocksdb::TablePropertiesCollection tables;
  HOTLINE_RETURN_IF_ERROR(FromRocks(db_->GetPropertiesOfAllTables(secrets_, &tables),
                                    "reading the secrets' table properties"));
  uint64_t deletions = 0;
  for (const auto& [file, properties] : tables) deletions += properties->num_deletions;
  return deletions;
}

absl::Status EventLog::Shred(absl::Duration patience) {
  HOTLINE_RETURN_IF_ERROR(CheckWritable());
  rocksdb::FlushOptions flush;
  flush.wait = true;
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  // A compaction keeps a deleted value, and its deletion, while a snapshot
  // older than the deletion is open (a reader's scan, a backup). A deletion
  // left in a table file after a full compaction says one was: try again.
  const absl::Time give_up = absl::Now() + patience;
  for (;;) {
    HOTLINE_RETURN_IF_ERROR(CheckWrite(db_->Flush(flush, secrets_), "flushing the secrets"));
    HOTLINE_RETURN_IF_ERROR(CheckWrite(db_->CompactRange(compact, secrets_, nullptr, nullptr),
                                       "compacting the secrets"));
    HOTLINE_ASSIGN_OR_RETURN(uint64_t left, SecretDeletions());
    if (left == 0) break;
    if (absl::Now() >= give_up) {
      return absl::UnavailableError(absl::StrCat(
          left, " deleted secret(s) still kept for a reader's snapshot after ",
          absl::FormatDuration(patience), "; shred again later"));
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  // A write-ahead log file is deleted once every family has flushed what it
  // holds; the secrets' own flush above does not free it alone.
  return FlushMemtables();
}

absl::Status EventLog::FlushMemtables() {
  HOTLINE_RETURN_IF_ERROR(CheckWritable());
  rocksdb::FlushOptions flush;
  flush.wait = true;
  return CheckWrite(db_->Flush(flush, handles_), "flushing the store");
}

}  // namespace hotline::store
