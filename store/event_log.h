#ifndef HOTLINE_STORE_EVENT_LOG_H_
#define HOTLINE_STORE_EVENT_LOG_H_

// EventLog: a durable, append-only, hash-chained log of opaque event payloads
// in one RocksDB database. It knows nothing of what the payloads mean.
//
// Every record has a global sequence (1, 2, 3, ... without gaps), belongs to
// one stream and has a version in it (1, 2, 3, ... without gaps), and carries
// SHA-256(prev_hash || record), chaining it to every record before it. Records
// are never changed or removed through this API.
//
// Thread safety: every method may be called from any number of threads at
// once. Appends from many threads are committed in groups: one WriteBatch and
// one fsync per group. Readers never block the writer.
//
// Error codes used throughout:
//   INVALID_ARGUMENT    malformed input; nothing was written
//   ABORTED             expected version did not match (retry from fresh state)
//   FAILED_PRECONDITION a write on a log not opened kReadWrite, or a directory
//                       locked by another writer
//   NOT_FOUND           a record or directory that does not exist
//   DATA_LOSS           stored bytes that cannot be decoded
//   INTERNAL / UNAVAILABLE  RocksDB I/O errors, with RocksDB's message
//
// I/O errors are sticky, as LevelDB's background error: once a write of the
// log (an append, a checkpoint, a clear) has failed, whether its batch
// reached the disk is unknown, and every later write fails with the same
// status until the log is reopened. The outcome of the failed call itself is
// unknown: after reopening, retry it with the same command id, which either
// finds it committed (duplicate) or commits it now. Appends acknowledged
// before the failure are never lost.

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "store/merkle.h"
#include "store/options.h"
#include "store/record.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
class Snapshot;
class Status;
class WriteBatch;
}  // namespace rocksdb

namespace hotline::store {

class Subscription;

// The families a caller may keep its own (projection) data in.
enum class Family {
  kState,        // per-entity current state, e.g. an inline projection
  kProjections,  // anything else a projection keeps
  // Secrets (e.g. data keys) that no copy of the store may hold: left out of
  // CreateCheckpoint, and a deleted one is forced off the disk by Shred.
  // Absent (reads find nothing) in a store made before it and opened
  // read-only.
  kSecrets,
};

// A caller-supplied write to commit atomically with an append (or with a
// checkpoint). A value of nullopt deletes the key.
struct ExtraWrite {
  Family family = Family::kState;
  std::string key;
  std::optional<std::string> value;
};

// A stream an append depends on without writing to it, and the version it
// must be at.
struct StreamExpectation {
  std::string stream_id;
  uint64_t version = 0;
};

// What to append: one or more events to one stream, atomically.
struct AppendRequest {
  // Non-empty, at most Options::max_stream_id_bytes, no 0x00 byte.
  std::string stream_id;
  // When set, the append is refused with ABORTED unless the stream currently
  // has exactly this many records (0 = the stream must not exist yet).
  std::optional<uint64_t> expected_version;
  // The events, in order. At least one; each at most max_payload_bytes.
  std::vector<std::string> payloads;
  // Other streams whose versions the append was decided on (e.g. the
  // ticket a merge joins): refused with ABORTED unless each is at exactly
  // that version when the append commits, so two appends cannot each decide
  // on the other's stream as it was before the other (write skew).
  std::vector<StreamExpectation> other_streams;
  // Idempotency key, at most max_command_id_bytes. When non-empty and already
  // recorded, the append returns the original positions, writes nothing and
  // performs no other check. Empty: not recorded.
  std::string command_id;
  // Written in the same WriteBatch as the events, only if they are.
  std::vector<ExtraWrite> extra_writes;
};

struct AppendResult {
  uint64_t first_sequence = 0;  // global sequence of the first event
  uint32_t count = 0;           // events appended (originally, for a duplicate)
  uint64_t stream_version = 0;  // the stream's version after the last event
  bool duplicate = false;       // command id was seen before; nothing written
};

// The last committed record's position and hash (0 and GenesisHash() when
// the log is empty).
struct Head {
  uint64_t sequence = 0;
  std::string hash;
};

// The first fault VerifyChain found.
struct ChainFault {
  uint64_t sequence = 0;  // global position of the faulty (or missing) record
  std::string what;       // e.g. "hash mismatch", "gap: record missing"
};

struct ChainReport {
  uint64_t records = 0;         // records checked before a fault (or all)
  uint64_t stream_entries = 0;  // stream index entries checked
  std::optional<ChainFault> fault;
  bool ok() const { return !fault.has_value(); }
};

class EventLog {
 public:
  // Opens (or, kReadWrite with create_if_missing, creates) the log in the
  // directory `path`. Errors: FAILED_PRECONDITION when another process holds
  // the write lock; NOT_FOUND when there is no database and it may not be
  // created, and for a reader (kReadOnly, kSecondary) when the database's
  // creation was cut short (a crash while it was made: nothing was written,
  // and the next kReadWrite open completes it); INVALID_ARGUMENT for a
  // kSecondary without secondary_path;
  // DATA_LOSS when the database's format marker is unknown, or missing from
  // a database that holds data; FAILED_PRECONDITION for a RocksDB database
  // with column families that are not the log's (nothing is written to it);
  // INVALID_ARGUMENT for options out of range (the message names the field).
  static absl::StatusOr<std::unique_ptr<EventLog>> Open(
      const std::string& path, const Options& options);

  // Closes the database (see Close) unless Close was called, ignoring its
  // error. Subscriptions waiting in Next() return CANCELLED; every
  // Subscription and every call in progress must have ended before the
  // EventLog is destroyed.
  ~EventLog();

  // Closes the database and returns what RocksDB reports of it (e.g. a
  // background error). After it, only the destructor may be called. A
  // second call returns OK.
  absl::Status Close();

  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Appends request.payloads to request.stream_id as one atomic unit, queued
  // with concurrent appends into one group commit. On OK the events are
  // committed (and, with Options::sync, on stable storage). Errors:
  // INVALID_ARGUMENT (empty or over-long stream id, stream id with 0x00, no
  // events, too many or oversized events, over-long command id),
  // ABORTED (expected_version mismatch; the message names the current
  // version), FAILED_PRECONDITION (not opened kReadWrite), I/O errors (then
  // the outcome is unknown and later writes fail too: see above).
  // A refused append writes nothing, extra writes included. A repeat of a
  // command id committed in the same group succeeds only if the group does.
  absl::StatusOr<AppendResult> Append(const AppendRequest& request);

  // The sticky write error (see above): OK until a write of this log
  // failed, then that failure until the log is reopened.
  absl::Status write_error() const;

  // The positions recorded for `command_id`, or nullopt if it was never
  // appended. duplicate is set in the result.
  absl::StatusOr<std::optional<AppendResult>> FindCommand(
      absl::string_view command_id) const;

  // Number of records in the stream (0 for an unknown stream).
  absl::StatusOr<uint64_t> StreamVersion(absl::string_view stream_id) const;

  // Number of the stream's records at sequences <= `through`: its version as
  // of that log position (0 when it had none). DATA_LOSS for an index entry
  // that does not decode.
  absl::StatusOr<uint64_t> StreamVersionAt(absl::string_view stream_id,
                                           uint64_t through) const;

  // The last committed record. For kReadOnly, as of opening; for kSecondary,
  // as of the last CatchUp().
  Head head() const;

  // The record at `sequence`; NOT_FOUND past the head or for 0.
  absl::StatusOr<Record> Read(uint64_t sequence) const;

  // Calls `visit` for each record with from <= sequence <= through, in
  // order, from one consistent snapshot. The Record is reused between calls.
  // Stops early, returning that status, when `visit` returns non-OK; the
  // special status of StopScan() ends the scan and Scan returns OK.
  absl::Status Scan(uint64_t from, uint64_t through,
                    const std::function<absl::Status(const Record&)>& visit)
      const;

  // The records of one stream with version >= from_version, in order.
  absl::StatusOr<std::vector<Record>> ReadStream(absl::string_view stream_id,
                                                 uint64_t from_version = 1)
      const;

  // A reader that returns every record after `after_sequence` in order:
  // first those already committed, then live appends as they commit. Only on
  // a kReadWrite log (elsewhere its Next() reports FAILED_PRECONDITION).
  std::unique_ptr<Subscription> Subscribe(uint64_t after_sequence);

  // Blocks until the head reaches `sequence`. Returns OK when it has,
  // DEADLINE_EXCEEDED when `timeout` passed first, CANCELLED when the log
  // began closing first.
  absl::Status WaitForSequence(uint64_t sequence, absl::Duration timeout) const;

  // A caller's own data in `family`; nullopt when absent.
  absl::StatusOr<std::optional<std::string>> Get(Family family,
                                                 absl::string_view key) const;

  // Calls `visit(key, value)` for each key in `family` starting with
  // `prefix`, in key order, from one snapshot. Non-OK from `visit` stops the
  // scan and is returned (StopScan() ends it with OK).
  absl::Status ScanFamily(
      Family family, absl::string_view prefix,
      const std::function<absl::Status(absl::string_view, absl::string_view)>&
          visit) const;

  // Calls `visit(key, value)` for each key in `family` with from <= key < to,
  // in key order, from one snapshot; seeks straight to `from`, so the cost is
  // O(log n) plus the keys visited. Stops as ScanFamily does.
  absl::Status ScanFamilyRange(
      Family family, absl::string_view from, absl::string_view to,
      const std::function<absl::Status(absl::string_view, absl::string_view)>&
          visit) const;

  // Deletes every key of `family` starting with `prefix` (all keys for an
  // empty prefix), atomically. kReadWrite only. For rebuilding projections.
  absl::Status ClearFamily(Family family, absl::string_view prefix);

  // Atomically applies `writes` and records `sequence` as the checkpoint of
  // projection `name` (the last log position it has applied). kReadWrite only.
  absl::Status WriteCheckpoint(absl::string_view name, uint64_t sequence,
                               const std::vector<ExtraWrite>& writes);

  // The checkpoint last written for `name`, 0 when none.
  absl::StatusOr<uint64_t> ReadCheckpoint(absl::string_view name) const;

  // kSecondary: reads what the primary has committed since the last call and
  // moves head() forward. Other modes: does nothing and returns OK.
  absl::Status CatchUp();

  // ---- The Merkle tree (RFC 9162) over the records' chain hashes ----------
  // Leaf i is record i + 1; the tree of size N covers records 1..N. Read it
  // through store/transparency.h.

  // Records the stored tree covers: the head, unless the store was written
  // without the tree (Options::merkle_tree) and not opened read-write with
  // it since.
  absl::StatusOr<uint64_t> TreeSize() const;
  // The hash of the perfect subtree of 2^level leaves starting at leaf
  // index * 2^level: stored, or below kStoredTreeLevel (keys.h) hashed from
  // its records. NOT_FOUND when not stored (yet) or its records are not all
  // in the log, DATA_LOSS when malformed.
  absl::StatusOr<std::string> TreeNode(int level, uint64_t index) const;

  // Walks the whole log and checks, for every record: the key is the next
  // gapless sequence, the record's own sequence matches, prev_hash is the
  // previous record's hash, the hash is SHA-256 of the record, the stream
  // index maps (stream, version) to it and versions are gapless; then that
  // the index has no other entries and the stored head is the last record.
  // The report names the first fault. Non-OK only for I/O errors.
  absl::StatusOr<ChainReport> VerifyChain() const;

  // Appends records copied from another log's writer, as they are: each
  // value (see record.h) must be the next record — sequence head + 1,
  // prev_hash the head's hash, hash SHA-256 of its bytes, stream version its
  // stream's next — and gets the index entries Append would have given it
  // (a record continuing the append of the record before it, same stream
  // and command id, extends that command's entry). Written in one write
  // with `extra_writes`, synced per Options::sync. DATA_LOSS naming the
  // sequence of the first record that does not decode or follow: nothing is
  // written then. INVALID_ARGUMENT over the limits of Options. kReadWrite
  // only; nothing else may append meanwhile (a replica has no other writer).
  absl::Status AppendRecords(const std::vector<std::string>& values,
                             const std::vector<ExtraWrite>& extra_writes);

  // Removes the records after `sequence` — with their stream and command
  // index entries and the Merkle tree nodes over them — and makes
  // `sequence` the head; returns the removed records in order (none when
  // the head is at or before `sequence`). The one removal there is: for a
  // replica's tail that its replicated log never took (see
  // store/replicator.h), whose appends were never acknowledged. The
  // caller's own data (projections) is left as it was. kReadWrite only;
  // nothing may append meanwhile. Synced before it returns.
  absl::StatusOr<std::vector<Record>> DropAfter(uint64_t sequence);

  // Forces deleted Family::kSecrets keys out of the database's files: that
  // family's memtable flushed and its files compacted to the bottom level
  // until none keeps a deleted value (a reader's snapshot older than the
  // deletion holds it back: retried for up to `patience`, then
  // UNAVAILABLE), then every family flushed so that no write-ahead log file
  // that held one remains. The files are unlinked, not overwritten: see
  // docs/personal-data.md for what stays on the device. kReadWrite only.
  absl::Status Shred(absl::Duration patience = absl::Seconds(30));

  // Forces every append committed so far onto stable storage (fsync of the
  // write-ahead log): for bulk loads made with Options::sync off.
  absl::Status SyncWal();

  // Writes every family's memtable to table files and waits until it is
  // done, so that the memory the memtables held is freed: for bulk loads,
  // before a pass that needs that memory. kReadWrite only.
  absl::Status FlushMemtables();

  // Writes a consistent copy of the database to the new directory `dir`,
  // usable by Open like the original, while appends go on: every key as of
  // one snapshot (for kSecondary after CatchUp, for kReadOnly as opened)
  // except those of Family::kSecrets, which no copy holds.
  // FAILED_PRECONDITION when `dir` exists.
  absl::Status CreateCheckpoint(const std::string& dir) const;

  // Total bytes of the database's files (approximate).
  uint64_t ApproximateBytes() const;

  const Options& options() const { return options_; }

 private:
  struct PendingAppend;
  struct GroupResult;

  EventLog(const Options& options, std::unique_ptr<rocksdb::DB> db,
           std::vector<rocksdb::ColumnFamilyHandle*> handles);

  absl::Status LoadHead();
  // Read-write opening: builds or extends the stored tree up to the head (a
  // store written without it), then loads the writer's frontier.
  absl::Status PrepareTree();
  // True when neither the unused default family nor the events hold a key.
  absl::StatusOr<bool> IsEmptyDatabase() const;
  // FAILED_PRECONDITION unless kReadWrite; the sticky write error if any.
  absl::Status CheckWritable() const;
  // The status of a write: OK, or its error made sticky (see above).
  absl::Status CheckWrite(const rocksdb::Status& status, absl::string_view context);
  // Makes `error` the sticky write error unless one is set already, and
  // returns the sticky one.
  absl::Status MakeSticky(const absl::Status& error);
  // The stream's version, found by point lookups when it is `expected` (the
  // common case: a new stream, or one whose writer read its version), by
  // StreamVersion otherwise.
  absl::StatusOr<uint64_t> StreamVersionExpecting(absl::string_view stream_id,
                                                  uint64_t expected) const;
  absl::StatusOr<bool> StreamHasVersion(absl::string_view stream_id, uint64_t version) const;
  absl::Status ValidateRequest(const AppendRequest& request) const;
  // INVALID_ARGUMENT naming `field` unless `id` is a valid stream id.
  absl::Status CheckStreamId(absl::string_view field, absl::string_view id) const;
  // Adds the record whose chain hash is `hash` to `frontier` as the tree's
  // next leaf, and the stored nodes (levels kStoredTreeLevel and up) that
  // it completes to `batch`.
  void AddTreeLeaf(absl::string_view hash, merkle::Frontier* frontier,
                   rocksdb::WriteBatch* batch) const;
  // Adds the head's key (and the tree's size, which follows it) to `batch`.
  void PutHead(const Head& head, rocksdb::WriteBatch* batch) const;
  // After a write that moved the head: the streams' versions it left into
  // the cache, then the head, published to readers.
  void AdvanceHead(Head head, const absl::flat_hash_map<std::string, uint64_t>& versions);
  // Commits the given appends as one group. Called only by the group leader.
  void CommitGroup(const std::vector<PendingAppend*>& group);
  rocksdb::ColumnFamilyHandle* FamilyHandle(Family family) const;
  // Deletions in the secrets family's table files.
  absl::StatusOr<uint64_t> SecretDeletions() const;
  // Adds a caller's puts and deletes to `batch`.
  void AddExtraWrites(const std::vector<ExtraWrite>& writes, rocksdb::WriteBatch* batch) const;
  // A snapshot for multi-read consistency beside a live writer; nullptr where
  // the data cannot change under the reader (kReadOnly, and kSecondary, which
  // moves only on CatchUp and has no snapshots). Release with ReleaseSnapshot.
  const rocksdb::Snapshot* TakeSnapshot() const;
  void ReleaseSnapshot(const rocksdb::Snapshot* snapshot) const;

  const Options options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // owned; see Open
  rocksdb::ColumnFamilyHandle* events_;
  rocksdb::ColumnFamilyHandle* streams_;
  rocksdb::ColumnFamilyHandle* commands_;
  rocksdb::ColumnFamilyHandle* state_;
  rocksdb::ColumnFamilyHandle* projections_;
  rocksdb::ColumnFamilyHandle* meta_;
  rocksdb::ColumnFamilyHandle* secrets_;  // nullptr: absent (see kSecrets)

  // Stream versions as of the head, touched only by the group leader (one
  // thread at a time, ordered by mu_ hand-offs). Not a source of truth.
  absl::flat_hash_map<std::string, uint64_t> stream_cache_;
  // The right edge of the Merkle tree at the head, kept by the group leader
  // like stream_cache_ (Options::merkle_tree).
  merkle::Frontier frontier_;

  mutable absl::Mutex mu_;
  // Appends waiting to be committed; the front one leads the next group.
  std::deque<PendingAppend*> queue_ ABSL_GUARDED_BY(mu_);
  Head head_ ABSL_GUARDED_BY(mu_);
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  // The first failed write; once set, every write returns it (see above).
  absl::Status write_error_ ABSL_GUARDED_BY(mu_);
};

// Returned by a Scan visitor to end the scan early without an error.
absl::Status StopScan();

}  // namespace hotline::store

#endif  // HOTLINE_STORE_EVENT_LOG_H_
