#ifndef HOTLINE_TESTS_MERKLE_REFERENCE_H_
#define HOTLINE_TESTS_MERKLE_REFERENCE_H_

// What tests/merkle_test.cc checks store/merkle.h against: RFC 9162's
// recursive definitions (MTH, PATH, PROOF) read literally over an explicit
// list of leaves, hashing with the store's one-shot Sha256 rather than with
// merkle's LeafHash/NodeHash; and a tree of kMaxSize leaves whose stored
// nodes come from Frontier::Append, with readers over them.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "store/merkle.h"

namespace hotline::store::merkle {

inline constexpr uint64_t kMaxSize = 64;

using Inputs = std::span<const std::string>;  // D[n]: the leaf inputs

// RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1, and the proofs' lengths by the
// same recursions without hashing.
std::string RefMth(Inputs d);
std::vector<std::string> RefPath(uint64_t m, Inputs d);
std::vector<std::string> RefProof(uint64_t m, Inputs d);
size_t RefPathLength(uint64_t m, uint64_t n);
size_t RefSubproofLength(uint64_t m, uint64_t n, bool b);

using NodeMap = std::map<std::pair<int, uint64_t>, std::string>;

struct Tree {
  std::vector<std::string> inputs;       // d(i) = SHA-256 of decimal i
  std::vector<std::string> leaf_hashes;  // LeafHash(d(i))
  std::vector<std::string> roots;        // [n] = reference MTH(D[n])
  std::vector<std::string> frontier_roots;       // [n] = Root() at size n
  std::vector<std::vector<Node>> appended;       // [i] = Append(leaf i)
  NodeMap nodes;                                 // every node appended

  Inputs First(uint64_t n) const { return Inputs(inputs).first(n); }
};

// The tree of kMaxSize leaves, built once.
const Tree& TheTree();

// A reader over `nodes` as the store would have them at `size` leaves: a
// node not yet complete at that size is an error, so a function that asks
// for one fails its test. Counts the reads in *reads when given.
NodeReader ReaderAt(const NodeMap& nodes, uint64_t size, int* reads = nullptr);
// The same over TheTree().nodes.
NodeReader ReaderAt(uint64_t size, int* reads = nullptr);

std::string Hex(const std::string& bytes);
std::vector<std::string> Hexes(const std::vector<std::string>& hashes);
std::string Unhex(absl::string_view hex);
std::string FlipByte(std::string hash, size_t byte);
// The bytes of proof element `element` to flip (see the definition).
std::vector<size_t> BytesToFlip(uint64_t size, uint64_t other, size_t element);
// ceil(log2(n)): the height of a tree of n leaves.
int Height(uint64_t n);

}  // namespace hotline::store::merkle

#endif  // HOTLINE_TESTS_MERKLE_REFERENCE_H_
