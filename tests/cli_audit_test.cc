// The auditor's command line (docs/audit.md) as a user runs it: keygen,
// checkpoint, prove, verify-proof, import against a checkpoint, and the
// report bound to a checkpoint.

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_runner.h"
#include "tests/temp_dir.h"

namespace hotline::testing {
namespace {

using ::testing::HasSubstr;

class CliAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = absl::StrCat("--db ", dir_.Sub("db"));
    ASSERT_EQ(Hotline(absl::StrCat("simulate ", db_, " --from 2022-01-03 --to 2022-01-07 "
                                   "--tickets-per-year 2000 --no-sync"))
                  .exit_code,
              0);
    CliRun key = Hotline(absl::StrCat("keygen --name centre.example --out ", Path("signer.key")));
    ASSERT_EQ(key.exit_code, 0) << key.out;
    verifier_ = key.out.substr(0, key.out.find('\n'));
    Write("verifier.pub", verifier_);
  }

  std::string Path(const std::string& name) const { return dir_.Sub(name); }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(Path(name)) << text;
  }
  std::string Read(const std::string& name) const {
    std::stringstream text;
    text << std::ifstream(Path(name)).rdbuf();
    return text.str();
  }
  // `hotline ARGS` whose standard output must be saved to `name`.
  void Save(const std::string& args, const std::string& name) {
    CliRun run = HotlineStdoutTo(args, Path(name));
    ASSERT_EQ(run.exit_code, 0) << run.out;
  }
  CliRun VerifyProof(const std::string& checkpoint, const std::string& proof,
                     const std::string& extra = "") {
    return Hotline(absl::StrCat("verify-proof --verifier ", Path("verifier.pub"), " --checkpoint ",
                                Path(checkpoint), " --proof ", Path(proof), extra));
  }

  TempDir dir_;
  std::string db_, verifier_;
};

TEST_F(CliAuditTest, ATicketIsProvenAndALaterLogExtendsTheCheckpoint) {
  Save(absl::StrCat("checkpoint ", db_, " --key ", Path("signer.key")), "old.cp");
  Save(absl::StrCat("prove ", db_, " --ticket T20220103-0001"), "ticket.json");
  CliRun ok = VerifyProof("old.cp", "ticket.json");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_THAT(ok.out, HasSubstr("OK"));

  ASSERT_EQ(Hotline(absl::StrCat("simulate ", db_, " --from 2022-01-08 --to 2022-01-12 "
                                 "--tickets-per-year 2000 --no-sync"))
                .exit_code,
            0);
  Save(absl::StrCat("checkpoint ", db_, " --key ", Path("signer.key")), "new.cp");
  const std::string old_lines = Read("old.cp");
  const uint64_t size = std::stoull(old_lines.substr(old_lines.find('\n') + 1));
  Save(absl::StrCat("prove ", db_, " --from ", size), "consistency.json");
  CliRun consistent =
      VerifyProof("new.cp", "consistency.json", absl::StrCat(" --consistency ", Path("old.cp")));
  EXPECT_EQ(consistent.exit_code, 0) << consistent.out;
  // The old proof does not hold against the new checkpoint; a checkpoint
  // whose size was edited does not verify at all.
  EXPECT_EQ(VerifyProof("new.cp", "ticket.json").exit_code, 1);
  std::string edited = Read("old.cp");
  edited[edited.find('\n') + 1] ^= 1;
  Write("edited.cp", edited);
  CliRun forged = VerifyProof("edited.cp", "ticket.json");
  EXPECT_EQ(forged.exit_code, 1);
  EXPECT_THAT(forged.out, HasSubstr("signature"));
}

TEST_F(CliAuditTest, ImportRefusesAnExportThatIsNotTheSignedLog) {
  Save(absl::StrCat("checkpoint ", db_, " --key ", Path("signer.key")), "cp");
  Save(absl::StrCat("export ", db_), "log.jsonl");
  CliRun good = Hotline(absl::StrCat("import --db ", Path("copy"), " --in ", Path("log.jsonl"),
                                     " --verifier ", Path("verifier.pub"), " --checkpoint ",
                                     Path("cp")));
  EXPECT_EQ(good.exit_code, 0) << good.out;
  // The copy is the same log: same origin, same signed root.
  Save(absl::StrCat("checkpoint --db ", Path("copy"), " --key ", Path("signer.key")), "copy.cp");
  EXPECT_EQ(Read("copy.cp"), Read("cp"));
  // Another log (a longer simulation of its own) is refused, and nothing is
  // written.
  ASSERT_EQ(Hotline(absl::StrCat("simulate --db ", Path("other"), " --from 2022-01-03 --to "
                                 "2022-01-14 --tickets-per-year 2000 --seed 7 --no-sync"))
                .exit_code,
            0);
  Save(absl::StrCat("export --db ", Path("other")), "other.jsonl");
  CliRun refused = Hotline(absl::StrCat("import --db ", Path("copy2"), " --in ",
                                        Path("other.jsonl"), " --verifier ", verifier_,
                                        " --checkpoint ", Path("cp")));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.out, HasSubstr("not the log the checkpoint signed"));
  EXPECT_NE(Hotline(absl::StrCat("verify --db ", Path("copy2"))).exit_code, 0);
}

TEST_F(CliAuditTest, AReportCarriesTheCheckpointOfThePrefixItCounted) {
  CliRun json = Hotline(absl::StrCat("report ", db_, " --month 2022-01 --format json "
                                     "--checkpoint-key ", Path("signer.key")));
  ASSERT_EQ(json.exit_code, 0) << json.out;
  EXPECT_THAT(json.out, HasSubstr("\"checkpoint\":\"hotline/"));
  EXPECT_THAT(json.out, HasSubstr("— centre.example "));
  EXPECT_EQ(Hotline(absl::StrCat("report ", db_, " --month 2022-01 --format csv "
                                 "--checkpoint-key ", Path("signer.key")))
                .exit_code,
            2);
}

}  // namespace
}  // namespace hotline::testing
