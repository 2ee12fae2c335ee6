// `hotline simulate` as the README's users run it: a full simulated year
// verifies, every month's maintained report equals its rebuild, the traffic
// is plausible, and a seed always gives the same log.

#include <string>

#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_runner.h"
#include "tests/temp_dir.h"

namespace hotline {
namespace {

using ::testing::HasSubstr;

using hotline::testing::CliRun;
using hotline::testing::Hotline;

std::string HeadHash(const std::string& db) {
  const std::string out = Hotline("stats --db " + db).out;
  const size_t at = out.find("head hash");
  return at == std::string::npos ? "" : out.substr(at);
}

TEST(SimulateTest, AFullYearVerifiesAndEveryMonthRebuildsToTheSameBytes) {
  hotline::testing::TempDir dir;
  const std::string db = "--db " + dir.Sub("year");
  const CliRun sim = Hotline("simulate --from 2022-01-01 --to 2022-12-31 --no-sync " + db);
  ASSERT_EQ(sim.exit_code, 0) << sim.out;  // 0: no command was refused
  EXPECT_THAT(sim.out, HasSubstr("simulated 2022-01-01 .. 2022-12-31"));
  const CliRun verify = Hotline("verify " + db);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_THAT(verify.out, HasSubstr("\nOK\n"));
  for (int month = 1; month <= 12; ++month) {
    const std::string report =
        absl::StrFormat("report --month 2022-%02d --format json %s", month, db);
    const CliRun maintained = Hotline(report);
    ASSERT_EQ(maintained.exit_code, 0) << maintained.out;
    EXPECT_EQ(maintained.out, Hotline(report + " --rebuild").out) << "month " << month;
  }
  // Plausible for a district of ~6,000 appeals a year: hundreds a month,
  // satisfaction near 98%.
  const CliRun may = Hotline("report --month 2022-05 --format csv " + db);
  EXPECT_THAT(may.out, HasSubstr("\ntotal,total,"));
  const std::string total = may.out.substr(may.out.find("\ntotal,total,") + 13);
  const int received = std::stoi(total.substr(0, total.find(',')));
  EXPECT_GT(received, 300);
  EXPECT_LT(received, 800);
  EXPECT_THAT(Hotline("report --month 2022-05 " + db).out, HasSubstr("满意率 satisfaction 9"));
}

TEST(SimulateTest, TheSameSeedGivesTheSameLog) {
  hotline::testing::TempDir dir;
  for (const char* name : {"a", "b"}) {
    ASSERT_EQ(Hotline("simulate --from 2022-03-01 --to 2022-03-20 --seed 9 --no-sync --db " +
                      dir.Sub(name)).exit_code, 0);
  }
  EXPECT_FALSE(HeadHash(dir.Sub("a")).empty());
  EXPECT_EQ(HeadHash(dir.Sub("a")), HeadHash(dir.Sub("b")));
  ASSERT_EQ(Hotline("simulate --from 2022-03-01 --to 2022-03-20 --seed 10 --no-sync --db " +
                    dir.Sub("c")).exit_code, 0);
  EXPECT_NE(HeadHash(dir.Sub("a")), HeadHash(dir.Sub("c")));
}

}  // namespace
}  // namespace hotline
