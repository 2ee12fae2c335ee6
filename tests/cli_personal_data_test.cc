// Personal data from the command line (docs/personal-data.md): a master key
// made, a district simulated with it, a citizen erased, and what history,
// export, report and verify show before and after.

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_runner.h"
#include "tests/temp_dir.h"

namespace hotline::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kTicket[] = "T20220103-0001";

class CliPersonalDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = absl::StrCat("--db ", dir_.Sub("db"));
    key_ = absl::StrCat(" --master-key-file ", dir_.Sub("master.key"));
    CliRun made = Hotline(absl::StrCat("keygen-master --out ", dir_.Sub("master.key")));
    ASSERT_EQ(made.exit_code, 0) << made.out;
    ASSERT_EQ(Hotline(absl::StrCat("simulate ", db_, key_,
                                   " --from 2022-01-03 --to 2022-01-07 "
                                   "--tickets-per-year 2000 --no-sync"))
                  .exit_code,
              0);
  }

  // The value of the first "phone" in `json`.
  static std::string Phone(const std::string& json) {
    const std::string field = "\"phone\":\"";
    const size_t at = json.find(field);
    if (at == std::string::npos) return "";
    const size_t begin = at + field.size();
    return json.substr(begin, json.find('"', begin) - begin);
  }

  TempDir dir_;
  std::string db_, key_;
};

TEST_F(CliPersonalDataTest, TheMasterKeyIsANewOwnerOnlyFileOf32Bytes) {
  const std::string path = dir_.Sub("master.key");
  EXPECT_EQ(std::filesystem::file_size(path), 32u);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_NE(Hotline(absl::StrCat("keygen-master --out ", path)).exit_code, 0);
  std::ofstream(dir_.Sub("short.key")) << "not a key";
  CliRun bad = Hotline(absl::StrCat("history ", kTicket, " ", db_,
                                    " --master-key-file ", dir_.Sub("short.key")));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.out, HasSubstr("--master-key-file"));
}

TEST_F(CliPersonalDataTest, AnErasedCitizenReadsErasedAndTheReportStays) {
  CliRun history = Hotline(absl::StrCat("history ", kTicket, " --json ", db_, key_));
  ASSERT_EQ(history.exit_code, 0) << history.out;
  const std::string phone = Phone(history.out);
  ASSERT_FALSE(phone.empty()) << history.out;
  CliRun keyless = Hotline(absl::StrCat("history ", kTicket, " --json ", db_));
  EXPECT_THAT(keyless.out, HasSubstr("[encrypted]"));
  EXPECT_THAT(keyless.out, Not(HasSubstr(phone)));
  EXPECT_THAT(Hotline(absl::StrCat("export ", db_)).out, Not(HasSubstr(phone)));

  CliRun stats = Hotline(absl::StrCat("stats ", db_));
  const size_t at = stats.out.find("events");
  ASSERT_NE(at, std::string::npos) << stats.out;
  const std::string head = std::to_string(std::stoull(stats.out.substr(at + 6)));
  const std::string report_args =
      absl::StrCat("report --month 2022-01 --up-to-sequence ", head, " --format json ", db_);
  const CliRun before = Hotline(report_args);
  ASSERT_EQ(before.exit_code, 0) << before.out;

  EXPECT_EQ(Hotline(absl::StrCat("erase --phone ", phone, " --reason test ", db_)).exit_code, 2);
  CliRun erased = Hotline(absl::StrCat("erase --phone ", phone, " --reason 'PIPL request' ",
                                       db_, key_));
  ASSERT_EQ(erased.exit_code, 0) << erased.out;
  EXPECT_THAT(erased.out, HasSubstr("erased the personal data of"));

  CliRun after = Hotline(absl::StrCat("history ", kTicket, " --json ", db_, key_));
  EXPECT_THAT(after.out, HasSubstr("[erased]"));
  EXPECT_THAT(after.out, Not(HasSubstr(phone)));
  EXPECT_EQ(Hotline(report_args).out, before.out);
  CliRun verify = Hotline(absl::StrCat("verify ", db_));
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  // Nothing left of that citizen to erase.
  EXPECT_EQ(Hotline(absl::StrCat("erase --phone ", phone, " --reason again ", db_, key_))
                .exit_code,
            1);
}

TEST_F(CliPersonalDataTest, AStoreInTheClearIsResealedWithASignedStatement) {
  const std::string plain = absl::StrCat("--db ", dir_.Sub("plain"));
  ASSERT_EQ(Hotline(absl::StrCat("simulate ", plain, " --from 2022-01-03 --to 2022-01-05 "
                                 "--tickets-per-year 2000 --no-sync"))
                .exit_code,
            0);
  ASSERT_EQ(Hotline(absl::StrCat("keygen --name centre.example --out ", dir_.Sub("signer.key")))
                .exit_code,
            0);
  const std::string phone =
      Phone(Hotline(absl::StrCat("history ", kTicket, " --json ", plain)).out);
  ASSERT_FALSE(phone.empty());
  CliRun resealed = HotlineStdoutTo(
      absl::StrCat("reseal ", plain, key_, " --to ", dir_.Sub("sealed"), " --key ",
                   dir_.Sub("signer.key")),
      dir_.Sub("statement.txt"));
  ASSERT_EQ(resealed.exit_code, 0) << resealed.out;
  std::ifstream in(dir_.Sub("statement.txt"));
  const std::string statement((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
  EXPECT_THAT(statement, HasSubstr("hotline reseal\nfrom hotline/"));
  EXPECT_THAT(statement, HasSubstr("\n\n\u2014 centre.example "));
  const std::string sealed = absl::StrCat("--db ", dir_.Sub("sealed"));
  EXPECT_THAT(Hotline(absl::StrCat("history ", kTicket, " --json ", sealed, key_)).out,
              HasSubstr(phone));
  EXPECT_THAT(Hotline(absl::StrCat("history ", kTicket, " --json ", sealed)).out,
              Not(HasSubstr(phone)));
  EXPECT_EQ(Hotline(absl::StrCat("verify ", sealed)).exit_code, 0);
}

}  // namespace
}  // namespace hotline::testing
