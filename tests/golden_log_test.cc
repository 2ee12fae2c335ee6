// The golden logs of tests/data/: logs frozen by earlier releases, which
// every build must import and read to the same bytes — the head, what
// verify prints, every monthly report (maintained and rebuilt) and the
// export itself. A test here failing means a change broke the replay of an
// old log; the fix is in the code, never in the data.

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/cli_runner.h"
#include "tests/temp_dir.h"

namespace hotline::testing {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream all;
  all << in.rdbuf();
  return all.str();
}

class GoldenLogTest : public ::testing::TestWithParam<const char*> {
 protected:
  std::string Golden(const std::string& file) const {
    return absl::StrCat(HOTLINE_SOURCE_DIR, "/tests/data/", GetParam(), "/", file);
  }
  // `hotline ARGS --db <the imported store>` with its standard output in a
  // file, which is returned.
  std::string Output(const std::string& args) {
    const std::string out = dir_.Sub("out");
    CliRun run = Hotline(absl::StrCat(args, " --db ", dir_.Sub("db"), " > ", out));
    EXPECT_EQ(run.exit_code, 0) << args << ": " << run.out;
    return Read(out);
  }

  TempDir dir_;
};

TEST_P(GoldenLogTest, ImportsAndReadsToTheSameBytes) {
  CliRun imported = Hotline(absl::StrCat("import --format binary --in ", Golden("log.bin"),
                                         " --db ", dir_.Sub("db")));
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  const std::string stats = Output("stats");
  std::istringstream head(Read(Golden("head.txt")));
  for (std::string line; std::getline(head, line);) {
    EXPECT_NE(stats.find(line), std::string::npos) << "stats lacks: " << line;
  }
  EXPECT_EQ(Output("verify"), Read(Golden("verify.txt")));
  for (const char* month : {"2022-01", "2022-02", "2022-03"}) {
    const std::string report = Read(Golden(absl::StrCat("report-", month, ".json")));
    EXPECT_EQ(Output(absl::StrCat("report --format json --month ", month)), report) << month;
    EXPECT_EQ(Output(absl::StrCat("report --format json --rebuild --month ", month)), report)
        << month << " rebuilt";
  }
  EXPECT_TRUE(Output("export --format binary") == Read(Golden("log.bin")))
      << "exporting the imported log did not give the golden log back";
}

INSTANTIATE_TEST_SUITE_P(Logs, GoldenLogTest, ::testing::Values("golden-2022q1"));

}  // namespace
}  // namespace hotline::testing
