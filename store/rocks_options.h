#ifndef HOTLINE_STORE_ROCKS_OPTIONS_H_
#define HOTLINE_STORE_ROCKS_OPTIONS_H_

// Internal: how the event log sets up RocksDB, shared by opening a log and
// by copying one (a backup without a writer). Not part of the API.

#include <string>
#include <vector>

#include "rocksdb/options.h"
#include "store/options.h"

namespace hotline::store {

// The RocksDB options of a log opened with `options`.
rocksdb::Options RocksOptions(const Options& options);

// Every column family of the log, `default` (unused, required by RocksDB)
// first, in the order of EventLog's handles.
const std::vector<std::string>& FamilyNames();

}  // namespace hotline::store

#endif  // HOTLINE_STORE_ROCKS_OPTIONS_H_
