#include "store/scratch_table.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "store/rocks_status.h"
#include "store/status_macros.h"

namespace hotline::store {

absl::StatusOr<std::unique_ptr<ScratchTable>> ScratchTable::Create(const std::string& dir) {
  std::error_code error;
  if (std::filesystem::exists(dir, error)) {
    return absl::InvalidArgumentError(absl::StrCat(dir, " exists already"));
  }
  rocksdb::Options options;
  options.create_if_missing = true;
  options.error_if_exists = true;
  // Small memtables and a small cache: the table's point is to bound memory.
  // Bloom filters make the lookup of a new key (nearly every one) cheap.
  options.write_buffer_size = 8 << 20;
  options.max_write_buffer_number = 2;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = rocksdb::NewLRUCache(8 << 20);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* db = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &db);
  if (!s.ok()) {
    std::filesystem::remove_all(dir, error);
    return FromRocks(s, absl::StrCat("making the scratch table in ", dir));
  }
  return std::unique_ptr<ScratchTable>(new ScratchTable(dir, std::unique_ptr<rocksdb::DB>(db)));
}

ScratchTable::ScratchTable(std::string dir, std::unique_ptr<rocksdb::DB> db)
    : dir_(std::move(dir)), db_(std::move(db)) {}

ScratchTable::~ScratchTable() {
  db_.reset();
  std::error_code ignored;  // a leftover scratch directory harms nothing
  std::filesystem::remove_all(dir_, ignored);
}

absl::StatusOr<std::optional<std::string>> ScratchTable::Get(absl::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), rocksdb::Slice(key.data(), key.size()),
                               &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "reading the scratch table");
  return value;
}

absl::Status ScratchTable::Put(absl::string_view key, absl::string_view value) {
  rocksdb::WriteOptions no_wal;
  no_wal.disableWAL = true;
  return FromRocks(db_->Put(no_wal, rocksdb::Slice(key.data(), key.size()),
                            rocksdb::Slice(value.data(), value.size())),
                   "writing the scratch table");
}

absl::StatusOr<bool> ScratchTable::Insert(absl::string_view key) {
  HOTLINE_ASSIGN_OR_RETURN(std::optional<std::string> value, Get(key));
  if (value.has_value()) return false;
  HOTLINE_RETURN_IF_ERROR(Put(key, ""));
  return true;
}

}  // namespace hotline::store
