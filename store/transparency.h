#ifndef HOTLINE_STORE_TRANSPARENCY_H_
#define HOTLINE_STORE_TRANSPARENCY_H_

// The event log as a transparency log (RFC 9162 §2.1): the Merkle tree whose
// leaf i is the chain hash of record i + 1 (leaf hash SHA-256(0x00 ‖ hash)),
// its roots and its proofs, read from the nodes the log stores as it
// appends (EventLog::TreeNode) — each answer costs O(log N) reads, never a
// scan. Sign a root with store/signed_note.h to make a checkpoint.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/event_log.h"

namespace hotline::store {

// The root of the tree of the first `size` records (0: the empty tree).
// FAILED_PRECONDITION when the stored tree covers fewer records (a store
// written without it: open it read-write once); the store's read errors.
absl::StatusOr<std::string> TreeRoot(const EventLog& log, uint64_t size);

// The inclusion proof (RFC 9162 PATH) of record `sequence` (leaf sequence-1)
// in the tree of `size` records. INVALID_ARGUMENT unless 1 <= sequence <=
// size; otherwise as TreeRoot.
absl::StatusOr<std::vector<std::string>> InclusionProof(const EventLog& log, uint64_t sequence,
                                                        uint64_t size);

// The consistency proof (RFC 9162 PROOF) between the trees of `old_size`
// and `size` records. INVALID_ARGUMENT unless 1 <= old_size <= size;
// otherwise as TreeRoot.
absl::StatusOr<std::vector<std::string>> ConsistencyProof(const EventLog& log, uint64_t old_size,
                                                          uint64_t size);

}  // namespace hotline::store

#endif  // HOTLINE_STORE_TRANSPARENCY_H_
