// EventLog's Merkle tree: reading its stored nodes, and building it for a
// store written before it (or without it) when opened read-write.

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "store/event_log.h"
#include "store/keys.h"
#include "store/rocks_status.h"
#include "store/status_macros.h"

namespace hotline::store {
namespace {

// Nodes written per batch while building a tree for an existing log: bounds
// the batch's memory whatever the log's size.
constexpr size_t kBuildBatchNodes = 1 << 16;

}  // namespace

absl::StatusOr<uint64_t> EventLog::TreeSize() const {
  std::string value;
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta_, kMetaTreeSizeKey, &value);
  if (s.IsNotFound()) return 0;
  HOTLINE_RETURN_IF_ERROR(FromRocks(s, "reading the tree size"));
  if (value.size() != 8) return absl::DataLossError("the stored tree size is malformed");
  return DecodeFixed64BE(value.data());
}

absl::StatusOr<std::string> EventLog::TreeNode(int level, uint64_t index) const {
  if (level < 0 || level >= 64 || index >= (UINT64_MAX >> level)) {
    return absl::InvalidArgumentError(absl::StrCat("no tree node (", level, ", ", index, ")"));
  }
  if (level < kStoredTreeLevel) {
    // Not stored: hashed from its records, the leaves of this subtree.
    const uint64_t first = (index << level) + 1, last = (index + 1) << level;
    merkle::Frontier subtree;
    HOTLINE_RETURN_IF_ERROR(Scan(first, last, [&](const Record& record) {
      subtree.Append(merkle::LeafHash(record.hash));
      return absl::OkStatus();
    }));
    if (subtree.size() != last - first + 1) {
      return absl::NotFoundError(absl::StrCat("tree node (", level, ", ", index,
                                              "): its records are not all in the log"));
    }
    return subtree.Root();
  }
  std::string value;
  const rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), meta_, TreeNodeKey(level, index), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat("tree node (", level, ", ", index, ") is not stored"));
  }
  HOTLINE_RETURN_IF_ERROR(FromRocks(s, "reading a tree node"));
  if (value.size() != kHashBytes) {
    return absl::DataLossError(absl::StrCat("tree node (", level, ", ", index, ") is malformed"));
  }
  return value;
}

absl::Status EventLog::PrepareTree() {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  if (!options_.merkle_tree) return absl::OkStatus();
  HOTLINE_ASSIGN_OR_RETURN(const uint64_t stored, TreeSize());
  const uint64_t head = this->head().sequence;
  if (stored > head) {
    return absl::DataLossError(
        absl::StrCat("the Merkle tree covers ", stored, " records but the log has ", head));
  }
  const merkle::NodeReader read = [this](int level, uint64_t index) {
    return TreeNode(level, index);
  };
  HOTLINE_ASSIGN_OR_RETURN(merkle::Frontier frontier, merkle::Frontier::Load(stored, read));
  // A log written without the tree: its records' hashes, in order, extend
  // it, a bounded batch at a time (each batch also moves the stored size, so
  // an interrupted build resumes where it stopped).
  rocksdb::WriteBatch batch;
  auto flush = [&]() -> absl::Status {
    batch.Put(meta_, kMetaTreeSizeKey, SequenceKey(frontier.size()));
    HOTLINE_RETURN_IF_ERROR(CheckWrite(db_->Write(wo, &batch), "building the Merkle tree"));
    batch.Clear();
    return absl::OkStatus();
  };
  if (stored < head) {
    HOTLINE_RETURN_IF_ERROR(Scan(stored + 1, head, [&](const Record& record) -> absl::Status {
      AddTreeLeaf(record.hash, &frontier, &batch);
      return batch.Count() >= kBuildBatchNodes ? flush() : absl::OkStatus();
    }));
    HOTLINE_RETURN_IF_ERROR(flush());
  }
  frontier_ = std::move(frontier);
  return absl::OkStatus();
}

}  // namespace hotline::store
