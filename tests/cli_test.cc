// The `hotline` binary as a user runs it (cli.md): apply's per-line results
// and exit code, show --as-of, history, export's event shape, --help, and
// bad flags.

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/engine.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_runner.h"
#include "tests/temp_dir.h"

namespace hotline {
namespace {

using ::testing::HasSubstr;

using hotline::testing::CliRun;
using hotline::testing::Hotline;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = "--db " + dir_.Sub("db");
    std::ofstream f(dir_.Sub("commands.jsonl"));
    f << R"({"commandId":"u1","at":"2022-05-01T09:00:00+08:00","actor":{"id":"admin","role":"ADMIN"},"registerUnit":{"unitId":"U07","name":"区住建局","kind":"DEPARTMENT"}})" "\n"
      << R"({"commandId":"c1","ticketId":"T-1","at":"2022-05-27T15:00:00+08:00","actor":{"id":"li","role":"OPERATOR"},"receive":{"channel":"PHONE","appealType":"COMPLAINT","category":"住房保障","urgency":"NORMAL","title":"漏水","content":"楼上漏水","citizen":{"name":"张三","phone":"13812345678"}}})" "\n"
      << "\n"
      << R"({"commandId":"c2","ticketId":"T-1","at":"2022-05-27T16:00:00+08:00","actor":{"id":"zhao","role":"DISPATCHER"},"expectedVersion":1,"dispatch":{"leadUnit":"U07"}})" "\n"
      << "not json at all\n"
      << R"({"commandId":"c3","ticketId":"T-1","at":"2022-05-27T16:30:00+08:00","actor":{"id":"x","role":"UNIT_STAFF","unitId":"U08"},"accept":{}})" "\n"
      << R"({"commandId":"c4","ticketId":"T-1","at":"2022-05-30T09:30:00+08:00","actor":{"id":"wang","role":"UNIT_STAFF","unitId":"U07"},"accept":{}})" "\n";
  }
  hotline::testing::TempDir dir_;
  std::string db_;
};

TEST_F(CliTest, ApplyReportsEachLineAndAppliesTheGoodOnes) {
  CliRun run = Hotline("apply --backfill --file " + dir_.Sub("commands.jsonl") + " " + db_);
  EXPECT_EQ(run.exit_code, 3) << run.out;  // some commands refused
  std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 6u) << run.out;  // the blank line 3 gets none
  EXPECT_THAT(lines[0], HasSubstr(R"("line":1,"commandId":"u1","ok":true,"code":"OK")"));
  EXPECT_THAT(lines[1], HasSubstr(R"("line":2,"commandId":"c1","ok":true)"));
  EXPECT_THAT(lines[2], HasSubstr(R"("line":4,"commandId":"c2","ok":true)"));
  EXPECT_THAT(lines[2], HasSubstr(R"("firstSequence":3,"eventCount":1)"));
  EXPECT_THAT(lines[3], HasSubstr(R"("line":5,"commandId":"","ok":false,"code":"INVALID_ARGUMENT")"));
  EXPECT_THAT(lines[4], HasSubstr(R"("line":6,"commandId":"c3","ok":false,"code":"PERMISSION_DENIED")"));
  EXPECT_THAT(lines[5], HasSubstr(R"("line":7,"commandId":"c4","ok":true)"));

  // Applying the same file again: every good line is a duplicate, nothing new.
  CliRun again = Hotline("apply --backfill --file " + dir_.Sub("commands.jsonl") + " " + db_);
  EXPECT_THAT(Lines(again.out)[2], HasSubstr(R"("firstSequence":3,"eventCount":1)"));
  EXPECT_THAT(Hotline("stats " + db_).out, HasSubstr("events          4"));
}

TEST_F(CliTest, ShowHistoryAndExport) {
  ASSERT_EQ(Hotline("apply --backfill --file " + dir_.Sub("commands.jsonl") + " " + db_).exit_code, 3);
  CliRun now = Hotline("show T-1 --json " + db_);
  EXPECT_EQ(now.exit_code, 0);
  for (const char* key : {"\"state\":\"IN_PROGRESS\"", "\"closeReason\"", "\"cycle\":1",
                          "\"leadUnit\":\"U07\"", "\"assistUnits\":[]",
                          "\"acceptDeadline\":\"2022-05-30T03:30:00Z\"",
                          "\"handleDeadline\"", "\"version\":\"3\""}) {
    EXPECT_THAT(now.out, HasSubstr(key));
  }
  CliRun then = Hotline("show T-1 --json --as-of 2022-05-27T15:30:00+08:00 " + db_);
  EXPECT_THAT(then.out, HasSubstr("\"state\":\"RECEIVED\""));
  CliRun local = Hotline("show T-1 --as-of '2022-05-27 16:10' " + db_);
  EXPECT_THAT(local.out, HasSubstr("DISPATCHED"));

  CliRun history = Hotline("history T-1 " + db_);
  std::vector<std::string> lines = Lines(history.out);
  ASSERT_EQ(lines.size(), 3u) << history.out;
  EXPECT_THAT(lines[0], HasSubstr("2022-05-27T15:00:00+08:00"));
  EXPECT_THAT(lines[0], HasSubstr("li/OPERATOR"));
  EXPECT_THAT(lines[1], HasSubstr("zhao/DISPATCHER"));
  EXPECT_THAT(lines[2], HasSubstr("wang/UNIT_STAFF@U07"));
  EXPECT_THAT(lines[2], HasSubstr("-> IN_PROGRESS"));

  CliRun exported = Hotline("export --format jsonl " + db_);
  lines = Lines(exported.out);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_THAT(lines[2], HasSubstr(R"("sequence":"3","streamId":"T-1","streamVersion":"2")"));
  EXPECT_THAT(lines[2], HasSubstr(R"("actor":{"id":"zhao","role":"DISPATCHER")"));
  EXPECT_THAT(lines[2], HasSubstr(R"("commandId":"c2","schemaVersion":1,"prevHash":")"));
  EXPECT_THAT(lines[2], HasSubstr(R"("event":{"ticketDispatched":{"leadUnit":"U07","assistUnits":[])"));
  EXPECT_THAT(lines[2], HasSubstr(R"("at":"2022-05-27T08:00:00Z")"));
  EXPECT_THAT(Hotline("export --redact " + db_).out, HasSubstr(R"("phone":"138****5678")"));
}

TEST_F(CliTest, HelpAndBadFlags) {
  for (const char* sub :
       {"apply", "show", "history", "report", "sla", "timers", "policy", "export", "import",
        "verify", "backup", "simulate", "stats"}) {
    CliRun help = Hotline(std::string(sub) + " --help");
    EXPECT_EQ(help.exit_code, 0) << sub;
    EXPECT_THAT(help.out, HasSubstr(std::string("usage: hotline ") + sub));
    CliRun bad = Hotline(std::string(sub) + " --no-such-flag " + db_);
    EXPECT_EQ(bad.exit_code, 2) << sub;
    EXPECT_THAT(bad.out, HasSubstr("unknown flag --no-such-flag"));
  }
  EXPECT_EQ(Hotline("show").exit_code, 2);                   // missing TICKET
  EXPECT_EQ(Hotline("timers " + db_).exit_code, 2);          // --now is required
  EXPECT_EQ(Hotline("sla --overdue --due-within 4 " + db_).exit_code, 2);
  EXPECT_EQ(Hotline("policy frobnicate " + db_).exit_code, 2);
  EXPECT_EQ(Hotline("report " + db_).exit_code, 2);                      // --month required
  EXPECT_EQ(Hotline("report --month 2022-13 " + db_).exit_code, 2);
  EXPECT_EQ(Hotline("report --month 2022-05 --format pdf " + db_).exit_code, 2);
  EXPECT_EQ(Hotline("import " + db_).exit_code, 2);                      // --in required
  EXPECT_EQ(Hotline("simulate --from 2022-05-01 " + db_).exit_code, 2);  // --to required
  EXPECT_EQ(Hotline("simulate --from 2022-05-01 --to 2022-04-01 " + db_).exit_code, 2);
  EXPECT_EQ(Hotline("export --format xml " + db_).exit_code, 2);
  EXPECT_EQ(Hotline("frobnicate").exit_code, 2);
  EXPECT_EQ(Hotline("show T-1 " + db_).exit_code, 1);        // no store there
}

TEST_F(CliTest, PolicyTimersAndSla) {
  const std::string calendar = std::string(HOTLINE_SOURCE_DIR) + "/engine/calendars/china.json";
  CliRun published = Hotline("policy publish --backfill --at 2022-01-01T00:00:00+08:00 --calendar " +
                             calendar + " " + db_);
  ASSERT_EQ(published.exit_code, 0) << published.out;
  EXPECT_THAT(Hotline("policy show " + db_).out, HasSubstr("\"2022-06-03\""));
  ASSERT_EQ(Hotline("apply --backfill --file " + dir_.Sub("commands.jsonl") + " " + db_).exit_code, 3);
  // Under the China calendar the handle deadline skips 端午节: 2022-06-07.
  EXPECT_THAT(Hotline("show T-1 --json " + db_).out,
              HasSubstr("\"handleDeadline\":\"2022-06-06T16:00:00Z\""));
  CliRun sla = Hotline("sla --as-of '2022-06-07 09:00' --overdue --json " + db_);
  EXPECT_EQ(sla.exit_code, 0);
  EXPECT_THAT(sla.out, HasSubstr(R"("ticketId":"T-1","kind":"HANDLE","deadline":"2022-06-06T16:00:00Z","leadUnit":"U07","overdue":true)"));
  CliRun timers = Hotline("timers --now '2022-06-07 09:00' " + db_);
  EXPECT_EQ(timers.exit_code, 0);
  EXPECT_THAT(timers.out, HasSubstr("1 timer(s) fired"));
  EXPECT_THAT(Hotline("timers --now '2022-06-07 09:00' " + db_).out,
              HasSubstr("0 timer(s) fired"));
  EXPECT_THAT(Hotline("history T-1 " + db_).out, HasSubstr("timer/SYSTEM"));
}

TEST_F(CliTest, ExportImportReportAndVerify) {
  ASSERT_EQ(Hotline("apply --backfill --file " + dir_.Sub("commands.jsonl") + " " + db_).exit_code, 3);
  ASSERT_EQ(Hotline("export --out " + dir_.Sub("e.jsonl") + " " + db_).exit_code, 0);
  CliRun imported = Hotline("import --in " + dir_.Sub("e.jsonl") + " --db " + dir_.Sub("copy"));
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  const std::string report = "report --month 2022-05 --format json ";
  EXPECT_EQ(Hotline(report + db_).out, Hotline(report + "--db " + dir_.Sub("copy")).out);
  EXPECT_EQ(Hotline(report + db_).out, Hotline(report + "--rebuild " + db_).out);
  EXPECT_THAT(Hotline(report + db_).out, HasSubstr("\"dispatched\":1,\"accepted_on_time\":1,"));
  ASSERT_EQ(Hotline("backup --to " + dir_.Sub("backup") + " " + db_).exit_code, 0);
  EXPECT_EQ(Hotline(report + db_).out, Hotline(report + "--db " + dir_.Sub("backup")).out);
  EXPECT_EQ(Hotline("backup --to " + dir_.Sub("backup") + " " + db_).exit_code, 1);  // exists
  CliRun verify = Hotline("verify --db " + dir_.Sub("copy"));
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_THAT(verify.out, HasSubstr("4 records checked"));

  // A tampered export is refused, naming the event, and nothing is written.
  std::ifstream in(dir_.Sub("e.jsonl"));
  std::stringstream text;
  text << in.rdbuf();
  std::string tampered = text.str();
  tampered.replace(tampered.find("楼上漏水"), std::string("楼上漏水").size(), "楼下漏水");
  std::ofstream(dir_.Sub("t.jsonl")) << tampered;
  CliRun refused = Hotline("import --in " + dir_.Sub("t.jsonl") + " --db " + dir_.Sub("t"));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.out, HasSubstr("sequence 2: hash mismatch"));
  EXPECT_THAT(Hotline("stats --db " + dir_.Sub("t")).out, HasSubstr("events          0"));
}

// docs/operations.md: backup works beside a running writer, which holds
// the store's lock, and the copy is a store that verifies.
TEST_F(CliTest, BackupWorksBesideARunningWriter) {
  ASSERT_EQ(Hotline("apply --backfill --file " + dir_.Sub("commands.jsonl") + " " + db_).exit_code,
            3);
  auto writer = engine::Engine::Open(dir_.Sub("db"));
  ASSERT_TRUE(writer.ok()) << writer.status();
  const uint64_t head = (*writer)->log().head().sequence;
  CliRun backup = Hotline("backup " + db_ + " --to " + dir_.Sub("copy"));
  EXPECT_EQ(backup.exit_code, 0) << backup.out;
  EXPECT_THAT(backup.out, HasSubstr(absl::StrCat("backed up ", head, " events")));
  writer->reset();
  CliRun verify = Hotline("verify --db " + dir_.Sub("copy"));
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_THAT(Hotline("show T-1 --db " + dir_.Sub("copy")).out, HasSubstr("IN_PROGRESS"));
}

}  // namespace
}  // namespace hotline
