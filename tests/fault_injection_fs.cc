#include "tests/fault_injection_fs.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/env.h"
#include "rocksdb/system_clock.h"

namespace hotline::testing {
namespace {

using rocksdb::IOStatus;

const char* OpName(FsOp op) {
  switch (op) {
    case FsOp::kNewFile: return "new file";
    case FsOp::kWrite: return "write";
    case FsOp::kSync: return "sync";
    case FsOp::kRename: return "rename";
    case FsOp::kDirSync: return "directory fsync";
  }
  return "?";
}

// One spelling per file, so that a directory's fsync finds its files
// however RocksDB joined the names.
std::string Normal(const std::string& path) {
  std::string p = std::filesystem::path(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::string Parent(const std::string& normal_path) {
  return std::filesystem::path(normal_path).parent_path().string();
}

}  // namespace

// A writable file that reports what it writes and syncs.
class FaultInjectionFs::File : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  File(FaultInjectionFs* fs, std::string path, std::unique_ptr<rocksdb::FSWritableFile> base)
      : FSWritableFileOwnerWrapper(std::move(base)), fs_(fs), path_(std::move(path)) {}

  IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                  rocksdb::IODebugContext* dbg) override {
    absl::ReaderMutexLock gate(&fs_->gate_);
    IOStatus s = fs_->Check(FsOp::kWrite, path_);
    if (s.ok()) s = target()->Append(data, options, dbg);
    if (s.ok()) fs_->Wrote(path_, 0, data.size());
    return s;
  }
  IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                  const rocksdb::DataVerificationInfo& /*verification*/,
                  rocksdb::IODebugContext* dbg) override {
    return Append(data, options, dbg);
  }
  IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                            const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
    absl::ReaderMutexLock gate(&fs_->gate_);
    IOStatus s = fs_->Check(FsOp::kWrite, path_);
    if (s.ok()) s = target()->PositionedAppend(data, offset, options, dbg);
    if (s.ok()) fs_->Wrote(path_, offset + data.size(), 0);
    return s;
  }
  IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                            const rocksdb::IOOptions& options,
                            const rocksdb::DataVerificationInfo& /*verification*/,
                            rocksdb::IODebugContext* dbg) override {
    return PositionedAppend(data, offset, options, dbg);
  }
  IOStatus Truncate(uint64_t size, const rocksdb::IOOptions& options,
                    rocksdb::IODebugContext* dbg) override {
    absl::ReaderMutexLock gate(&fs_->gate_);
    IOStatus s = fs_->CheckAlive("truncate", path_);
    if (s.ok()) s = target()->Truncate(size, options, dbg);
    if (s.ok()) fs_->TruncatedTo(path_, size);
    return s;
  }
  IOStatus Sync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    return SyncWith(&rocksdb::FSWritableFile::Sync, options, dbg);
  }
  IOStatus Fsync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    return SyncWith(&rocksdb::FSWritableFile::Fsync, options, dbg);
  }

 private:
  IOStatus SyncWith(IOStatus (rocksdb::FSWritableFile::*sync)(const rocksdb::IOOptions&,
                                                              rocksdb::IODebugContext*),
                    const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) {
    absl::ReaderMutexLock gate(&fs_->gate_);
    IOStatus s = fs_->Check(FsOp::kSync, path_);
    if (!s.ok()) return s;
    // Appends may run beside a sync (posix files allow it); only what was
    // written when the sync began is sure to be covered by it.
    const uint64_t covered = fs_->SizeOf(path_);
    if (fs_->real_syncs_) s = (target()->*sync)(options, dbg);
    if (s.ok()) fs_->Synced(path_, covered);
    return s;
  }

  FaultInjectionFs* const fs_;
  const std::string path_;
};

// A directory whose fsync makes the names in it durable.
class FaultInjectionFs::Directory : public rocksdb::FSDirectoryWrapper {
 public:
  Directory(FaultInjectionFs* fs, std::string path, std::unique_ptr<rocksdb::FSDirectory> base)
      : FSDirectoryWrapper(std::move(base)), fs_(fs), path_(std::move(path)) {}

  IOStatus Fsync(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg) override {
    absl::ReaderMutexLock gate(&fs_->gate_);
    IOStatus s = fs_->Check(FsOp::kDirSync, path_);
    if (s.ok() && fs_->real_syncs_) s = FSDirectoryWrapper::Fsync(options, dbg);
    if (s.ok()) fs_->DirectorySynced(path_);
    return s;
  }
  IOStatus FsyncWithDirOptions(const rocksdb::IOOptions& options, rocksdb::IODebugContext* dbg,
                               const rocksdb::DirFsyncOptions& dir_options) override {
    absl::ReaderMutexLock gate(&fs_->gate_);
    IOStatus s = fs_->Check(FsOp::kDirSync, path_);
    if (s.ok() && fs_->real_syncs_) {
      s = FSDirectoryWrapper::FsyncWithDirOptions(options, dbg, dir_options);
    }
    if (s.ok()) fs_->DirectorySynced(path_);
    return s;
  }

 private:
  FaultInjectionFs* const fs_;
  const std::string path_;
};

FaultInjectionFs::FaultInjectionFs(std::shared_ptr<rocksdb::FileSystem> base, bool real_syncs)
    : FileSystemWrapper(base), real_syncs_(real_syncs) {}

FaultInjectionFs::~FaultInjectionFs() = default;

// ---- Faults and death ---------------------------------------------------------

void FaultInjectionFs::FailNext(FsOp op, const std::string& path_part, int skip,
                                Failure failure) {
  absl::MutexLock lock(&mu_);
  faults_.push_back(Fault{op, path_part, skip, failure});
}

void FaultInjectionFs::HoldNext(FsOp op, const std::string& path_part) {
  absl::MutexLock lock(&mu_);
  hold_ = Hold{op, path_part, true, false};
}

void FaultInjectionFs::WaitUntilHeld() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&hold_.holding));
}

void FaultInjectionFs::Release() {
  absl::MutexLock lock(&mu_);
  hold_.armed = false;
}

int FaultInjectionFs::faults_fired() const {
  absl::MutexLock lock(&mu_);
  return fired_;
}

void FaultInjectionFs::SetDead(bool dead) {
  absl::WriterMutexLock gate(&gate_);
  dead_ = dead;
}

bool FaultInjectionFs::dead() const { return dead_; }

IOStatus FaultInjectionFs::CheckAlive(const std::string& what, const std::string& path) const {
  if (dead_) return IOStatus::IOError("power is off", absl::StrCat(what, " ", path));
  return IOStatus::OK();
}

IOStatus FaultInjectionFs::Check(FsOp op, const std::string& path, const std::string& other) {
  IOStatus s = CheckAlive(OpName(op), path);
  if (!s.ok()) return s;
  absl::MutexLock lock(&mu_);
  if (hold_.armed && !hold_.holding && hold_.op == op &&
      (absl::StrContains(path, hold_.path_part) || absl::StrContains(other, hold_.path_part))) {
    hold_.holding = true;
    mu_.Await(absl::Condition(+[](Hold* h) { return !h->armed; }, &hold_));
    hold_.holding = false;
  }
  auto fire = faults_.end();
  for (auto it = faults_.begin(); it != faults_.end(); ++it) {
    if (it->op != op) continue;
    if (!it->path_part.empty() && !absl::StrContains(path, it->path_part) &&
        !absl::StrContains(other, it->path_part)) {
      continue;
    }
    if (it->skip > 0) {
      --it->skip;
    } else if (fire == faults_.end()) {
      fire = it;
    }
  }
  if (fire == faults_.end()) return IOStatus::OK();
  const Failure failure = fire->failure;
  faults_.erase(fire);
  ++fired_;
  const std::string what =
      absl::StrCat(OpName(op), " ", path, other.empty() ? "" : " -> ", other);
  if (failure == Failure::kPowerOff) {
    dead_ = true;
    return IOStatus::IOError("power is off", what);
  }
  IOStatus error = IOStatus::IOError("injected fault", what);
  error.SetRetryable(failure == Failure::kRetryableError);
  return error;
}

// ---- Bookkeeping ----------------------------------------------------------------

void FaultInjectionFs::Wrote(const std::string& path, uint64_t end_offset, uint64_t appended) {
  absl::MutexLock lock(&mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return;  // deleted or renamed while open: not ours now
  FileState& f = it->second;
  f.size = appended > 0 ? f.size + appended : std::max(f.size, end_offset);
}

uint64_t FaultInjectionFs::SizeOf(const std::string& path) const {
  absl::MutexLock lock(&mu_);
  auto it = files_.find(path);
  return it == files_.end() ? 0 : it->second.size;
}

void FaultInjectionFs::Synced(const std::string& path, uint64_t size) {
  absl::MutexLock lock(&mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return;
  it->second.synced = std::max(it->second.synced, std::min(size, it->second.size));
}

void FaultInjectionFs::TruncatedTo(const std::string& path, uint64_t size) {
  absl::MutexLock lock(&mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return;
  it->second.size = size;
  it->second.synced = std::min(it->second.synced, size);
}

void FaultInjectionFs::DirectorySynced(const std::string& dir) {
  absl::MutexLock lock(&mu_);
  for (auto& [path, state] : files_) {
    if (Parent(path) == dir) state.named = true;
  }
  std::erase_if(renames_, [&](const PendingRename& r) { return Parent(r.to) == dir; });
}

// ---- rocksdb::FileSystem ----------------------------------------------------------

IOStatus FaultInjectionFs::WrapNewFile(const std::string& path, bool existed,
                                       bool keeps_contents, IOStatus opened,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result) {
  if (!opened.ok()) return opened;
  {
    absl::MutexLock lock(&mu_);
    auto it = files_.find(path);
    if (!keeps_contents || it == files_.end()) {
      // A file that existed and is not tracked is durable, name and all; a
      // durable name stays durable when the file is rewritten.
      FileState state;
      state.named = it == files_.end() ? existed : it->second.named;
      if (keeps_contents && existed) {
        uint64_t size = 0;
        (void)target_->GetFileSize(path, rocksdb::IOOptions(), &size, nullptr);
        state.size = state.synced = size;
      }
      files_[path] = state;
    }
  }
  *result = std::make_unique<File>(this, path, std::move(*result));
  return IOStatus::OK();
}

IOStatus FaultInjectionFs::NewWritableFile(const std::string& name,
                                           const rocksdb::FileOptions& options,
                                           std::unique_ptr<rocksdb::FSWritableFile>* result,
                                           rocksdb::IODebugContext* dbg) {
  const std::string path = Normal(name);
  absl::ReaderMutexLock gate(&gate_);
  IOStatus s = Check(FsOp::kNewFile, path);
  if (!s.ok()) return s;
  const bool existed = target_->FileExists(path, rocksdb::IOOptions(), dbg).ok();
  return WrapNewFile(path, existed, false, target_->NewWritableFile(path, options, result, dbg),
                     result);
}

IOStatus FaultInjectionFs::ReopenWritableFile(const std::string& name,
                                              const rocksdb::FileOptions& options,
                                              std::unique_ptr<rocksdb::FSWritableFile>* result,
                                              rocksdb::IODebugContext* dbg) {
  const std::string path = Normal(name);
  absl::ReaderMutexLock gate(&gate_);
  IOStatus s = Check(FsOp::kNewFile, path);
  if (!s.ok()) return s;
  const bool existed = target_->FileExists(path, rocksdb::IOOptions(), dbg).ok();
  return WrapNewFile(path, existed, true, target_->ReopenWritableFile(path, options, result, dbg),
                     result);
}

IOStatus FaultInjectionFs::ReuseWritableFile(const std::string& name, const std::string& old_name,
                                             const rocksdb::FileOptions& options,
                                             std::unique_ptr<rocksdb::FSWritableFile>* result,
                                             rocksdb::IODebugContext* dbg) {
  // Only with recycle_log_file_num, which the store leaves off. Modelled as
  // a new file whose name is not yet durable.
  const std::string path = Normal(name);
  absl::ReaderMutexLock gate(&gate_);
  IOStatus s = Check(FsOp::kNewFile, path, Normal(old_name));
  if (!s.ok()) return s;
  {
    absl::MutexLock lock(&mu_);
    files_.erase(Normal(old_name));
    files_.erase(path);
  }
  return WrapNewFile(path, false, false,
                     target_->ReuseWritableFile(path, old_name, options, result, dbg), result);
}

IOStatus FaultInjectionFs::NewDirectory(const std::string& name, const rocksdb::IOOptions& options,
                                        std::unique_ptr<rocksdb::FSDirectory>* result,
                                        rocksdb::IODebugContext* dbg) {
  std::unique_ptr<rocksdb::FSDirectory> base;
  IOStatus s = target_->NewDirectory(name, options, &base, dbg);
  if (s.ok()) *result = std::make_unique<Directory>(this, Normal(name), std::move(base));
  return s;
}

IOStatus FaultInjectionFs::RenameFile(const std::string& from_name, const std::string& to_name,
                                      const rocksdb::IOOptions& options,
                                      rocksdb::IODebugContext* dbg) {
  const std::string from = Normal(from_name);
  const std::string to = Normal(to_name);
  absl::ReaderMutexLock gate(&gate_);
  IOStatus s = Check(FsOp::kRename, from, to);
  if (!s.ok()) return s;
  absl::MutexLock lock(&mu_);
  PendingRename rename{from, to, FileState{0, 0, true}, std::nullopt};
  if (auto it = files_.find(from); it != files_.end()) {
    rename.from_state = it->second;
  } else {
    uint64_t size = 0;
    (void)target_->GetFileSize(from, options, &size, dbg);
    rename.from_state = FileState{size, size, true};
  }
  // What a power cut would bring back under `to` if the rename is lost.
  auto replaced = files_.find(to);
  if (target_->FileExists(to, options, dbg).ok() &&
      (replaced == files_.end() || replaced->second.named)) {
    std::string contents;
    if (rocksdb::ReadFileToString(target_.get(), to, &contents).ok()) {
      if (replaced != files_.end()) contents.resize(replaced->second.synced);
      rename.replaced = std::move(contents);
    }
  }
  s = target_->RenameFile(from, to, options, dbg);
  if (!s.ok()) return s;
  FileState moved = rename.from_state;
  moved.named = false;
  files_.erase(from);
  files_[to] = moved;
  renames_.push_back(std::move(rename));
  return s;
}

IOStatus FaultInjectionFs::DeleteFile(const std::string& name, const rocksdb::IOOptions& options,
                                      rocksdb::IODebugContext* dbg) {
  const std::string path = Normal(name);
  absl::ReaderMutexLock gate(&gate_);
  IOStatus s = CheckAlive("delete", path);
  if (s.ok()) s = target_->DeleteFile(path, options, dbg);
  if (s.ok()) {
    absl::MutexLock lock(&mu_);
    files_.erase(path);
    std::erase_if(renames_, [&](const PendingRename& r) { return r.to == path; });
  }
  return s;
}

IOStatus FaultInjectionFs::Truncate(const std::string& name, size_t size,
                                    const rocksdb::IOOptions& options,
                                    rocksdb::IODebugContext* dbg) {
  const std::string path = Normal(name);
  absl::ReaderMutexLock gate(&gate_);
  IOStatus s = CheckAlive("truncate", path);
  if (s.ok()) s = target_->Truncate(path, size, options, dbg);
  if (s.ok()) TruncatedTo(path, size);
  return s;
}

IOStatus FaultInjectionFs::LinkFile(const std::string& from, const std::string& to,
                                    const rocksdb::IOOptions& options,
                                    rocksdb::IODebugContext* dbg) {
  absl::ReaderMutexLock gate(&gate_);
  IOStatus s = CheckAlive("link", to);
  return s.ok() ? target_->LinkFile(from, to, options, dbg) : s;
}

IOStatus FaultInjectionFs::CreateDir(const std::string& path, const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) {
  absl::ReaderMutexLock gate(&gate_);
  IOStatus s = CheckAlive("create directory", path);
  return s.ok() ? target_->CreateDir(path, options, dbg) : s;
}

IOStatus FaultInjectionFs::CreateDirIfMissing(const std::string& path,
                                              const rocksdb::IOOptions& options,
                                              rocksdb::IODebugContext* dbg) {
  absl::ReaderMutexLock gate(&gate_);
  IOStatus s = CheckAlive("create directory", path);
  return s.ok() ? target_->CreateDirIfMissing(path, options, dbg) : s;
}

// ---- The power cut --------------------------------------------------------------

absl::StatusOr<PowerCutReport> FaultInjectionFs::PowerCut(std::mt19937_64* keep_random_tail) {
  absl::WriterMutexLock gate(&gate_);
  absl::MutexLock lock(&mu_);
  PowerCutReport report;
  const rocksdb::IOOptions io;
  auto failed = [](const IOStatus& s, const std::string& what) {
    return absl::InternalError(absl::StrCat("power cut: ", what, ": ", s.ToString()));
  };
  // Newest first, so that a chain of renames unwinds to where it began.
  for (auto r = renames_.rbegin(); r != renames_.rend(); ++r) {
    auto moved = files_.find(r->to);
    if (moved == files_.end()) continue;  // deleted since: gone either way
    IOStatus s = target_->RenameFile(r->to, r->from, io, nullptr);
    if (!s.ok()) return failed(s, absl::StrCat("undoing rename to ", r->to));
    FileState back = moved->second;
    back.named = r->from_state.named;
    files_.erase(moved);
    files_[r->from] = back;
    if (r->replaced) {
      s = rocksdb::WriteStringToFile(target_.get(), *r->replaced, r->to, real_syncs_);
      if (!s.ok()) return failed(s, absl::StrCat("restoring ", r->to));
    }
    ++report.renames_undone;
  }
  for (const auto& [path, state] : files_) {
    if (!state.named) {
      IOStatus s = target_->DeleteFile(path, io, nullptr);
      if (!s.ok() && !s.IsNotFound()) return failed(s, absl::StrCat("removing ", path));
      ++report.files_removed;
      continue;
    }
    uint64_t size = 0;
    IOStatus s = target_->GetFileSize(path, io, &size, nullptr);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return failed(s, absl::StrCat("sizing ", path));
    if (size <= state.synced) continue;
    uint64_t keep = state.synced;
    if (keep_random_tail != nullptr) keep += (*keep_random_tail)() % (size - state.synced + 1);
    if (keep == size) continue;
    // Through a reopened file: FileSystem::Truncate is optional (the posix
    // one does not have it), a writable file's Truncate is not.
    std::unique_ptr<rocksdb::FSWritableFile> file;
    s = target_->ReopenWritableFile(path, rocksdb::FileOptions(), &file, nullptr);
    if (s.ok()) s = file->Truncate(keep, io, nullptr);
    if (s.ok()) s = file->Close(io, nullptr);
    if (!s.ok()) return failed(s, absl::StrCat("truncating ", path));
    report.bytes_dropped += size - keep;
    ++report.files_truncated;
  }
  files_.clear();
  renames_.clear();
  faults_.clear();
  dead_ = false;
  return report;
}

// ---- The Env ----------------------------------------------------------------------

namespace {

constexpr int kMaxSleepMicros = 10'000;

class ShortSleepClock : public rocksdb::SystemClockWrapper {
 public:
  using SystemClockWrapper::SystemClockWrapper;
  const char* Name() const override { return "HotlineShortSleepClock"; }
  void SleepForMicroseconds(int micros) override {
    SystemClockWrapper::SleepForMicroseconds(std::min(micros, kMaxSleepMicros));
  }
};

class ShortSleepEnv : public rocksdb::EnvWrapper {
 public:
  explicit ShortSleepEnv(std::unique_ptr<rocksdb::Env> base) : EnvWrapper(std::move(base)) {
    // RocksDB's background jobs sleep through the Env's clock.
    system_clock_ = std::make_shared<ShortSleepClock>(target()->GetSystemClock());
  }
  const char* Name() const override { return "HotlineShortSleepEnv"; }
  void SleepForMicroseconds(int micros) override {
    EnvWrapper::SleepForMicroseconds(std::min(micros, kMaxSleepMicros));
  }
};

}  // namespace

std::unique_ptr<rocksdb::Env> NewFaultInjectionEnv(std::shared_ptr<FaultInjectionFs> fs) {
  return std::make_unique<ShortSleepEnv>(rocksdb::NewCompositeEnv(fs));
}

}  // namespace hotline::testing
