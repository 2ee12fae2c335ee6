// store/merkle.h against RFC 9162 §2.1, by the reference of
// tests/merkle_reference.h.

#include "store/merkle.h"

#include <bit>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/record.h"
#include "tests/merkle_reference.h"

namespace hotline::store::merkle {
namespace {

using ::testing::ElementsAreArray;

// ---- Tests ----

TEST(MerkleTest, EmptyTreeRootIsSha256OfNothing) {
  EXPECT_EQ(Hex(EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  int reads = 0;
  auto root = RootHash(0, ReaderAt(0, &reads));
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ(*root, EmptyRoot());
  EXPECT_EQ(reads, 0);
  Frontier empty;
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.Root(), EmptyRoot());
}

TEST(MerkleTest, HashesAreDomainSeparated) {
  EXPECT_EQ(LeafHash("abc"), Sha256(std::string("\x00" "abc", 4)));
  const std::string l(32, 'l'), r(32, 'r');
  EXPECT_EQ(NodeHash(l, r), Sha256("\x01" + l + r));
  EXPECT_NE(LeafHash(l + r), NodeHash(l, r));
}

// The test vectors published with Certificate Transparency's reference
// implementation (RFC 6962 hashing, which RFC 9162 keeps for SHA-256).
TEST(MerkleTest, MatchesPublishedCertificateTransparencyVectors) {
  const std::vector<std::string> inputs = {
      "",
      Unhex("00"),
      Unhex("10"),
      Unhex("2021"),
      Unhex("3031"),
      Unhex("40414243"),
      Unhex("5051525354555657"),
      Unhex("606162636465666768696a6b6c6d6e6f"),
  };
  const std::vector<std::string> roots = {
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  NodeMap nodes;
  Frontier frontier;
  for (size_t i = 0; i < inputs.size(); ++i) {
    for (Node& node : frontier.Append(LeafHash(inputs[i]))) {
      nodes[{node.level, node.index}] = node.hash;
    }
    EXPECT_EQ(Hex(frontier.Root()), roots[i]) << "size " << i + 1;
    auto root = RootHash(i + 1, ReaderAt(nodes, i + 1));
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(Hex(*root), roots[i]) << "size " << i + 1;
  }

  const std::string h0 =
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d";
  const std::string h1 =
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7";
  const std::string h4 =
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b";
  const std::string h23 =
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e";
  const std::string h45 =
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a";
  const std::string h67 =
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0";
  const std::string h4567 =
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4";
  const std::string h0123 = roots[3];
  const std::string h01 = roots[1];

  const struct {
    uint64_t leaf, size;
    std::vector<std::string> path;
  } paths[] = {
      {0, 8, {h1, h23, h4567}},
      {5, 8, {h4, h67, h0123}},
      {2, 3, {h01}},
      {1, 5, {h0, h23, h4}},
  };
  for (const auto& c : paths) {
    auto proof = InclusionProof(c.leaf, c.size, ReaderAt(nodes, c.size));
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_THAT(Hexes(*proof), ElementsAreArray(c.path))
        << "leaf " << c.leaf << " of " << c.size;
    EXPECT_TRUE(VerifyInclusion(c.leaf, c.size, LeafHash(inputs[c.leaf]),
                                *proof, Unhex(roots[c.size - 1])));
  }

  const struct {
    uint64_t old_size, size;
    std::vector<std::string> proof;
  } proofs[] = {
      {1, 8, {h1, h23, h4567}},
      {6, 8, {h45, h67, h0123}},
      {2, 5, {h23, h4}},
      {1, 1, {}},
  };
  for (const auto& c : proofs) {
    auto proof = ConsistencyProof(c.old_size, c.size, ReaderAt(nodes, c.size));
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_THAT(Hexes(*proof), ElementsAreArray(c.proof))
        << c.old_size << " to " << c.size;
    EXPECT_TRUE(VerifyConsistency(c.old_size, c.size,
                                  Unhex(roots[c.old_size - 1]),
                                  Unhex(roots[c.size - 1]), *proof));
  }
}

TEST(MerkleTest, AppendReturnsEachCompletedNodeOnce) {
  const Tree& tree = TheTree();
  size_t total = 0;
  for (uint64_t i = 0; i < kMaxSize; ++i) {
    const std::vector<Node>& nodes = tree.appended[i];
    // Leaf i completes one node per trailing one bit of i, plus itself.
    ASSERT_EQ(nodes.size(), 1u + std::countr_one(i)) << "leaf " << i;
    for (size_t j = 0; j < nodes.size(); ++j) {
      const Node& node = nodes[j];
      EXPECT_EQ(node.level, static_cast<int>(j));
      const uint64_t width = uint64_t{1} << node.level;
      EXPECT_EQ(node.index, i / width);
      // The node covers [index * width, (index + 1) * width), ending at i.
      EXPECT_EQ((node.index + 1) * width, i + 1);
      EXPECT_EQ(node.hash, RefMth(Inputs(tree.inputs)
                                      .subspan(node.index * width, width)))
          << "node (" << node.level << ", " << node.index << ")";
    }
    EXPECT_EQ(nodes[0].hash, tree.leaf_hashes[i]);
    total += nodes.size();
  }
  EXPECT_EQ(total, 2 * kMaxSize - 1);
  EXPECT_EQ(tree.nodes.size(), total);  // no node was returned twice
}

TEST(MerkleTest, RootHashMatchesReferenceAndFrontierAtEverySize) {
  const Tree& tree = TheTree();
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    int reads = 0;
    auto root = RootHash(n, ReaderAt(n, &reads));
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(*root, tree.roots[n]) << "size " << n;
    EXPECT_EQ(tree.frontier_roots[n], tree.roots[n]) << "size " << n;
    EXPECT_EQ(reads, std::popcount(n)) << "size " << n;
  }
}

TEST(MerkleTest, InclusionProofsMatchReferenceAndVerify) {
  const Tree& tree = TheTree();
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    for (uint64_t m = 0; m < n; ++m) {
      int reads = 0;
      auto proof = InclusionProof(m, n, ReaderAt(n, &reads));
      ASSERT_TRUE(proof.ok()) << proof.status();
      ASSERT_EQ(*proof, RefPath(m, tree.First(n))) << "leaf " << m << " of " << n;
      ASSERT_EQ(proof->size(), RefPathLength(m, n));
      EXPECT_LE(reads, 2 * Height(n)) << "leaf " << m << " of " << n;
      EXPECT_TRUE(VerifyInclusion(m, n, tree.leaf_hashes[m], *proof,
                                  tree.roots[n]))
          << "leaf " << m << " of " << n;
    }
  }
}

TEST(MerkleTest, InclusionVerifierRejectsEveryAlteration) {
  const Tree& tree = TheTree();
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    for (uint64_t m = 0; m < n; ++m) {
      SCOPED_TRACE(absl::StrCat("leaf ", m, " of ", n));
      const std::vector<std::string> proof = RefPath(m, tree.First(n));
      const std::string& leaf = tree.leaf_hashes[m];
      const std::string& root = tree.roots[n];

      for (size_t i = 0; i < proof.size(); ++i) {
        for (size_t byte : BytesToFlip(n, m, i)) {
          std::vector<std::string> bad = proof;
          bad[i] = FlipByte(bad[i], byte);
          ASSERT_FALSE(VerifyInclusion(m, n, leaf, bad, root))
              << "element " << i << " byte " << byte;
        }
      }
      EXPECT_FALSE(VerifyInclusion(m, n, FlipByte(leaf, m % 32), proof, root));
      EXPECT_FALSE(VerifyInclusion(m, n, leaf, proof, FlipByte(root, n % 32)));
      // Another leaf's hash at this index.
      if (n > 1) {
        EXPECT_FALSE(VerifyInclusion(m, n, tree.leaf_hashes[(m + 1) % n],
                                     proof, root));
      }

      for (uint64_t other = 0; other <= n + 1; ++other) {
        if (other == m) continue;
        EXPECT_FALSE(VerifyInclusion(other, n, leaf, proof, root))
            << "as leaf " << other;
      }
      // The size is bound to the root: a proof for size n does not prove the
      // leaf against the root of any other size.
      for (uint64_t other = 1; other <= kMaxSize; ++other) {
        if (other == n) continue;
        EXPECT_FALSE(
            VerifyInclusion(m, other, leaf, proof, tree.roots[other]))
            << "as size " << other;
      }
      EXPECT_FALSE(VerifyInclusion(m, 0, leaf, proof, root));
      // Nor with its own root under a size whose path has another length.
      // (Under a size whose path has the same shape it does verify: a root
      // is only meaningful with its own size, as the tree head gives them.)
      for (uint64_t other = m + 1; other <= kMaxSize; ++other) {
        if (RefPathLength(m, other) == proof.size()) continue;
        EXPECT_FALSE(VerifyInclusion(m, other, leaf, proof, root))
            << "as size " << other << " with the root of " << n;
      }

      for (size_t i = 0; i < proof.size(); ++i) {
        std::vector<std::string> shorter = proof;
        shorter.erase(shorter.begin() + i);
        EXPECT_FALSE(VerifyInclusion(m, n, leaf, shorter, root))
            << "without element " << i;
      }
      for (size_t i = 0; i <= proof.size(); ++i) {
        std::vector<std::string> longer = proof;
        longer.insert(longer.begin() + i, proof.empty() ? leaf : proof[0]);
        EXPECT_FALSE(VerifyInclusion(m, n, leaf, longer, root))
            << "with an element added at " << i;
      }
      // Appending the root itself must not "prove" anything either.
      std::vector<std::string> with_root = proof;
      with_root.push_back(root);
      EXPECT_FALSE(VerifyInclusion(m, n, leaf, with_root, root));
    }
  }
}

TEST(MerkleTest, InclusionVerifierRejectsHashesOfOtherLengths) {
  const Tree& tree = TheTree();
  const uint64_t n = 13, m = 6;
  std::vector<std::string> proof = RefPath(m, tree.First(n));
  const std::string& leaf = tree.leaf_hashes[m];
  const std::string& root = tree.roots[n];
  ASSERT_TRUE(VerifyInclusion(m, n, leaf, proof, root));
  for (size_t i = 0; i < proof.size(); ++i) {
    std::vector<std::string> bad = proof;
    bad[i].pop_back();
    EXPECT_FALSE(VerifyInclusion(m, n, leaf, bad, root));
    bad[i] = proof[i] + "x";
    EXPECT_FALSE(VerifyInclusion(m, n, leaf, bad, root));
  }
  // Equal but not hashes: a one-leaf tree whose "root" is the "leaf hash".
  EXPECT_FALSE(VerifyInclusion(0, 1, "x", {}, "x"));
  EXPECT_FALSE(VerifyInclusion(0, 1, "", {}, ""));
  EXPECT_TRUE(VerifyInclusion(0, 1, tree.leaf_hashes[0], {}, tree.roots[1]));
}

TEST(MerkleTest, ConsistencyProofsMatchReferenceAndVerify) {
  const Tree& tree = TheTree();
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    for (uint64_t m = 1; m <= n; ++m) {
      int reads = 0;
      auto proof = ConsistencyProof(m, n, ReaderAt(n, &reads));
      ASSERT_TRUE(proof.ok()) << proof.status();
      ASSERT_EQ(*proof, RefProof(m, tree.First(n))) << m << " to " << n;
      ASSERT_EQ(proof->size(), RefSubproofLength(m, n, true));
      EXPECT_LE(reads, 2 * Height(n) + 1) << m << " to " << n;
      EXPECT_TRUE(VerifyConsistency(m, n, tree.roots[m], tree.roots[n], *proof))
          << m << " to " << n;
    }
  }
}

TEST(MerkleTest, ConsistencyVerifierRejectsEveryAlteration) {
  const Tree& tree = TheTree();
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    for (uint64_t m = 1; m <= n; ++m) {
      SCOPED_TRACE(absl::StrCat(m, " to ", n));
      const std::vector<std::string> proof = RefProof(m, tree.First(n));
      const std::string& old_root = tree.roots[m];
      const std::string& root = tree.roots[n];

      for (size_t i = 0; i < proof.size(); ++i) {
        for (size_t byte : BytesToFlip(n, m, i)) {
          std::vector<std::string> bad = proof;
          bad[i] = FlipByte(bad[i], byte);
          ASSERT_FALSE(VerifyConsistency(m, n, old_root, root, bad))
              << "element " << i << " byte " << byte;
        }
      }
      EXPECT_FALSE(
          VerifyConsistency(m, n, FlipByte(old_root, m % 32), root, proof));
      EXPECT_FALSE(
          VerifyConsistency(m, n, old_root, FlipByte(root, n % 32), proof));
      for (uint64_t other = 1; other <= n; ++other) {
        if (other == m) continue;
        // Another size's root as the old root, at either size.
        EXPECT_FALSE(VerifyConsistency(m, n, tree.roots[other], root, proof))
            << "old root of " << other;
        EXPECT_FALSE(VerifyConsistency(other, n, tree.roots[other], root,
                                       proof))
            << "as from " << other;
      }
      for (uint64_t other = m; other <= kMaxSize; ++other) {
        if (other == n) continue;
        EXPECT_FALSE(VerifyConsistency(m, other, old_root, tree.roots[other],
                                       proof))
            << "as to " << other;
      }
      // Nor with its own roots under sizes whose proof has another length.
      for (uint64_t other = 1; other <= kMaxSize; ++other) {
        if (other >= m && other != n &&
            RefSubproofLength(m, other, true) != proof.size()) {
          EXPECT_FALSE(VerifyConsistency(m, other, old_root, root, proof))
              << "as to " << other << " with the root of " << n;
        }
        if (other <= n && other != m &&
            RefSubproofLength(other, n, true) != proof.size()) {
          EXPECT_FALSE(VerifyConsistency(other, n, old_root, root, proof))
              << "as from " << other << " with the root of " << m;
        }
      }
      EXPECT_FALSE(VerifyConsistency(0, n, EmptyRoot(), root, proof));
      if (m < n) {
        EXPECT_FALSE(VerifyConsistency(n, m, root, old_root, proof));
      }

      for (size_t i = 0; i < proof.size(); ++i) {
        std::vector<std::string> shorter = proof;
        shorter.erase(shorter.begin() + i);
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, root, shorter))
            << "without element " << i;
      }
      for (size_t i = 0; i <= proof.size(); ++i) {
        std::vector<std::string> longer = proof;
        longer.insert(longer.begin() + i, proof.empty() ? root : proof[0]);
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, root, longer))
            << "with an element added at " << i;
      }
      std::vector<std::string> with_old_root = proof;
      with_old_root.insert(with_old_root.begin(), old_root);
      if (m < n) {
        // The RFC prepends the old root itself when m is a power of two; a
        // proof that carries it as well is one element too long.
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, root, with_old_root));
      }
    }
  }
}

TEST(MerkleTest, ConsistencyOfEqualSizesNeedsEqualRootsAndNoProof) {
  const Tree& tree = TheTree();
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    EXPECT_TRUE(VerifyConsistency(n, n, tree.roots[n], tree.roots[n], {}));
    EXPECT_FALSE(VerifyConsistency(n, n, tree.roots[n],
                                   FlipByte(tree.roots[n], 0), {}));
    EXPECT_FALSE(
        VerifyConsistency(n, n, tree.roots[n], tree.roots[n], {tree.roots[n]}));
  }
  EXPECT_FALSE(VerifyConsistency(0, 0, EmptyRoot(), EmptyRoot(), {}));
  EXPECT_FALSE(VerifyConsistency(0, 5, EmptyRoot(), tree.roots[5], {}));
}

TEST(MerkleTest, ConsistencyVerifierRejectsHashesOfOtherLengths) {
  const Tree& tree = TheTree();
  const uint64_t m = 5, n = 27;
  const std::vector<std::string> proof = RefProof(m, tree.First(n));
  ASSERT_TRUE(VerifyConsistency(m, n, tree.roots[m], tree.roots[n], proof));
  for (size_t i = 0; i < proof.size(); ++i) {
    std::vector<std::string> bad = proof;
    bad[i].pop_back();
    EXPECT_FALSE(VerifyConsistency(m, n, tree.roots[m], tree.roots[n], bad));
    bad[i] = proof[i] + "x";
    EXPECT_FALSE(VerifyConsistency(m, n, tree.roots[m], tree.roots[n], bad));
  }
  EXPECT_FALSE(VerifyConsistency(3, 3, "abc", "abc", {}));
  EXPECT_FALSE(VerifyConsistency(3, 3, "", "", {}));
}

TEST(MerkleTest, ProofsRefuseImpossibleSizes) {
  for (auto [m, n] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 0}, {1, 1}, {5, 5}, {6, 5}, {UINT64_MAX, 5}}) {
    auto proof = InclusionProof(m, n, ReaderAt(n));
    EXPECT_EQ(proof.status().code(), absl::StatusCode::kInvalidArgument)
        << "leaf " << m << " of " << n;
  }
  for (auto [m, n] : std::vector<std::pair<uint64_t, uint64_t>>{
           {0, 0}, {0, 5}, {6, 5}, {UINT64_MAX, 5}}) {
    auto proof = ConsistencyProof(m, n, ReaderAt(n));
    EXPECT_EQ(proof.status().code(), absl::StatusCode::kInvalidArgument)
        << m << " to " << n;
  }
  auto same = ConsistencyProof(5, 5, ReaderAt(5));
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_TRUE(same->empty());
}

TEST(MerkleTest, FrontierLoadedAtAnySizeContinuesAsTheAppendedOne) {
  const Tree& tree = TheTree();
  for (uint64_t s = 0; s <= kMaxSize; ++s) {
    SCOPED_TRACE(absl::StrCat("loaded at ", s));
    int reads = 0;
    auto loaded = Frontier::Load(s, ReaderAt(s, &reads));
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ(reads, std::popcount(s));
    EXPECT_EQ(loaded->size(), s);
    EXPECT_EQ(loaded->Root(), tree.roots[s]);
    for (uint64_t i = s; i < kMaxSize; ++i) {
      std::vector<Node> nodes = loaded->Append(tree.leaf_hashes[i]);
      ASSERT_EQ(nodes.size(), tree.appended[i].size()) << "leaf " << i;
      for (size_t j = 0; j < nodes.size(); ++j) {
        EXPECT_EQ(nodes[j].level, tree.appended[i][j].level);
        EXPECT_EQ(nodes[j].index, tree.appended[i][j].index);
        EXPECT_EQ(nodes[j].hash, tree.appended[i][j].hash);
      }
      EXPECT_EQ(loaded->size(), i + 1);
      EXPECT_EQ(loaded->Root(), tree.roots[i + 1]) << "size " << i + 1;
    }
  }
}

TEST(MerkleTest, FrontierLoadReadsTheRightEdgeOfAHugeTree) {
  // Every bit set: 64 perfect subtrees, the largest first.
  std::vector<std::pair<int, uint64_t>> asked;
  auto loaded = Frontier::Load(
      UINT64_MAX, [&](int level, uint64_t index) -> absl::StatusOr<std::string> {
        asked.emplace_back(level, index);
        return Sha256(absl::StrCat(level));
      });
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(asked.size(), 64u);
  for (int i = 0; i < 64; ++i) {
    const int level = 63 - i;
    // The leaves before it are those of the larger subtrees: all bits above
    // `level`, so its index is that count over its width.
    const uint64_t before =
        level == 63 ? 0 : (UINT64_MAX >> (level + 1)) << (level + 1);
    EXPECT_EQ(asked[i], std::make_pair(level, before >> level));
  }
  // A full tree takes no more leaves.
  const std::string root = loaded->Root();
  EXPECT_TRUE(loaded->Append(LeafHash("one too many")).empty());
  EXPECT_EQ(loaded->size(), UINT64_MAX);
  EXPECT_EQ(loaded->Root(), root);
}

TEST(MerkleTest, ReaderErrorsArePropagated) {
  const absl::Status broken = absl::DataLossError("node 7 is corrupt");
  const NodeReader failing = [&](int, uint64_t) -> absl::StatusOr<std::string> {
    return broken;
  };
  EXPECT_EQ(RootHash(5, failing).status(), broken);
  EXPECT_EQ(InclusionProof(2, 5, failing).status(), broken);
  EXPECT_EQ(ConsistencyProof(2, 5, failing).status(), broken);
  EXPECT_EQ(Frontier::Load(5, failing).status(), broken);

  // A node missing from storage, asked for after others were read.
  const NodeMap none;
  EXPECT_EQ(RootHash(7, ReaderAt(none, 7)).status().code(),
            absl::StatusCode::kNotFound);
  NodeMap some = TheTree().nodes;
  some.erase({0, 6});  // the last leaf of a 7-leaf tree
  EXPECT_EQ(RootHash(7, ReaderAt(some, 7)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(InclusionProof(0, 7, ReaderAt(some, 7)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ConsistencyProof(4, 7, ReaderAt(some, 7)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Frontier::Load(7, ReaderAt(some, 7)).status().code(),
            absl::StatusCode::kNotFound);

  // A stored value that is not a hash.
  NodeMap truncated = TheTree().nodes;
  truncated[{2, 0}].pop_back();
  EXPECT_EQ(RootHash(7, ReaderAt(truncated, 7)).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(InclusionProof(6, 7, ReaderAt(truncated, 7)).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(ConsistencyProof(5, 7, ReaderAt(truncated, 7)).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(Frontier::Load(7, ReaderAt(truncated, 7)).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(MerkleTest, NodeKeysSortByLevelThenIndex) {
  EXPECT_EQ(NodeKey(3, 0x0102), std::string("\x03\0\0\0\0\0\0\x01\x02", 9));
  EXPECT_EQ(NodeKey(63, UINT64_MAX), "\x3f" + std::string(8, '\xff'));
  EXPECT_LT(NodeKey(0, UINT64_MAX), NodeKey(1, 0));
  EXPECT_LT(NodeKey(1, 1), NodeKey(1, 256));
  EXPECT_LT(NodeKey(1, 255), NodeKey(1, 256));
}

}  // namespace
}  // namespace hotline::store::merkle
