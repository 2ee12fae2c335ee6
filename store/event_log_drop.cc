// EventLog::DropAfter: a replica's unreplicated tail removed, as one write.

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "store/event_log.h"
#include "store/keys.h"
#include "store/status_macros.h"

namespace hotline::store {

absl::StatusOr<std::vector<Record>> EventLog::DropAfter(uint64_t sequence) {
  HOTLINE_RETURN_IF_ERROR(CheckWritable());
  const Head old_head = head();
  std::vector<Record> dropped;
  if (old_head.sequence <= sequence) return dropped;

  rocksdb::WriteBatch batch;
  absl::flat_hash_set<std::string> commands;
  HOTLINE_RETURN_IF_ERROR(Scan(sequence + 1, old_head.sequence, [&](const Record& r) {
    batch.Delete(events_, SequenceKey(r.sequence));
    batch.Delete(streams_, StreamKey(r.stream_id, r.stream_version));
    dropped.push_back(r);
    return absl::OkStatus();
  }));
  for (const Record& r : dropped) {
    if (r.command_id.empty() || !commands.insert(r.command_id).second) continue;
    HOTLINE_ASSIGN_OR_RETURN(std::optional<AppendResult> command, FindCommand(r.command_id));
    if (!command.has_value()) continue;
    if (command->first_sequence > sequence) {
      batch.Delete(commands_, r.command_id);
    } else {
      // An append cut in two by the drop keeps the part that stays.
      batch.Put(commands_, r.command_id,
                CommandValue(command->first_sequence,
                             static_cast<uint32_t>(sequence - command->first_sequence + 1)));
    }
  }

  // Every stored tree node over a dropped record goes; the tree then covers
  // what stays and the next open (or PrepareTree below) extends it.
  HOTLINE_ASSIGN_OR_RETURN(const uint64_t tree_size, TreeSize());
  if (tree_size > sequence) {
    for (int level = kStoredTreeLevel; level < 64 && (uint64_t{1} << level) <= tree_size;
         ++level) {
      for (uint64_t index = sequence >> level; index <= (tree_size - 1) >> level; ++index) {
        batch.Delete(meta_, TreeNodeKey(level, index));
      }
    }
    batch.Put(meta_, kMetaTreeSizeKey, SequenceKey(sequence));
  }

  Head head{sequence, GenesisHash()};
  if (sequence == 0) {
    batch.Delete(meta_, kMetaHeadKey);
  } else {
    HOTLINE_ASSIGN_OR_RETURN(Record last, Read(sequence));
    head.hash = last.hash;
    std::string value = SequenceKey(sequence);
    value.append(head.hash);
    batch.Put(meta_, kMetaHeadKey, value);
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  HOTLINE_RETURN_IF_ERROR(CheckWrite(db_->Write(wo, &batch), "dropping the log's tail"));
  stream_cache_.clear();
  {
    absl::MutexLock lock(&mu_);
    head_ = std::move(head);
  }
  HOTLINE_RETURN_IF_ERROR(PrepareTree());
  return dropped;
}

}  // namespace hotline::store
