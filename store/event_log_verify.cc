// EventLog::VerifyChain: the auditor's check that nobody rewrote the log.

#include <memory>
#include <optional>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "store/chain_checker.h"
#include "store/event_log.h"
#include "store/keys.h"
#include "store/merkle.h"
#include "store/rocks_status.h"
#include "store/status_macros.h"

namespace hotline::store {

absl::StatusOr<ChainReport> EventLog::VerifyChain() const {
  // One snapshot for every read, so a live writer cannot make the index and
  // the events disagree mid-walk.
  const rocksdb::Snapshot* snapshot = TakeSnapshot();
  rocksdb::ReadOptions ro;
  ro.snapshot = snapshot;
  ro.fill_cache = false;
  ChainReport report;
  auto fault = [&report](uint64_t sequence, std::string what) {
    report.fault = ChainFault{sequence, std::move(what)};
  };
  ChainChecker chain;
  // The run of records of one append under one command id, checked against
  // its `commands` entry when it ends.
  struct Run {
    std::string command_id;
    uint64_t first = 0;
    uint32_t count = 0;
  } run;
  uint64_t runs = 0;
  absl::Status status;
  // The Merkle tree, rebuilt from the records' hashes and compared node for
  // node with the stored one as far as it reaches. Each level's nodes come
  // in index order, so one iterator per level reads them sequentially.
  uint64_t tree_size = 0;
  {
    std::string value;
    const rocksdb::Status s = db_->Get(ro, meta_, kMetaTreeSizeKey, &value);
    if (s.ok() && value.size() == 8) tree_size = DecodeFixed64BE(value.data());
    if (s.ok() && value.size() != 8) fault(1, "the stored Merkle tree size is malformed");
    if (!s.IsNotFound()) status = FromRocks(s, "reading the tree size");
  }
  merkle::Frontier tree;
  std::vector<std::unique_ptr<rocksdb::Iterator>> tree_levels(64);
  auto check_tree = [&](const Record& record) -> bool {
    if (record.sequence > tree_size) return true;
    for (const merkle::Node& node : tree.Append(merkle::LeafHash(record.hash))) {
      if (node.level < kStoredTreeLevel) continue;  // hashed from records when read
      std::unique_ptr<rocksdb::Iterator>& it = tree_levels[node.level];
      const std::string key = TreeNodeKey(node.level, node.index);
      if (it == nullptr) {
        it.reset(db_->NewIterator(ro, meta_));
        it->Seek(key);
      }
      if (!it->Valid() || it->key() != key || it->value() != node.hash) {
        status = FromRocks(it->status(), "reading the Merkle tree");
        if (status.ok()) {
          fault(record.sequence, absl::StrCat("Merkle tree node (", node.level, ", ", node.index,
                                              ") is missing or differs from the records' hashes"));
        }
        return false;
      }
      it->Next();
    }
    return true;
  };
  auto end_run = [&]() -> bool {
    if (run.command_id.empty()) return true;
    ++runs;
    std::string value;
    const rocksdb::Status s = db_->Get(ro, commands_, run.command_id, &value);
    if (!s.IsNotFound()) status = FromRocks(s, "reading a command id");
    if (!status.ok()) return false;
    if (s.IsNotFound() || value != CommandValue(run.first, run.count)) {
      fault(run.first, absl::StrCat("command id '", run.command_id, "' of records ", run.first,
                                    "..", run.first + run.count - 1,
                                    " is missing from the command index or points elsewhere"));
      return false;
    }
    return true;
  };
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, events_));
    std::unique_ptr<rocksdb::Iterator> index(db_->NewIterator(ro, streams_));
    Record record;
    for (it->SeekToFirst(); report.ok() && it->Valid(); it->Next()) {
      const uint64_t expected = chain.records() + 1;
      if (it->key().size() != 8) {
        fault(expected, "malformed event key");
        break;
      }
      const uint64_t key_sequence = DecodeFixed64BE(it->key().data());
      if (key_sequence != expected) {
        fault(expected, absl::StrCat("gap: record missing (next present is ",
                                     key_sequence, ")"));
        break;
      }
      const absl::string_view value(it->value().data(), it->value().size());
      if (absl::Status s = DecodeRecord(value, &record); !s.ok()) {
        fault(expected, std::string(s.message()));
        break;
      }
      absl::StatusOr<std::optional<std::string>> wrong = chain.Next(record, value);
      if (!wrong.ok()) {
        status = wrong.status();
        break;
      }
      if (wrong->has_value()) {
        fault(expected, **std::move(wrong));
        break;
      }
      if (!check_tree(record)) break;
      const std::string index_key = StreamKey(record.stream_id, record.stream_version);
      index->Seek(index_key);
      if (!index->Valid() || index->key() != index_key || index->value() != it->key()) {
        status = FromRocks(index->status(), "reading the stream index");
        if (status.ok()) {
          fault(expected, absl::StrCat("stream index entry of '", record.stream_id, "' version ",
                                       record.stream_version, " is missing or wrong"));
        }
        break;
      }
      // The entry after it tells whether this is the stream's last record in
      // the snapshot. If so the checker forgets the stream, holding only the
      // streams still open: a later record of it would be checked as version
      // 1, and its entry (stream, 1) already names this stream's first record.
      index->Next();
      if (!index->Valid() ||
          !IsStreamKeyOf({index->key().data(), index->key().size()}, record.stream_id)) {
        chain.Forget(record.stream_id);
      }
      status = FromRocks(index->status(), "reading the stream index");
      if (!status.ok()) break;
      // An append is a run of one stream's records under one command id; the
      // next record of the same stream and id would be a second append under
      // an id already taken, which the log never writes.
      if (record.command_id != run.command_id || record.command_id.empty()) {
        if (!end_run()) break;
        run = {record.command_id, record.sequence, 0};
      }
      ++run.count;
      report.records = chain.records();
    }
    if (status.ok()) status = FromRocks(it->status(), "walking the log");
  }
  if (status.ok() && report.ok()) end_run();
  if (status.ok() && report.ok()) {
    // Every index entry must belong to a record checked above, every command
    // entry to a run.
    for (auto [family, what, checked] :
         {std::tuple{streams_, "stream index", report.records},
          std::tuple{commands_, "command index", runs}}) {
      uint64_t entries = 0;
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, family));
      for (it->SeekToFirst(); it->Valid(); it->Next()) ++entries;
      status = FromRocks(it->status(), absl::StrCat("walking the ", what));
      if (!status.ok()) break;
      if (family == streams_) report.stream_entries = entries;
      if (entries != checked) {
        fault(report.records + 1, absl::StrCat(what, " has ", entries, " entries for ",
                                               checked, family == streams_ ? " records" : " commands"));
        break;
      }
    }
  }
  if (status.ok() && report.ok()) {
    // The stored head names the last record (none: no head, or sequence 0).
    std::string head_value;
    rocksdb::Status s = db_->Get(ro, meta_, kMetaHeadKey, &head_value);
    std::string expected_head = SequenceKey(report.records);
    expected_head.append(chain.last_hash());
    if (s.IsNotFound() ? report.records > 0 : (s.ok() && head_value != expected_head)) {
      fault(report.records, absl::StrCat("stored head does not match the last record (",
                                         report.records, " records)"));
    }
    status = s.IsNotFound() ? absl::OkStatus() : FromRocks(s, "reading the head");
  }
  if (status.ok() && report.ok() && tree_size > report.records) {
    fault(report.records + 1, absl::StrCat("the Merkle tree claims ", tree_size,
                                           " records; the log has ", report.records));
  }
  ReleaseSnapshot(snapshot);
  HOTLINE_RETURN_IF_ERROR(status);
  return report;
}

}  // namespace hotline::store
