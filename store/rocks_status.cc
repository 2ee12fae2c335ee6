#include "store/rocks_status.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace hotline::store {

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view context) {
  if (s.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat(context, ": ", s.ToString());
  if (s.IsCorruption()) return absl::DataLossError(message);
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsBusy() || s.IsTimedOut() || s.IsTryAgain()) {
    return absl::UnavailableError(message);
  }
  // RocksDB's two messages for a LOCK file held by another process or by
  // another open in this one (an I/O error naming a "block" is not a lock).
  if (s.IsIOError() && (absl::StrContains(s.ToString(), "While lock file") ||
                        absl::StrContains(s.ToString(), "lock hold by current process"))) {
    return absl::FailedPreconditionError(
        absl::StrCat(message, " (is another process writing to it?)"));
  }
  if (s.IsInvalidArgument() && absl::StrContains(s.ToString(), "does not exist")) {
    return absl::NotFoundError(message);
  }
  return absl::InternalError(message);
}

}  // namespace hotline::store
