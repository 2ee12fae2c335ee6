#ifndef HOTLINE_STORE_CHAIN_CHECKER_H_
#define HOTLINE_STORE_CHAIN_CHECKER_H_

// ChainChecker: the rules a log's records obey one after another, checked
// in log order — by EventLog::VerifyChain over the store and by an import
// over an export file before it writes anything.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/record.h"
#include "store/scratch_table.h"

namespace hotline::store {

class ChainChecker {
 public:
  // Each stream's last version is kept in `versions` (on disk, for logs of
  // any size), or in memory — growing with the number of streams — when it
  // is null. `versions` must outlive the checker.
  explicit ChainChecker(ScratchTable* versions = nullptr) : versions_on_disk_(versions) {}

  // Checks `record` as the next one: its sequence is the next from 1, its
  // stream version follows the stream's last one, its prev_hash is the last
  // record's hash and its hash is SHA-256 of `value` without the hash (the
  // stored bytes EncodeRecord made, of which `record` is the decoding).
  // Returns what is wrong, naming nothing but the fault; nullopt when the
  // record is good, which then becomes the last one; an error only when
  // `versions` cannot be read or written.
  absl::StatusOr<std::optional<std::string>> Next(const Record& record,
                                                  absl::string_view value);

  // Drops what the checker holds of `stream`, for a caller that knows the
  // last record accepted of it is its last one, so that memory follows the
  // streams still open rather than every stream seen. A later record of
  // `stream` is then checked as its first: the caller must catch such a
  // record by other means (EventLog::VerifyChain: the stream index). Only a
  // checker kept in memory frees anything; one with `versions` on disk keeps
  // them.
  void Forget(const std::string& stream) { versions_.erase(stream); }

  // Records accepted so far, and the hash of the last (GenesisHash() before
  // the first).
  uint64_t records() const { return records_; }
  const std::string& last_hash() const { return last_hash_; }

 private:
  absl::StatusOr<uint64_t> LastVersion(const std::string& stream) const;
  absl::Status SetLastVersion(const std::string& stream, uint64_t version);

  ScratchTable* const versions_on_disk_;
  absl::flat_hash_map<std::string, uint64_t> versions_;
  std::string last_hash_ = GenesisHash();
  uint64_t records_ = 0;
};

}  // namespace hotline::store

#endif  // HOTLINE_STORE_CHAIN_CHECKER_H_
