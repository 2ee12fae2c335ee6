// EventLog::VerifyChain: the auditor's check that nobody rewrote the log.

#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "store/event_log.h"
#include "store/keys.h"
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
  // Highest version seen per stream, to check versions are gapless.
  absl::flat_hash_map<std::string, uint64_t> versions;
  std::string prev_hash = GenesisHash();
  uint64_t expected = 1;
  absl::Status status;
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, events_));
    Record record;
    std::string index_value;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
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
      if (record.sequence != expected) {
        fault(expected, absl::StrCat("record says sequence ", record.sequence));
        break;
      }
      if (record.prev_hash != prev_hash) {
        fault(expected, "prev_hash does not match the previous record's hash");
        break;
      }
      if (!HashMatches(value)) {
        fault(expected, "hash mismatch: the record's bytes were changed");
        break;
      }
      uint64_t& version = versions[record.stream_id];
      if (record.stream_version != version + 1) {
        fault(expected, absl::StrCat("stream '", record.stream_id,
                                     "' version ", record.stream_version,
                                     " follows version ", version));
        break;
      }
      version = record.stream_version;
      rocksdb::Status s =
          db_->Get(ro, streams_, StreamKey(record.stream_id, version), &index_value);
      if (s.IsNotFound() || (s.ok() && index_value != it->key().ToString())) {
        fault(expected, absl::StrCat("stream index entry of '", record.stream_id,
                                     "' version ", version, " is missing or wrong"));
        break;
      }
      status = FromRocks(s, "reading the stream index");
      if (!status.ok()) break;
      prev_hash = record.hash;
      ++report.records;
    }
    if (status.ok()) status = FromRocks(it->status(), "walking the log");
  }
  if (status.ok() && report.ok()) {
    // Every index entry must belong to a record checked above.
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, streams_));
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++report.stream_entries;
    status = FromRocks(it->status(), "walking the stream index");
    if (status.ok() && report.stream_entries != report.records) {
      fault(report.records + 1,
            absl::StrCat("stream index has ", report.stream_entries,
                         " entries for ", report.records, " records"));
    }
  }
  if (status.ok() && report.ok()) {
    std::string head_value;
    rocksdb::Status s = db_->Get(ro, meta_, kMetaHeadKey, &head_value);
    std::string expected_head = SequenceKey(report.records);
    expected_head.append(prev_hash);
    if (report.records > 0 && (!s.ok() || head_value != expected_head)) {
      fault(report.records, "stored head does not match the last record");
    }
  }
  ReleaseSnapshot(snapshot);
  HOTLINE_RETURN_IF_ERROR(status);
  return report;
}

}  // namespace hotline::store
