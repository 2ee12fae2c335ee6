// EventLog::Append and the group commit behind it.
//
// Appending threads queue a PendingAppend. The thread whose append is at the
// front of the queue becomes the leader: it takes everything queued (up to
// Options::max_group_bytes), checks each append against the log as it will
// be after the appends before it in the group, builds one WriteBatch and
// writes it with one fsync. The others sleep until the leader marks them
// done and wakes them. Only a leader touches the head, so sequence
// assignment needs no lock beyond leadership; mu_ guards the queue and the
// published head.

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "store/event_log.h"
#include "store/keys.h"
#include "store/replicator.h"
#include "store/rocks_status.h"
#include "store/status_macros.h"

namespace hotline::store {

struct EventLog::PendingAppend {
  const AppendRequest* request;
  size_t bytes;
  absl::StatusOr<AppendResult> result = absl::UnknownError("not committed");
  bool done = false;
  // Signalled when the append is done or leads the queue. One per append,
  // so that a commit wakes exactly the appends it finished and the next
  // leader (a shared condition would be re-checked by every waiter on every
  // release of mu_).
  absl::CondVar cv;
};

absl::Status EventLog::CheckStreamId(absl::string_view field, absl::string_view id) const {
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": must not be empty"));
  if (id.size() > options_.max_stream_id_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", id.size(),
                                                   " bytes, over the limit of ",
                                                   options_.max_stream_id_bytes));
  }
  if (id.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must not contain a 0x00 byte"));
  }
  return absl::OkStatus();
}

absl::Status EventLog::ValidateRequest(const AppendRequest& request) const {
  HOTLINE_RETURN_IF_ERROR(CheckStreamId("stream_id", request.stream_id));
  for (size_t i = 0; i < request.other_streams.size(); ++i) {
    HOTLINE_RETURN_IF_ERROR(CheckStreamId(absl::StrCat("other_streams[", i, "].stream_id"),
                                          request.other_streams[i].stream_id));
  }
  if (request.command_id.size() > options_.max_command_id_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("command_id: ", request.command_id.size(),
                     " bytes, over the limit of ", options_.max_command_id_bytes));
  }
  if (request.payloads.empty()) {
    return absl::InvalidArgumentError("payloads: an append needs at least one event");
  }
  if (request.payloads.size() > options_.max_events_per_append) {
    return absl::InvalidArgumentError(
        absl::StrCat("payloads: ", request.payloads.size(),
                     " events, over the limit of ", options_.max_events_per_append));
  }
  for (size_t i = 0; i < request.payloads.size(); ++i) {
    if (request.payloads[i].size() > options_.max_payload_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "payloads[", i, "]: ", request.payloads[i].size(),
          " bytes, over the limit of ", options_.max_payload_bytes));
    }
  }
  if (options_.replicator) {
    // The record's fixed fields (two hashes, sequence, version, two
    // lengths) and its ids around the payload.
    constexpr size_t kRecordOverhead = 2 * kHashBytes + 8 + 8 + 2 + 2;
    const size_t limit = options_.replicator->MaxRecordBytes();
    for (size_t i = 0; i < request.payloads.size(); ++i) {
      const size_t record = kRecordOverhead + request.stream_id.size() +
                            request.command_id.size() + request.payloads[i].size();
      if (record > limit) {
        return absl::InvalidArgumentError(absl::StrCat(
            "payloads[", i, "]: a record of ", record, " bytes, over the ", limit,
            " bytes the replica takes"));
      }
    }
  }
  for (size_t i = 0; i < request.extra_writes.size(); ++i) {
    if (request.extra_writes[i].key.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("extra_writes[", i, "].key: must not be empty"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<AppendResult> EventLog::Append(const AppendRequest& request) {
  HOTLINE_RETURN_IF_ERROR(CheckWritable());
  HOTLINE_RETURN_IF_ERROR(ValidateRequest(request));
  PendingAppend pending{&request, 0};
  for (const std::string& p : request.payloads) pending.bytes += p.size();

  std::vector<PendingAppend*> group;
  {
    absl::MutexLock lock(&mu_);
    queue_.push_back(&pending);
    while (!pending.done && queue_.front() != &pending) pending.cv.Wait(&mu_);
    if (pending.done) return std::move(pending.result);
    // A group before this one failed to write: so does everything after it.
    if (!write_error_.ok()) {
      queue_.pop_front();
      if (!queue_.empty()) queue_.front()->cv.Signal();
      return write_error_;
    }
    size_t bytes = 0;
    for (PendingAppend* p : queue_) {
      if (!group.empty() && bytes + p->bytes > options_.max_group_bytes) break;
      bytes += p->bytes;
      group.push_back(p);
    }
  }
  // As leader: commit outside the lock so that others may queue meanwhile.
  CommitGroup(group);
  {
    absl::MutexLock lock(&mu_);
    for (size_t i = 0; i < group.size(); ++i) {
      PendingAppend* p = queue_.front();
      p->done = true;
      queue_.pop_front();
      p->cv.Signal();
    }
    if (!queue_.empty()) queue_.front()->cv.Signal();  // the next leader
  }
  return std::move(pending.result);
}

void EventLog::CommitGroup(const std::vector<PendingAppend*>& group) {
  Head head = this->head();
  // Advanced in place, before the write: if the write fails, the error is
  // sticky (CheckWrite) and no later append uses the frontier until the log
  // is reopened, which loads it from what is stored.
  merkle::Frontier& frontier = frontier_;
  rocksdb::WriteBatch batch;
  // Stream versions and command ids as they stand after the earlier appends
  // of this group.
  absl::flat_hash_map<std::string, uint64_t> versions;
  absl::flat_hash_map<std::string, AppendResult> commands;
  std::vector<PendingAppend*> written;
  // Repeats of a command id written earlier in this group: their "duplicate"
  // answer holds only if the group's write does.
  std::vector<PendingAppend*> repeats;
  // The group's records, for the replicator.
  const uint64_t first_sequence = head.sequence + 1;
  std::vector<std::string> records;

  // A stream's version as it stands after the earlier appends of the group;
  // ABORTED when it is not `expected`.
  auto CheckVersion = [&](const std::string& stream,
                          std::optional<uint64_t> expected) -> absl::StatusOr<uint64_t> {
    absl::StatusOr<uint64_t> at;
    if (auto it = versions.find(stream); it != versions.end()) {
      at = it->second;
    } else if (auto cached = stream_cache_.find(stream); cached != stream_cache_.end()) {
      at = cached->second;
    } else {
      at = expected ? StreamVersionExpecting(stream, *expected) : StreamVersion(stream);
    }
    if (at.ok() && expected && *expected != *at) {
      return absl::AbortedError(
          absl::StrCat("stream '", stream, "' is at version ", *at, ", expected ", *expected));
    }
    return at;
  };

  for (PendingAppend* p : group) {
    const AppendRequest& req = *p->request;
    if (!req.command_id.empty()) {
      if (auto it = commands.find(req.command_id); it != commands.end()) {
        p->result = it->second;
        repeats.push_back(p);
        continue;
      }
      absl::StatusOr<std::optional<AppendResult>> seen = FindCommand(req.command_id);
      if (!seen.ok() || seen->has_value()) {
        p->result = seen.ok() ? absl::StatusOr<AppendResult>(**seen) : seen.status();
        continue;
      }
    }
    absl::StatusOr<uint64_t> current = CheckVersion(req.stream_id, req.expected_version);
    for (const StreamExpectation& other : req.other_streams) {
      if (!current.ok()) break;
      if (absl::StatusOr<uint64_t> at = CheckVersion(other.stream_id, other.version); !at.ok()) {
        current = at.status();
      }
    }
    if (!current.ok()) {
      p->result = current.status();
      continue;
    }
    uint64_t version = *current;
    AppendResult result{head.sequence + 1,
                        static_cast<uint32_t>(req.payloads.size()), 0, false};
    for (const std::string& payload : req.payloads) {
      ++head.sequence;
      ++version;
      std::string value = EncodeRecord(head.hash, head.sequence, req.stream_id,
                                       version, req.command_id, payload);
      head.hash = std::string(StoredHash(value));
      if (options_.merkle_tree) AddTreeLeaf(head.hash, &frontier, &batch);
      const std::string key = SequenceKey(head.sequence);
      batch.Put(events_, key, value);
      batch.Put(streams_, StreamKey(req.stream_id, version), key);
      if (options_.replicator) records.push_back(std::move(value));
    }
    result.stream_version = version;
    versions[req.stream_id] = version;
    if (!req.command_id.empty()) {
      batch.Put(commands_, req.command_id,
                CommandValue(result.first_sequence, result.count));
      AppendResult dup = result;
      dup.duplicate = true;
      commands.emplace(req.command_id, dup);
    }
    AddExtraWrites(req.extra_writes, &batch);
    p->result = result;
    written.push_back(p);
  }
  if (written.empty()) return;

  PutHead(head, &batch);
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync;
  // On failure, whether the batch reached the disk is unknown, so the
  // in-memory head can no longer be trusted: CheckWrite makes the error
  // sticky.
  const absl::Time write_start = absl::Now();
  absl::Status s = CheckWrite(db_->Write(wo, &batch), "committing appends");
  // Acknowledged only once the copy holds the records too; a copy that
  // refused them leaves a local tail only the next open can sort out, so
  // its error is sticky like a failed write's.
  if (s.ok() && options_.replicator) {
    if (absl::Status r = options_.replicator->Replicate(first_sequence, records); !r.ok()) {
      s = MakeSticky(r);
    }
  }
  if (s.ok() && options_.on_group_commit) {
    size_t events = 0;
    for (const PendingAppend* p : written) events += p->request->payloads.size();
    options_.on_group_commit(
        {written.size(), events, absl::Now() - write_start, options_.sync});
  }
  if (!s.ok()) {
    for (PendingAppend* p : written) p->result = s;
    for (PendingAppend* p : repeats) p->result = s;
    return;
  }
  AdvanceHead(std::move(head), versions);
}

}  // namespace hotline::store
