#ifndef HOTLINE_STORE_MERKLE_H_
#define HOTLINE_STORE_MERKLE_H_

// The Merkle tree of RFC 9162 §2.1 (Certificate Transparency 2.0) over the
// log's records, with SHA-256: its root (MTH), inclusion proofs (PATH) and
// consistency proofs (PROOF), and the verifiers of §2.1.3.2 and §2.1.4.2.
// A client holding a root can check that a record is in the log, and that a
// later root extends an earlier one, without trusting the server.
//
// The tree is stored as its *perfect* subtrees: node (level, index) is the
// hash of the 2^level leaves [index * 2^level, (index + 1) * 2^level). Such a
// node never changes once its last leaf exists, so it is written once (see
// Frontier::Append) and every root and proof of any size up to the current
// one is computed from O(log n) of them.
//
// Every hash is a std::string of 32 bytes. Nothing here does I/O: the caller
// supplies a NodeReader over wherever the nodes are kept. All functions are
// thread-compatible; the free functions are safe to call concurrently.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace hotline::store::merkle {

// SHA-256(0x00 || leaf_input): the hash of one leaf.
std::string LeafHash(absl::string_view leaf_input);
// SHA-256(0x01 || left || right): the hash of an interior node.
std::string NodeHash(absl::string_view left, absl::string_view right);
// SHA-256 of nothing: the root of the empty tree (e3b0c442...b855).
std::string EmptyRoot();

// The storage key of node (level, index): one byte `level`, then `index` as
// 8 bytes big-endian, so that keys sort by level, then index.
std::string NodeKey(int level, uint64_t index);

// Returns the stored hash of the perfect node (level, index). Functions
// below ask only for nodes whose leaves all lie within the size they were
// given. An error (e.g. NOT_FOUND for a node that is missing, DATA_LOSS for
// one that cannot be read) is returned unchanged by the function that asked.
// A value that is not 32 bytes makes that function return DATA_LOSS.
using NodeReader =
    std::function<absl::StatusOr<std::string>(int level, uint64_t index)>;

// MTH of the first `size` leaves; EmptyRoot() for 0. At most 64 reads
// (one per bit set in `size`).
absl::StatusOr<std::string> RootHash(uint64_t size, const NodeReader& read);

// PATH(leaf_index, D[size]): the audit path proving that leaf `leaf_index`
// is in the tree of `size` leaves, the sibling nearest the leaf first.
// INVALID_ARGUMENT unless leaf_index < size. O(log size) reads.
absl::StatusOr<std::vector<std::string>> InclusionProof(uint64_t leaf_index,
                                                        uint64_t size,
                                                        const NodeReader& read);

// PROOF(old_size, D[size]): the nodes proving that the tree of `size` leaves
// extends the tree of its first `old_size` leaves. Empty when the sizes are
// equal. INVALID_ARGUMENT unless 0 < old_size <= size. O(log size) reads.
absl::StatusOr<std::vector<std::string>> ConsistencyProof(
    uint64_t old_size, uint64_t size, const NodeReader& read);

// True when `proof` proves that `leaf_hash` (a LeafHash) is leaf
// `leaf_index` of the tree of `size` leaves whose root is `root`: the
// algorithm of RFC 9162 §2.1.3.2. False for leaf_index >= size, for a proof
// of the wrong length, and when any hash given is not 32 bytes. `size` and
// `root` must be one tree head the caller trusts (e.g. a signed one): a
// root vouches for nothing under another size.
bool VerifyInclusion(uint64_t leaf_index, uint64_t size,
                     absl::string_view leaf_hash,
                     const std::vector<std::string>& proof,
                     absl::string_view root);

// True when `proof` proves that the tree of `size` leaves with root `root`
// extends the tree of `old_size` leaves with root `old_root`: the algorithm
// of RFC 9162 §2.1.4.2. For old_size == size: true exactly when the proof is
// empty and the roots are equal. False for old_size == 0 (every tree extends
// the empty one; there is nothing to verify), for old_size > size, for a
// proof of the wrong length, and when any hash given is not 32 bytes. Each
// size must be the one trusted with its root, as for VerifyInclusion.
bool VerifyConsistency(uint64_t old_size, uint64_t size,
                       absl::string_view old_root, absl::string_view root,
                       const std::vector<std::string>& proof);

// A node that has just become complete, to be stored (see Frontier::Append).
struct Node {
  int level = 0;
  uint64_t index = 0;
  std::string hash;
};

// The right edge of a growing tree: the hashes of the perfect subtrees whose
// sizes are the bits set in size() (at most 64). Enough to append leaves and
// to give the current root without reading any stored node.
class Frontier {
 public:
  // The empty tree.
  Frontier() = default;

  // The frontier of the tree of `size` leaves, from its stored nodes (one
  // read per bit set in `size`). Errors as NodeReader above.
  static absl::StatusOr<Frontier> Load(uint64_t size, const NodeReader& read);

  // Number of leaves appended (or loaded).
  uint64_t size() const { return size_; }

  // Appends the leaf whose hash (a LeafHash) is `leaf_hash`. Returns every
  // node the append completes, each to be stored for later reads: the leaf
  // itself at level 0, then each parent that became perfect, lowest first.
  // A tree of 2^64 - 1 leaves is full: the call then returns nothing and
  // changes nothing.
  std::vector<Node> Append(absl::string_view leaf_hash);

  // MTH of the leaves so far (EmptyRoot() when there are none). No reads.
  std::string Root() const;

 private:
  uint64_t size_ = 0;
  // by_level_[l] is the perfect subtree of 2^l leaves on the right edge;
  // meaningful only when bit l of size_ is set.
  std::array<std::string, 64> by_level_;
};

}  // namespace hotline::store::merkle

#endif  // HOTLINE_STORE_MERKLE_H_
