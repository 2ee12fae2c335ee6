#include "store/merkle.h"

#include <algorithm>
#include <bit>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "store/keys.h"
#include "store/record.h"
#include "store/status_macros.h"

namespace hotline::store::merkle {
namespace {

constexpr char kLeafPrefix = 0x00;
constexpr char kNodePrefix = 0x01;

bool IsHash(absl::string_view h) { return h.size() == kHashBytes; }

uint64_t Bit(int level) { return uint64_t{1} << level; }

// The largest power of two smaller than n (n >= 2): RFC 9162's split point k.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// The stored node (level, index), checked to be a hash.
absl::StatusOr<std::string> ReadNode(const NodeReader& read, int level,
                                     uint64_t index) {
  HOTLINE_ASSIGN_OR_RETURN(std::string hash, read(level, index));
  if (!IsHash(hash)) {
    return absl::DataLossError(absl::StrCat("merkle node (", level, ", ", index,
                                            ") has ", hash.size(),
                                            " bytes, not ", kHashBytes));
  }
  return hash;
}

// MTH(D[start:start+n]) for n >= 1, where `start` is a multiple of the
// smallest power of two >= n. Every subtree the RFC's recursions visit has
// that alignment, and with it the range splits into the perfect, stored
// subtrees given by the bits of n, largest first. MTH nests them to the
// right: MTH = NodeHash(p1, NodeHash(p2, ... pk)). One read per bit of n.
absl::StatusOr<std::string> RangeHash(uint64_t start, uint64_t n,
                                      const NodeReader& read) {
  std::vector<std::string> pieces;
  uint64_t offset = start;
  for (int level = 63; level >= 0; --level) {
    if ((n & Bit(level)) == 0) continue;
    HOTLINE_ASSIGN_OR_RETURN(std::string piece,
                             ReadNode(read, level, offset >> level));
    pieces.push_back(std::move(piece));
    offset += Bit(level);
  }
  std::string hash = std::move(pieces.back());
  for (size_t i = pieces.size() - 1; i-- > 0;) hash = NodeHash(pieces[i], hash);
  return hash;
}

// In the RFC's verifiers, after combining with a left sibling when fn was
// even (so fn == sn): the node was the last of its level with no right
// sibling, and rose unchanged until it became a right child. Skip the levels
// it rose through, so that fn and sn stay in step with the proof.
void ShiftWhileEven(uint64_t& fn, uint64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

std::string LeafHash(absl::string_view leaf_input) {
  std::string data;
  data.reserve(1 + leaf_input.size());
  data.push_back(kLeafPrefix);
  data.append(leaf_input.data(), leaf_input.size());
  return Sha256(data);
}

std::string NodeHash(absl::string_view left, absl::string_view right) {
  std::string data;
  data.reserve(1 + left.size() + right.size());
  data.push_back(kNodePrefix);
  data.append(left.data(), left.size());
  data.append(right.data(), right.size());
  return Sha256(data);
}

std::string EmptyRoot() { return Sha256(""); }

std::string NodeKey(int level, uint64_t index) {
  std::string key(1, static_cast<char>(level));
  PutFixed64BE(&key, index);
  return key;
}

absl::StatusOr<std::string> RootHash(uint64_t size, const NodeReader& read) {
  if (size == 0) return EmptyRoot();
  return RangeHash(0, size, read);
}

absl::StatusOr<std::vector<std::string>> InclusionProof(
    uint64_t leaf_index, uint64_t size, const NodeReader& read) {
  if (leaf_index >= size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "inclusion proof of leaf ", leaf_index, " in a tree of ", size));
  }
  // PATH(m, D[n]) walked from the root down: the subtree [start, start + n)
  // holds leaf start + m. Its siblings are found root first, so reversed at
  // the end. Only the first step down to the left can meet a sibling that is
  // not perfect; below it, every sibling is a single stored node.
  std::vector<std::string> path;
  uint64_t start = 0, n = size, m = leaf_index;
  while (n > 1) {
    const uint64_t k = SplitPoint(n);
    if (m < k) {
      HOTLINE_ASSIGN_OR_RETURN(std::string sibling,
                               RangeHash(start + k, n - k, read));
      path.push_back(std::move(sibling));
      n = k;
    } else {
      HOTLINE_ASSIGN_OR_RETURN(std::string sibling, RangeHash(start, k, read));
      path.push_back(std::move(sibling));
      start += k;
      n -= k;
      m -= k;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

absl::StatusOr<std::vector<std::string>> ConsistencyProof(
    uint64_t old_size, uint64_t size, const NodeReader& read) {
  if (old_size == 0 || old_size > size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "consistency proof from ", old_size, " to ", size, " leaves"));
  }
  // SUBPROOF(m, D[n], b) walked from the root down, as in InclusionProof.
  // `whole_old_tree` is b: still true while the subtree starts at leaf 0, so
  // that its left part is the old tree whose root the verifier has.
  std::vector<std::string> proof;
  uint64_t start = 0, n = size, m = old_size;
  bool whole_old_tree = true;
  while (m != n) {
    const uint64_t k = SplitPoint(n);
    if (m <= k) {
      HOTLINE_ASSIGN_OR_RETURN(std::string right,
                               RangeHash(start + k, n - k, read));
      proof.push_back(std::move(right));
      n = k;
    } else {
      HOTLINE_ASSIGN_OR_RETURN(std::string left, RangeHash(start, k, read));
      proof.push_back(std::move(left));
      start += k;
      n -= k;
      m -= k;
      whole_old_tree = false;
    }
  }
  if (!whole_old_tree) {
    HOTLINE_ASSIGN_OR_RETURN(std::string common, RangeHash(start, n, read));
    proof.push_back(std::move(common));
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

bool VerifyInclusion(uint64_t leaf_index, uint64_t size,
                     absl::string_view leaf_hash,
                     const std::vector<std::string>& proof,
                     absl::string_view root) {
  if (!IsHash(leaf_hash) || !IsHash(root)) return false;
  // RFC 9162 §2.1.3.2, step by step.
  if (leaf_index >= size) return false;                  // 1
  uint64_t fn = leaf_index, sn = size - 1;               // 2
  std::string r(leaf_hash);                              // 3
  for (const std::string& p : proof) {                   // 4
    if (!IsHash(p)) return false;
    if (sn == 0) return false;                           // 4a: too long
    if ((fn & 1) != 0 || fn == sn) {                     // 4b
      r = NodeHash(p, r);
      ShiftWhileEven(fn, sn);
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;                                            // 4c
    sn >>= 1;
  }
  return sn == 0 && r == root;                           // 5: not too short
}

bool VerifyConsistency(uint64_t old_size, uint64_t size,
                       absl::string_view old_root, absl::string_view root,
                       const std::vector<std::string>& proof) {
  if (old_size == 0 || old_size > size) return false;
  if (!IsHash(old_root) || !IsHash(root)) return false;
  for (const std::string& c : proof) {
    if (!IsHash(c)) return false;
  }
  // Outside the RFC's algorithm, which assumes old_size < size: a tree is
  // consistent with itself, and nothing is needed to show it.
  if (old_size == size) return proof.empty() && old_root == root;

  // RFC 9162 §2.1.4.2, step by step.
  if (proof.empty()) return false;                       // 1
  std::vector<absl::string_view> path;                   // 2
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  uint64_t fn = old_size - 1, sn = size - 1;             // 3
  while ((fn & 1) != 0) {                                // 4
    fn >>= 1;
    sn >>= 1;
  }
  std::string fr(path[0]), sr(path[0]);                  // 5
  for (size_t i = 1; i < path.size(); ++i) {             // 6
    const absl::string_view c = path[i];
    if (sn == 0) return false;                           // 6a: too long
    if ((fn & 1) != 0 || fn == sn) {                     // 6b
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      ShiftWhileEven(fn, sn);
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;                                            // 6c
    sn >>= 1;
  }
  return fr == old_root && sr == root && sn == 0;        // 7
}

absl::StatusOr<Frontier> Frontier::Load(uint64_t size, const NodeReader& read) {
  Frontier frontier;
  uint64_t offset = 0;
  for (int level = 63; level >= 0; --level) {
    if ((size & Bit(level)) == 0) continue;
    HOTLINE_ASSIGN_OR_RETURN(frontier.by_level_[level],
                             ReadNode(read, level, offset >> level));
    offset += Bit(level);
  }
  frontier.size_ = size;
  return frontier;
}

std::vector<Node> Frontier::Append(absl::string_view leaf_hash) {
  if (size_ == UINT64_MAX) return {};
  const uint64_t leaf = size_;
  std::vector<Node> completed;
  completed.push_back(Node{0, leaf, std::string(leaf_hash)});
  // Like incrementing a binary counter: each set low bit of size_ is a
  // perfect subtree that the new one now pairs with, carrying upward.
  std::string carry(leaf_hash);
  int level = 0;
  while ((size_ & Bit(level)) != 0) {
    carry = NodeHash(by_level_[level], carry);
    by_level_[level].clear();
    ++level;
    completed.push_back(Node{level, leaf >> level, carry});
  }
  by_level_[level] = std::move(carry);
  ++size_;
  return completed;
}

std::string Frontier::Root() const {
  if (size_ == 0) return EmptyRoot();
  // The right edge's subtrees nest to the right: the smallest is innermost.
  int level = std::countr_zero(size_);
  std::string root = by_level_[level];
  for (++level; level < 64; ++level) {
    if ((size_ & Bit(level)) != 0) root = NodeHash(by_level_[level], root);
  }
  return root;
}

}  // namespace hotline::store::merkle
