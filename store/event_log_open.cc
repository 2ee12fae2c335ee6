// EventLog::Open and what opening checks: the options, that the directory
// holds an event log (or nothing), its format marker and its head.

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/db.h"
#include "store/event_log.h"
#include "store/keys.h"
#include "store/replicator.h"
#include "store/rocks_options.h"
#include "store/rocks_status.h"
#include "store/status_macros.h"

namespace hotline::store {
namespace {

bool IsOwnFamily(absl::string_view name) {
  for (const std::string& own : FamilyNames()) {
    if (own == name) return true;
  }
  return false;
}
// Bounds of the options: one payload, and events of one append (a command
// record counts them in 32 bits, and one append is one WriteBatch).
constexpr size_t kMaxPayloadLimit = 64 << 20;
constexpr size_t kMaxEventsPerAppendLimit = 1 << 20;

// INVALID_ARGUMENT naming the first option out of its range.
absl::Status ValidateOptions(const Options& o) {
  // Stream and command ids are stored with a 16-bit length (record.h).
  constexpr size_t kMaxIdBytes = 0xffff;
  if (o.max_stream_id_bytes == 0 || o.max_stream_id_bytes > kMaxIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("Options::max_stream_id_bytes: must be 1 to ", kMaxIdBytes));
  }
  if (o.max_command_id_bytes > kMaxIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("Options::max_command_id_bytes: must be at most ", kMaxIdBytes));
  }
  if (o.max_payload_bytes == 0 || o.max_payload_bytes > kMaxPayloadLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("Options::max_payload_bytes: must be 1 to ", kMaxPayloadLimit));
  }
  if (o.max_events_per_append == 0 || o.max_events_per_append > kMaxEventsPerAppendLimit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Options::max_events_per_append: must be 1 to ", kMaxEventsPerAppendLimit));
  }
  if (o.max_group_bytes == 0) {
    return absl::InvalidArgumentError("Options::max_group_bytes: must be at least 1");
  }
  if (o.memtable_bytes < (64 << 10)) {
    return absl::InvalidArgumentError("Options::memtable_bytes: must be at least 64 KiB");
  }
  return absl::OkStatus();
}

// What the column families of an existing database say of it.
struct FamiliesFound {
  // The secrets family, which stores made before it lack.
  bool secrets = true;
  // The first other family of the event log's that the database lacks: its
  // creation was cut short, since RocksDB makes a new database's families
  // one at a time after the database itself, before anything is written.
  std::string missing;
};

// FAILED_PRECONDITION when the database at `path` has column families that
// are not the event log's; otherwise which of the log's it has.
absl::StatusOr<FamiliesFound> CheckOwnFamilies(const rocksdb::Options& ro,
                                               const std::string& path) {
  std::vector<std::string> names;
  HOTLINE_RETURN_IF_ERROR(FromRocks(rocksdb::DB::ListColumnFamilies(ro, path, &names),
                                    absl::StrCat("listing the column families of ", path)));
  for (const std::string& name : names) {
    if (!IsOwnFamily(name)) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, " is a RocksDB database with column family '", name,
          "': not a hotline event log"));
    }
  }
  FamiliesFound found;
  for (const std::string& own : FamilyNames()) {
    if (std::find(names.begin(), names.end(), own) != names.end()) continue;
    if (own == kSecretsFamily) {
      found.secrets = false;
    } else if (found.missing.empty()) {
      found.missing = own;
    }
  }
  return found;
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(
    const std::string& path, const Options& options) {
  if (options.mode == OpenMode::kSecondary && options.secondary_path.empty()) {
    return absl::InvalidArgumentError(
        "Options::secondary_path is required to open a secondary instance");
  }
  HOTLINE_RETURN_IF_ERROR(ValidateOptions(options));
  const bool may_create =
      options.mode == OpenMode::kReadWrite && options.create_if_missing;
  std::error_code error;
  const bool exists = std::filesystem::exists(path + "/CURRENT", error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot look at ", path, ": ", error.message()));
  }
  if (!may_create && !exists) {
    return absl::NotFoundError(absl::StrCat("no event log at ", path));
  }
  const rocksdb::Options ro = RocksOptions(options);
  // Another program's RocksDB database is not ours to add families to.
  FamiliesFound found;
  if (exists) {
    HOTLINE_ASSIGN_OR_RETURN(found, CheckOwnFamilies(ro, path));
  }
  // A creation cut short holds nothing yet; a writer's open completes it.
  if (!found.missing.empty() && options.mode != OpenMode::kReadWrite) {
    return absl::NotFoundError(absl::StrCat(
        "no event log at ", path, ": the database lacks column family '", found.missing,
        "' (a creation cut short, which the next open for writing completes, or not a hotline "
        "event log)"));
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& name : FamilyNames()) {
    // A reader cannot add the family a store made before it lacks.
    if (name == kSecretsFamily && !found.secrets && options.mode != OpenMode::kReadWrite) continue;
    rocksdb::ColumnFamilyOptions family(ro);
    if (name == kCommandsFamily || name == kStateFamily || name == kStreamsFamily) {
      // Point lookups that mostly miss (a new command id, ticket, stream): a
      // bloom filter over the memtable answers them without a skiplist search.
      family.memtable_whole_key_filtering = true;
      family.memtable_prefix_bloom_size_ratio = 0.05;
    }
    families.emplace_back(name, family);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  // A reader opening beside a live writer can read a MANIFEST naming a file
  // that the writer's compaction deletes before the reader opens it; the
  // next attempt reads the newer MANIFEST. A file truly missing fails every
  // attempt.
  constexpr int kReaderOpenAttempts = 20;
  for (int attempt = 1;; ++attempt) {
    switch (options.mode) {
      case OpenMode::kReadWrite:
        s = rocksdb::DB::Open(ro, path, families, &handles, &raw);
        break;
      case OpenMode::kReadOnly:
        s = rocksdb::DB::OpenForReadOnly(ro, path, families, &handles, &raw);
        break;
      case OpenMode::kSecondary:
        s = rocksdb::DB::OpenAsSecondary(ro, path, options.secondary_path,
                                         families, &handles, &raw);
        break;
    }
    const bool raced = options.mode != OpenMode::kReadWrite &&
                       (s.IsCorruption() || s.IsPathNotFound() || s.IsIOError()) &&
                       absl::StrContains(s.ToString(), "No such file");
    if (!raced || attempt == kReaderOpenAttempts) break;
    absl::SleepFor(absl::Milliseconds(10 * attempt));
  }
  HOTLINE_RETURN_IF_ERROR(FromRocks(s, absl::StrCat("opening ", path)));
  std::unique_ptr<EventLog> log(
      new EventLog(options, std::unique_ptr<rocksdb::DB>(raw), handles));

  std::string format;
  s = log->db_->Get(rocksdb::ReadOptions(), log->meta_, kMetaFormatKey, &format);
  if (s.IsNotFound()) {
    // Only a new, empty database gets the marker (its creation may also have
    // been interrupted before the marker was written).
    HOTLINE_ASSIGN_OR_RETURN(bool empty, log->IsEmptyDatabase());
    if (!empty) {
      return absl::DataLossError(absl::StrCat(
          path, " holds data but no event log format marker: not a hotline event log"));
    }
    if (options.mode != OpenMode::kReadWrite) {
      return absl::NotFoundError(absl::StrCat("no event log at ", path, " (empty database)"));
    }
    rocksdb::WriteOptions wo;
    wo.sync = true;
    s = log->db_->Put(wo, log->meta_, kMetaFormatKey, kFormatVersion);
    format = kFormatVersion;
  }
  HOTLINE_RETURN_IF_ERROR(FromRocks(s, "reading the format marker"));
  if (format != kFormatVersion) {
    return absl::DataLossError(absl::StrCat(
        "unknown event log format '", format, "' at ", path, " (expected ",
        kFormatVersion, ")"));
  }
  HOTLINE_RETURN_IF_ERROR(log->LoadHead());
  if (options.mode == OpenMode::kReadWrite) {
    // A tail that cannot be read (a changed or missing record) cannot be
    // extended, but it can still be read and verified: the log opens and
    // refuses every write with the fault, as after a failed write.
    absl::Status tree = log->PrepareTree();
    if (absl::IsDataLoss(tree) || absl::IsNotFound(tree)) {
      absl::MutexLock lock(&log->mu_);
      log->write_error_ = absl::DataLossError(absl::StrCat(
          "the log cannot be extended: ", tree.message(), " (hotline verify names the fault)"));
    } else {
      HOTLINE_RETURN_IF_ERROR(tree);
    }
    if (options.replicator) HOTLINE_RETURN_IF_ERROR(options.replicator->Attach(*log));
  }
  return log;
}

EventLog::EventLog(const Options& options, std::unique_ptr<rocksdb::DB> db,
                   std::vector<rocksdb::ColumnFamilyHandle*> handles)
    : options_(options),
      db_(std::move(db)),
      handles_(std::move(handles)),
      events_(handles_[1]),
      streams_(handles_[2]),
      commands_(handles_[3]),
      state_(handles_[4]),
      projections_(handles_[5]),
      meta_(handles_[6]),
      secrets_(handles_.size() > 7 ? handles_[7] : nullptr) {}

EventLog::~EventLog() { (void)Close(); }

absl::Status EventLog::Close() {
  {
    absl::MutexLock lock(&mu_);
    if (closed_) return absl::OkStatus();
    closing_ = true;
    closed_ = true;
  }
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    db_->DestroyColumnFamilyHandle(h);
  }
  handles_.clear();
  return FromRocks(db_->Close(), "closing the event log");
}

absl::StatusOr<bool> EventLog::IsEmptyDatabase() const {
  for (rocksdb::ColumnFamilyHandle* family : {handles_[0], events_}) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family));
    it->SeekToFirst();
    HOTLINE_RETURN_IF_ERROR(FromRocks(it->status(), "looking for data"));
    if (it->Valid()) return false;
  }
  return true;
}

absl::Status EventLog::LoadHead() {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), meta_, kMetaHeadKey, &value);
  Head head{0, GenesisHash()};
  if (s.ok()) {
    if (value.size() != 8 + kHashBytes) {
      return absl::DataLossError("stored head has the wrong size");
    }
    head.sequence = DecodeFixed64BE(value.data());
    head.hash = value.substr(8);
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "reading the head");
  }
  absl::MutexLock lock(&mu_);
  head_ = std::move(head);
  return absl::OkStatus();
}

}  // namespace hotline::store
