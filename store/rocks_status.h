#ifndef HOTLINE_STORE_ROCKS_STATUS_H_
#define HOTLINE_STORE_ROCKS_STATUS_H_

// Internal: turns RocksDB statuses into absl::Status. Not part of the API.

#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace hotline::store {

// Maps `s` to the closest absl code and prefixes `context` to its message:
// a held lock becomes FAILED_PRECONDITION, corruption DATA_LOSS, a missing
// file NOT_FOUND, busy/timeouts UNAVAILABLE, the rest INTERNAL.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view context);

}  // namespace hotline::store

#endif  // HOTLINE_STORE_ROCKS_STATUS_H_
