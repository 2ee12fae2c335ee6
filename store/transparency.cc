#include "store/transparency.h"

#include "absl/strings/str_cat.h"
#include "store/merkle.h"
#include "store/status_macros.h"

namespace hotline::store {
namespace {

// FAILED_PRECONDITION unless the stored tree covers `size` records.
absl::Status CheckCovered(const EventLog& log, uint64_t size) {
  HOTLINE_ASSIGN_OR_RETURN(const uint64_t covered, log.TreeSize());
  if (size <= covered) return absl::OkStatus();
  const uint64_t head = log.head().sequence;
  if (size > head) {
    return absl::InvalidArgumentError(
        absl::StrCat("tree size ", size, " is past the log's head ", head));
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "the Merkle tree covers ", covered, " of ", head,
      " records: the store was written without it; open it read-write once (e.g. hotline "
      "rebuild) to build it"));
}

merkle::NodeReader ReaderOf(const EventLog& log) {
  return [&log](int level, uint64_t index) { return log.TreeNode(level, index); };
}

}  // namespace

absl::StatusOr<std::string> TreeRoot(const EventLog& log, uint64_t size) {
  HOTLINE_RETURN_IF_ERROR(CheckCovered(log, size));
  return merkle::RootHash(size, ReaderOf(log));
}

absl::StatusOr<std::vector<std::string>> InclusionProof(const EventLog& log, uint64_t sequence,
                                                        uint64_t size) {
  if (sequence == 0 || sequence > size) {
    return absl::InvalidArgumentError(
        absl::StrCat("record ", sequence, " is not in the tree of ", size, " records"));
  }
  HOTLINE_RETURN_IF_ERROR(CheckCovered(log, size));
  return merkle::InclusionProof(sequence - 1, size, ReaderOf(log));
}

absl::StatusOr<std::vector<std::string>> ConsistencyProof(const EventLog& log, uint64_t old_size,
                                                          uint64_t size) {
  if (old_size == 0 || old_size > size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no consistency proof from ", old_size, " to ", size, " records (need 1 <= old <= new)"));
  }
  HOTLINE_RETURN_IF_ERROR(CheckCovered(log, size));
  return merkle::ConsistencyProof(old_size, size, ReaderOf(log));
}

}  // namespace hotline::store
