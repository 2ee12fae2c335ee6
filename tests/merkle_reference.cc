// The RFC 9162 reference of tests/merkle_test.cc (see merkle_reference.h).

#include "tests/merkle_reference.h"

#include <bit>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "store/record.h"

namespace hotline::store::merkle {

// ---- The reference: RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 ----

// k: the largest power of two smaller than n (n > 1).
uint64_t RefSplit(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

std::string RefMth(Inputs d) {
  if (d.empty()) return Sha256("");
  if (d.size() == 1) return Sha256(std::string(1, '\x00') + d[0]);
  const uint64_t k = RefSplit(d.size());
  return Sha256("\x01" + RefMth(d.first(k)) + RefMth(d.subspan(k)));
}

std::vector<std::string> RefPath(uint64_t m, Inputs d) {
  if (d.size() == 1) return {};
  const uint64_t k = RefSplit(d.size());
  std::vector<std::string> path;
  if (m < k) {
    path = RefPath(m, d.first(k));
    path.push_back(RefMth(d.subspan(k)));
  } else {
    path = RefPath(m - k, d.subspan(k));
    path.push_back(RefMth(d.first(k)));
  }
  return path;
}

std::vector<std::string> RefSubproof(uint64_t m, Inputs d, bool b) {
  if (m == d.size()) {
    if (b) return {};
    return {RefMth(d)};
  }
  const uint64_t k = RefSplit(d.size());
  std::vector<std::string> proof;
  if (m <= k) {
    proof = RefSubproof(m, d.first(k), b);
    proof.push_back(RefMth(d.subspan(k)));
  } else {
    proof = RefSubproof(m - k, d.subspan(k), false);
    proof.push_back(RefMth(d.first(k)));
  }
  return proof;
}

std::vector<std::string> RefProof(uint64_t m, Inputs d) {
  return RefSubproof(m, d, true);
}

// The lengths of PATH(m, D[n]) and PROOF(m, D[n]), by the same recursions
// without hashing.
size_t RefPathLength(uint64_t m, uint64_t n) {
  if (n == 1) return 0;
  const uint64_t k = RefSplit(n);
  return 1 + (m < k ? RefPathLength(m, k) : RefPathLength(m - k, n - k));
}

size_t RefSubproofLength(uint64_t m, uint64_t n, bool b) {
  if (m == n) return b ? 0 : 1;
  const uint64_t k = RefSplit(n);
  return 1 + (m <= k ? RefSubproofLength(m, k, b)
                     : RefSubproofLength(m - k, n - k, false));
}

// ---- A tree of kMaxSize leaves, built once through Frontier::Append ----

const Tree& TheTree() {
  static const Tree* const tree = [] {
    auto* t = new Tree;
    Frontier frontier;
    t->frontier_roots.push_back(frontier.Root());
    for (uint64_t i = 0; i < kMaxSize; ++i) {
      t->inputs.push_back(Sha256(absl::StrCat(i)));
      t->leaf_hashes.push_back(LeafHash(t->inputs.back()));
      t->appended.push_back(frontier.Append(t->leaf_hashes.back()));
      for (const Node& node : t->appended.back()) {
        t->nodes[{node.level, node.index}] = node.hash;
      }
      t->frontier_roots.push_back(frontier.Root());
    }
    for (uint64_t n = 0; n <= kMaxSize; ++n) {
      t->roots.push_back(RefMth(t->First(n)));
    }
    return t;
  }();
  return *tree;
}

// A reader over `nodes` as the store would have them at `size` leaves: a
// node not yet complete at that size is an error, so a function that asks
// for one fails its test. Counts the reads in *reads when given.
NodeReader ReaderAt(const NodeMap& nodes, uint64_t size, int* reads) {
  return [&nodes, size, reads](int level,
                               uint64_t index) -> absl::StatusOr<std::string> {
    if (reads != nullptr) ++*reads;
    if (level < 0 || level > 63 || index >= (size >> level)) {
      return absl::OutOfRangeError(absl::StrCat(
          "node (", level, ", ", index, ") is not complete at size ", size));
    }
    auto it = nodes.find({level, index});
    if (it == nodes.end()) {
      return absl::NotFoundError(
          absl::StrCat("node (", level, ", ", index, ") was never stored"));
    }
    return it->second;
  };
}

NodeReader ReaderAt(uint64_t size, int* reads) {
  return ReaderAt(TheTree().nodes, size, reads);
}

std::string Hex(const std::string& bytes) {
  return absl::BytesToHexString(bytes);
}

std::vector<std::string> Hexes(const std::vector<std::string>& hashes) {
  std::vector<std::string> out;
  for (const std::string& h : hashes) out.push_back(Hex(h));
  return out;
}

std::string Unhex(absl::string_view hex) {
  return absl::HexStringToBytes(hex);
}

std::string FlipByte(std::string hash, size_t byte) {
  hash[byte] ^= 0x01;
  return hash;
}

// The bytes of proof element `element` to flip: every one in small trees;
// beyond, the first, the last and one that moves with the case (SHA-256
// treats every byte alike, and this keeps the test quick).
std::vector<size_t> BytesToFlip(uint64_t size, uint64_t other, size_t element) {
  std::vector<size_t> bytes;
  if (size <= 8) {
    for (size_t b = 0; b < kHashBytes; ++b) bytes.push_back(b);
  } else {
    bytes = {0, kHashBytes - 1, 1 + (size + other + element) % (kHashBytes - 2)};
  }
  return bytes;
}

// ceil(log2(n)): the height of a tree of n leaves.
int Height(uint64_t n) { return n <= 1 ? 0 : std::bit_width(n - 1); }

}  // namespace hotline::store::merkle
