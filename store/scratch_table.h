#ifndef HOTLINE_STORE_SCRATCH_TABLE_H_
#define HOTLINE_STORE_SCRATCH_TABLE_H_

// ScratchTable: keys and values kept on disk, for a check over more keys
// than memory should hold — an import's command ids and stream versions,
// millions in a province's year. A private RocksDB in a new directory,
// without a WAL (nothing in it outlives the process), deleted with the table.

#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rocksdb {
class DB;
}

namespace hotline::store {

class ScratchTable {
 public:
  // A new, empty table in the directory `dir`, which must not exist (it is
  // made, and removed with everything in it by the destructor).
  // INVALID_ARGUMENT when `dir` exists; the RocksDB error otherwise.
  static absl::StatusOr<std::unique_ptr<ScratchTable>> Create(const std::string& dir);
  ~ScratchTable();

  ScratchTable(const ScratchTable&) = delete;
  ScratchTable& operator=(const ScratchTable&) = delete;

  // The value of `key`, nullopt when it has none.
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view key) const;
  // Sets the value of `key`.
  absl::Status Put(absl::string_view key, absl::string_view value);
  // Adds `key` with an empty value; true when it had none before.
  absl::StatusOr<bool> Insert(absl::string_view key);

 private:
  ScratchTable(std::string dir, std::unique_ptr<rocksdb::DB> db);

  std::string dir_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace hotline::store

#endif  // HOTLINE_STORE_SCRATCH_TABLE_H_
