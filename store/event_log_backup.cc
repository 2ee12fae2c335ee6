// EventLog::CreateCheckpoint: a consistent copy of the store, by the writer
// (a RocksDB checkpoint) or by a reader beside it (every key copied).

#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/checkpoint.h"
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

}  // namespace hotline::store
