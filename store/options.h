#ifndef HOTLINE_STORE_OPTIONS_H_
#define HOTLINE_STORE_OPTIONS_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace hotline::store {

class Replicator;

// How EventLog::Open opens the directory.
enum class OpenMode {
  // The one writer. Takes RocksDB's lock: a second read-write open of the same
  // directory fails with FAILED_PRECONDITION.
  kReadWrite,
  // A frozen view of what was committed when it opened; no lock is taken, so
  // it works beside a running writer and on a copied directory.
  kReadOnly,
  // A RocksDB secondary instance: reads beside a running writer and sees its
  // later appends after CatchUp(). Needs Options::secondary_path.
  kSecondary,
};

// One group commit the writer made: what one WriteBatch carried and how
// long its write took (with sync on, the WAL append and its fsync).
struct GroupCommitInfo {
  size_t appends = 0;  // appends written (repeats of a command id excluded)
  size_t events = 0;
  absl::Duration write_time;
  bool synced = false;
};

// Options fixed when the log is opened. Plain values; every field has a default.
struct Options {
  OpenMode mode = OpenMode::kReadWrite;

  // Create the database when the directory holds none (kReadWrite only).
  bool create_if_missing = true;

  // fsync the WAL before an append returns. Default on: these are government
  // records. Group commit keeps throughput up with it on: one fsync covers
  // every append queued while the previous one ran.
  bool sync = true;

  // Where a kSecondary instance keeps its own info log and state; must differ
  // from the primary's directory. Default: none (required for kSecondary).
  std::string secondary_path;

  // Limits on what one append may carry; larger input is INVALID_ARGUMENT.
  size_t max_stream_id_bytes = 128;
  size_t max_command_id_bytes = 128;
  size_t max_payload_bytes = 1 << 20;  // one event
  size_t max_events_per_append = 1024;

  // The writer stops adding queued appends to one group at this many payload
  // bytes (a group is one WriteBatch and one fsync). Larger groups amortise
  // the fsync better but make the first append in them wait longer.
  size_t max_group_bytes = 4 << 20;

  // Stream versions the writer keeps in memory so that an append to a recent
  // stream needs no index lookup. About 100 bytes an entry; the cache is
  // emptied when full.
  size_t stream_cache_entries = 1 << 16;

  // RocksDB block cache shared by all families. Default 32 MiB.
  size_t block_cache_bytes = 32 << 20;

  // RocksDB memtables of all families together; a family's memtable is
  // flushed at a quarter of this. Default 64 MiB.
  size_t memtable_bytes = 64 << 20;

  // The environment (file system, clock, threads) RocksDB runs on. nullptr,
  // the default, is RocksDB's default Env. For tests that inject faults and
  // for embedders with a file system of their own. Not owned: it must
  // outlive the EventLog. Open (for CURRENT) and CreateCheckpoint (for the
  // target) test paths on the local file system directly, so the Env must
  // keep files at their paths.
  rocksdb::Env* env = nullptr;
  // Maintain the Merkle tree over the records (RFC 9162; see
  // store/transparency.h) in the same write as each append: two hashes and
  // about two small keys per record. Off only to measure its cost; a store
  // written without it gets its tree when next opened read-write with it.
  bool merkle_tree = true;
  // Called after each group commit that wrote, on the writing thread while
  // later appends wait: keep it short. For metrics. Default: none.
  std::function<void(const GroupCommitInfo&)> on_group_commit;
  // kReadWrite only: a copy of the log every group commit must reach before
  // its appends are acknowledged (see store/replicator.h), checked against
  // the log when it opens. Default: none (the local disk only).
  std::shared_ptr<Replicator> replicator;
};

}  // namespace hotline::store

#endif  // HOTLINE_STORE_OPTIONS_H_
