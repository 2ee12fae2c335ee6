#ifndef HOTLINE_TESTS_FAULT_INJECTION_FS_H_
#define HOTLINE_TESTS_FAULT_INJECTION_FS_H_

// FaultInjectionFs: a rocksdb::FileSystem for tests that sits on a real one
// and can (a) simulate a power cut, losing what was never made durable, and
// (b) fail chosen calls with an IOError. Run a store on it through
// NewFaultInjectionEnv (below) and store::Options::env.
//
// The durability model (what survives PowerCut):
//   - A file's data survives up to the size it had when its last successful
//     Sync or Fsync began. Bytes appended after that are lost; Flush, Close
//     and RangeSync make nothing durable (as on Linux: close() does not sync).
//   - A file's name survives only when a directory Fsync of its directory
//     succeeded after the file was created or renamed to that name. RocksDB
//     does fsync the directory after creating a WAL (at its first synced
//     write, or SyncWAL), after a flush or compaction writes SSTs, and after
//     renaming a new CURRENT, OPTIONS or IDENTITY into place; a file it never
//     covers that way is removed by PowerCut, data and all.
//   - A rename not yet covered by a directory Fsync is undone: the file goes
//     back to its old name, and a file it replaced gets its old contents back.
//   - Deletions, truncations made through the file system, hard links and
//     new directories are durable at once (a simplification: RocksDB only
//     deletes files it no longer needs, so resurrecting them would test
//     nothing of ours).
//   - Only files opened for writing through this object are tracked. Files
//     that existed before, and files written by other means (info LOG,
//     LOCK, NewRandomRWFile), count as durable as they are.
//   - Unsynced data is lost whole, from the end of the synced part on; no
//     torn or reordered pages, unless PowerCut is given a generator (below).
//
// Thread safety: every method may be called from any thread, concurrently
// with RocksDB's own calls.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/file_system.h"

namespace hotline::testing {

// The calls a fault can be injected into.
enum class FsOp {
  kNewFile,  // NewWritableFile, ReopenWritableFile, ReuseWritableFile
  kWrite,    // a writable file's Append or PositionedAppend
  kSync,     // a writable file's Sync or Fsync
  kRename,   // RenameFile; matched against both the old and the new name
  kDirSync,  // a directory's Fsync
};

// What an armed fault does to the call it hits.
enum class Failure {
  kError,           // IOError "injected fault: <op> <path>"
  kRetryableError,  // the same, marked retryable: RocksDB may resume by itself
  kPowerOff,        // the power goes: IOError "power is off", and SetDead(true)
};

// What PowerCut did.
struct PowerCutReport {
  uint64_t bytes_dropped = 0;  // unsynced bytes cut from files that remain
  int files_truncated = 0;     // files that lost a tail
  int files_removed = 0;       // files whose name was never made durable
  int renames_undone = 0;
};

class FaultInjectionFs : public rocksdb::FileSystemWrapper {
 public:
  // On `base`, the real file system by default. Syncs are recorded, and
  // passed on to `base` only with `real_syncs`: the model above, not the
  // disk, decides what a simulated power cut keeps, and an fsync costs
  // milliseconds (more while other processes write).
  explicit FaultInjectionFs(
      std::shared_ptr<rocksdb::FileSystem> base = rocksdb::FileSystem::Default(),
      bool real_syncs = false);
  ~FaultInjectionFs() override;

  const char* Name() const override { return "HotlineFaultInjectionFs"; }

  // ---- Injected errors --------------------------------------------------------

  // The (skip+1)-th call of `op` from now on, counting only calls on a file
  // whose path contains `path_part` (every file when empty), fails as
  // `failure` says and does nothing: a failed write writes nothing, a failed
  // sync syncs nothing. Then the fault is spent; later calls succeed (unless
  // the power went). Faults armed together count and fire independently.
  void FailNext(FsOp op, const std::string& path_part = "", int skip = 0,
                Failure failure = Failure::kError);

  // How many armed faults have fired since construction.
  int faults_fired() const;

  // The next call of `op` on a file whose path contains `path_part` waits,
  // before doing anything, until Release(): to hold a commit in the middle
  // (e.g. in its WAL sync) while other appends queue behind it.
  void HoldNext(FsOp op, const std::string& path_part);
  // Returns once a call is held by HoldNext.
  void WaitUntilHeld();
  // Lets the held call (or the next one, if none is held yet) go on.
  void Release();

  // ---- Power cut --------------------------------------------------------------

  // While dead, every call that would change what is stored — new file,
  // write, sync, rename, delete, truncate, link, directory create or fsync —
  // fails with IOError "power is off"; reads still work. Returns once calls
  // already under way have finished, so nothing changes the disk after it.
  // Use it before destroying the store, so that closing cannot write or
  // sync anything that a real power cut would have lost.
  void SetDead(bool dead);
  bool dead() const;

  // Makes the files on the base file system what a machine would find after
  // losing power now, by the model above, then starts afresh: everything
  // that remains counts as durable, the file system is alive and no fault
  // is armed. Call it only when no database is open on this file system
  // (closed, or destroyed while dead). With `keep_random_tail`, each file
  // that remains keeps a random part (possibly none, possibly all) of its
  // unsynced bytes, as when the page cache wrote some of them back.
  // INTERNAL, naming the file, when the base file system fails.
  absl::StatusOr<PowerCutReport> PowerCut(std::mt19937_64* keep_random_tail = nullptr);

  // ---- rocksdb::FileSystem --------------------------------------------------

  rocksdb::IOStatus NewWritableFile(const std::string& path,
                                    const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& path,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& path, const std::string& old_path,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewDirectory(const std::string& path, const rocksdb::IOOptions& options,
                                 std::unique_ptr<rocksdb::FSDirectory>* result,
                                 rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& from, const std::string& to,
                               const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& path, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus Truncate(const std::string& path, size_t size,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& from, const std::string& to,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDir(const std::string& path, const rocksdb::IOOptions& options,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDirIfMissing(const std::string& path,
                                       const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override;

 private:
  class File;
  class Directory;
  friend class File;
  friend class Directory;

  // What the model knows of one tracked file.
  struct FileState {
    uint64_t size = 0;    // bytes written
    uint64_t synced = 0;  // bytes durable
    bool named = false;   // its directory entry is durable
  };
  // A rename not yet covered by a directory fsync.
  struct PendingRename {
    std::string from;
    std::string to;
    FileState from_state;                  // `from` as it was
    std::optional<std::string> replaced;   // `to`'s durable contents, if it existed
  };
  struct Fault {
    FsOp op;
    std::string path_part;
    int skip;
    Failure failure;
  };

  // Non-OK when the call must fail: dead, or an armed fault matches `path`
  // or `other`. The caller holds gate_ (shared) until the call is done.
  rocksdb::IOStatus Check(FsOp op, const std::string& path, const std::string& other = "")
      ABSL_SHARED_LOCKS_REQUIRED(gate_);
  // Non-OK when dead.
  rocksdb::IOStatus CheckAlive(const std::string& what, const std::string& path) const
      ABSL_SHARED_LOCKS_REQUIRED(gate_);
  // Tracks and wraps a file just opened for writing (unless `opened` failed).
  rocksdb::IOStatus WrapNewFile(const std::string& path, bool existed, bool keeps_contents,
                                rocksdb::IOStatus opened,
                                std::unique_ptr<rocksdb::FSWritableFile>* result);

  // Bookkeeping, called by File and Directory.
  // `appended` bytes at the end, or (appended 0) bytes up to `end_offset`.
  void Wrote(const std::string& path, uint64_t end_offset, uint64_t appended);
  uint64_t SizeOf(const std::string& path) const;
  void Synced(const std::string& path, uint64_t size);
  void TruncatedTo(const std::string& path, uint64_t size);
  void DirectorySynced(const std::string& dir);

  const bool real_syncs_;

  // Held shared by each call that changes what is stored, for its whole
  // length, and exclusively by SetDead and PowerCut: so that once the power
  // is off, no call under way can still change the disk.
  mutable absl::Mutex gate_;
  // Set under gate_ exclusively, or by a kPowerOff fault under gate_ shared
  // (the calls already under way then finish as if just before the cut).
  std::atomic<bool> dead_{false};

  mutable absl::Mutex mu_;
  std::map<std::string, FileState> files_ ABSL_GUARDED_BY(mu_);
  std::vector<PendingRename> renames_ ABSL_GUARDED_BY(mu_);
  std::vector<Fault> faults_ ABSL_GUARDED_BY(mu_);
  struct Hold {
    FsOp op = FsOp::kWrite;
    std::string path_part;
    bool armed = false;    // HoldNext called, Release not yet
    bool holding = false;  // a call waits for Release
  };
  Hold hold_ ABSL_GUARDED_BY(mu_);
  int fired_ ABSL_GUARDED_BY(mu_) = 0;
};

// An Env for a store on `fs`: the default Env's threads and clock, `fs` for
// files, except that sleeps last at most 10 ms. RocksDB sleeps a whole
// second after a failed background flush or compaction before retrying, and
// closing waits for that sleep; each cut that interrupts a flush would cost
// a second. Must outlive every store opened on it.
std::unique_ptr<rocksdb::Env> NewFaultInjectionEnv(std::shared_ptr<FaultInjectionFs> fs);

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_FAULT_INJECTION_FS_H_
