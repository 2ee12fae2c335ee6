// EventLog::AppendRecords: records copied from another log's writer, written
// as they are (a replica's path; see replication/).

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "store/event_log.h"
#include "store/keys.h"
#include "store/status_macros.h"

namespace hotline::store {

absl::Status EventLog::AppendRecords(const std::vector<std::string>& values,
                                     const std::vector<ExtraWrite>& extra_writes) {
  HOTLINE_RETURN_IF_ERROR(CheckWritable());
  if (values.empty() && extra_writes.empty()) return absl::OkStatus();
  Head head = this->head();
  // The append the head record belongs to, which the first copied record
  // may continue.
  std::string run_stream, run_command;
  uint64_t run_first = 0;
  if (head.sequence > 0 && !values.empty()) {
    HOTLINE_ASSIGN_OR_RETURN(Record last, Read(head.sequence));
    if (!last.command_id.empty()) {
      HOTLINE_ASSIGN_OR_RETURN(std::optional<AppendResult> command, FindCommand(last.command_id));
      if (command.has_value()) {
        run_stream = last.stream_id;
        run_command = last.command_id;
        run_first = command->first_sequence;
      }
    }
  }
  merkle::Frontier frontier = frontier_;
  rocksdb::WriteBatch batch;
  absl::flat_hash_map<std::string, uint64_t> versions;
  // Command ids first used in this batch (FindCommand sees only what is
  // written).
  absl::flat_hash_set<std::string> batch_commands;
  Record r;
  for (const std::string& value : values) {
    const uint64_t sequence = head.sequence + 1;
    auto bad = [&](absl::string_view what) {
      return absl::DataLossError(absl::StrCat("sequence ", sequence, ": ", what));
    };
    if (absl::Status decoded = DecodeRecord(value, &r); !decoded.ok()) {
      return bad(decoded.message());
    }
    if (r.sequence != sequence) return bad(absl::StrCat("the record says ", r.sequence));
    if (r.prev_hash != head.hash) return bad("prev_hash is not the hash of the record before");
    if (!HashMatches(value)) return bad("the hash is not SHA-256 of the record");
    if (r.payload.size() > options_.max_payload_bytes ||
        r.command_id.size() > options_.max_command_id_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sequence ", sequence, ": an event or command id over the limits of this store"));
    }
    HOTLINE_RETURN_IF_ERROR(CheckStreamId(absl::StrCat("sequence ", sequence, ": stream id"),
                                          r.stream_id));
    uint64_t version;
    if (auto it = versions.find(r.stream_id); it != versions.end()) {
      version = it->second;
    } else if (auto cached = stream_cache_.find(r.stream_id); cached != stream_cache_.end()) {
      version = cached->second;
    } else {
      HOTLINE_ASSIGN_OR_RETURN(version, StreamVersionExpecting(r.stream_id, r.stream_version - 1));
    }
    if (r.stream_version != version + 1) {
      return bad(absl::StrCat("stream '", r.stream_id, "' is at version ", version,
                              "; the record has version ", r.stream_version));
    }
    versions[r.stream_id] = r.stream_version;
    const std::string key = SequenceKey(sequence);
    batch.Put(events_, key, value);
    batch.Put(streams_, StreamKey(r.stream_id, r.stream_version), key);
    if (!r.command_id.empty()) {
      if (r.command_id != run_command || r.stream_id != run_stream) {
        HOTLINE_ASSIGN_OR_RETURN(std::optional<AppendResult> seen, FindCommand(r.command_id));
        if (seen.has_value()) {
          return bad(absl::StrCat("command id '", r.command_id, "' was used at sequence ",
                                  seen->first_sequence));
        }
        if (!batch_commands.insert(r.command_id).second) {
          return bad(absl::StrCat("command id '", r.command_id, "' was used before"));
        }
        run_stream = r.stream_id;
        run_command = r.command_id;
        run_first = sequence;
      }
      batch.Put(commands_, r.command_id,
                CommandValue(run_first, static_cast<uint32_t>(sequence - run_first + 1)));
    } else {
      run_command.clear();
    }
    if (options_.merkle_tree) AddTreeLeaf(r.hash, &frontier, &batch);
    head.sequence = sequence;
    head.hash = r.hash;
  }
  AddExtraWrites(extra_writes, &batch);
  if (!values.empty()) PutHead(head, &batch);
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  HOTLINE_RETURN_IF_ERROR(CheckWrite(db_->Write(wo, &batch), "appending copied records"));
  frontier_ = std::move(frontier);
  AdvanceHead(std::move(head), versions);
  return absl::OkStatus();
}

}  // namespace hotline::store
