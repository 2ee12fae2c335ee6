// The event log's Merkle tree (store/transparency.h): maintained in the
// append's own write, its roots and proofs those of RFC 9162 over the
// records' chain hashes, built for a store written without it, and checked
// node for node by VerifyChain.

#include "store/transparency.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/keys.h"
#include "store/merkle.h"
#include "tests/raw_rocks.h"
#include "tests/temp_dir.h"

namespace hotline::store {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<EventLog> OpenLog(const std::string& path, bool tree = true) {
  Options options;
  options.sync = false;
  options.merkle_tree = tree;
  auto log = EventLog::Open(path, options);
  EXPECT_TRUE(log.ok()) << log.status();
  return std::move(log).value();
}

// Appends `n` one-record appends to streams s0..s6 in turn, in groups of one
// or three records.
void AppendRecords(EventLog& log, int n) {
  for (int i = 0; i < n;) {
    AppendRequest r;
    r.stream_id = absl::StrCat("s", i % 7);
    const int count = i % 5 == 0 ? 3 : 1;
    for (int k = 0; k < count; ++k, ++i) r.payloads.push_back(absl::StrCat("payload ", i));
    ASSERT_TRUE(log.Append(r).ok());
  }
}

// The roots of every size, from the records' hashes alone (merkle_test
// checks the frontier against RFC 9162's definition).
std::vector<std::string> RootsFromRecords(const EventLog& log) {
  std::vector<std::string> roots{merkle::EmptyRoot()};
  merkle::Frontier frontier;
  EXPECT_TRUE(log.Scan(1, log.head().sequence, [&](const Record& record) {
                   frontier.Append(merkle::LeafHash(record.hash));
                   roots.push_back(frontier.Root());
                   return absl::OkStatus();
                 }).ok());
  return roots;
}

TEST(TransparencyTest, RootsAndProofsAreRfc9162OverTheRecordsHashes) {
  hotline::testing::TempDir dir;
  auto log = OpenLog(dir.Sub("db"));
  AppendRecords(*log, 70);
  const uint64_t n = log->head().sequence;
  ASSERT_EQ(log->TreeSize().value(), n);
  const std::vector<std::string> roots = RootsFromRecords(*log);
  for (uint64_t size = 0; size <= n; ++size) {
    ASSERT_EQ(TreeRoot(*log, size).value(), roots[size]) << "size " << size;
  }
  for (uint64_t size : {uint64_t{1}, uint64_t{37}, n}) {
    for (uint64_t seq = 1; seq <= size; ++seq) {
      auto proof = InclusionProof(*log, seq, size);
      ASSERT_TRUE(proof.ok()) << proof.status();
      EXPECT_TRUE(merkle::VerifyInclusion(seq - 1, size, merkle::LeafHash(log->Read(seq)->hash),
                                          *proof, roots[size]))
          << "record " << seq << " in " << size;
    }
    for (uint64_t old = 1; old <= size; ++old) {
      auto proof = ConsistencyProof(*log, old, size);
      ASSERT_TRUE(proof.ok()) << proof.status();
      EXPECT_TRUE(merkle::VerifyConsistency(old, size, roots[old], roots[size], *proof));
    }
  }
  EXPECT_EQ(TreeRoot(*log, n + 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(InclusionProof(*log, 0, n).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(*log, 5, 4).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(log->VerifyChain()->ok());
}

TEST(TransparencyTest, AStoreWrittenWithoutTheTreeGetsItWhenOpenedReadWrite) {
  hotline::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto log = OpenLog(path, /*tree=*/false);
    AppendRecords(*log, 40);
  }
  {
    Options read_only;
    read_only.mode = OpenMode::kReadOnly;
    auto reader = EventLog::Open(path, read_only);
    ASSERT_TRUE(reader.ok());
    EXPECT_EQ(TreeRoot(**reader, 40).status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(std::string(TreeRoot(**reader, 40).status().message()),
                HasSubstr("open it read-write once"));
  }
  auto log = OpenLog(path);
  EXPECT_EQ(log->TreeSize().value(), 40u);
  AppendRecords(*log, 25);  // the frontier the build left continues
  const std::vector<std::string> roots = RootsFromRecords(*log);
  EXPECT_EQ(TreeRoot(*log, 40).value(), roots[40]);
  EXPECT_EQ(TreeRoot(*log, 65).value(), roots[65]);
  EXPECT_TRUE(log->VerifyChain()->ok());
}

TEST(TransparencyTest, VerifyChainNamesAStoredNodeThatDiffers) {
  hotline::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto log = OpenLog(path);
    AppendRecords(*log, 20);
  }
  // Level 4, index 0: leaves 0..15, records 1..16; completed by record 16.
  hotline::testing::ChangeValue(path, "meta", TreeNodeKey(kStoredTreeLevel, 0),
                                [](std::string* hash) { (*hash)[0] ^= 1; });
  auto log = OpenLog(path);
  auto report = log->VerifyChain();
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  EXPECT_EQ(report->fault->sequence, 16u);
  EXPECT_THAT(report->fault->what, HasSubstr("Merkle tree node (4, 0)"));
}

TEST(TransparencyTest, ALogWhoseTailCannotBeReadOpensButRefusesWrites) {
  hotline::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  {
    auto log = OpenLog(path);
    AppendRecords(*log, 20);  // the frontier's smallest subtree: records 17..20
  }
  hotline::testing::FlipRecordByte(path, 19, 12);
  auto log = OpenLog(path);
  AppendRequest r;
  r.stream_id = "s0";
  r.payloads = {"after"};
  const absl::Status refused = log->Append(r).status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("sequence 19"));
  auto report = log->VerifyChain();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->fault->sequence, 19u);
}

}  // namespace
}  // namespace hotline::store
