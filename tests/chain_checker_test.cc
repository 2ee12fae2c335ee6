// ChainChecker (store/chain_checker.h): what Forget changes, in memory and on
// disk.

#include "store/chain_checker.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "store/record.h"
#include "store/scratch_table.h"
#include "tests/temp_dir.h"

namespace hotline::store {
namespace {

// Feeds the checker the log's next record of `stream` at `version`, chained
// to the last one it accepted; returns what it found wrong ("" when good).
std::string Feed(ChainChecker& chain, const std::string& stream, uint64_t version) {
  const std::string value =
      EncodeRecord(chain.last_hash(), chain.records() + 1, stream, version, "", "payload");
  Record record;
  EXPECT_TRUE(DecodeRecord(value, &record).ok());
  auto wrong = chain.Next(record, value);
  EXPECT_TRUE(wrong.ok()) << wrong.status();
  return wrong.ok() && wrong->has_value() ? **wrong : "";
}

TEST(ChainCheckerTest, AForgottenStreamIsCheckedAgainAsItsFirstRecord) {
  ChainChecker chain;
  ASSERT_EQ(Feed(chain, "A", 1), "");
  ASSERT_EQ(Feed(chain, "A", 2), "");
  ASSERT_EQ(Feed(chain, "B", 1), "");
  chain.Forget("A");
  EXPECT_EQ(Feed(chain, "A", 3), "stream 'A' version 3 follows version 0");
  EXPECT_EQ(Feed(chain, "A", 1), "");
  // Other streams keep their versions.
  EXPECT_EQ(Feed(chain, "B", 1), "stream 'B' version 1 follows version 1");
  EXPECT_EQ(chain.records(), 4u);
}

TEST(ChainCheckerTest, ACheckerOnDiskKeepsAForgottenStream) {
  hotline::testing::TempDir dir;
  auto versions = ScratchTable::Create(dir.Sub("scratch"));
  ASSERT_TRUE(versions.ok()) << versions.status();
  ChainChecker chain(versions->get());
  ASSERT_EQ(Feed(chain, "A", 1), "");
  chain.Forget("A");
  EXPECT_EQ(Feed(chain, "A", 1), "stream 'A' version 1 follows version 1");
  EXPECT_EQ(Feed(chain, "A", 2), "");
}

}  // namespace
}  // namespace hotline::store
