// The `hotline` binary under hostile input and a hostile environment: what a
// careful attacker feeds `apply` (malformed, oversized, deeply nested,
// mistyped, out-of-range and unauthorised commands), writers whose output
// cannot be written, and a system without tzdata. Every refusal must name
// its code and the field or line, append nothing, leave `verify` OK and
// never kill the process.

#include <stdlib.h>  // setenv, unsetenv
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "engine/command_validation.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli_runner.h"
#include "tests/temp_dir.h"

namespace hotline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using hotline::testing::CliRun;
using hotline::testing::Hotline;
using hotline::testing::HotlineStdoutTo;

constexpr size_t kLineLimit = 1 << 20;  // docs/operations.md, "Limits"

// Two units, T-1 dispatched to U07 (stream version 2, last event
// 2022-05-27 16:00 +08:00), T-2 received.
constexpr char kSetup[] =
    R"({"commandId":"u1","at":"2022-05-01T09:00:00+08:00","actor":{"id":"admin","role":"ADMIN"},"registerUnit":{"unitId":"U07","name":"区住建局","kind":"DEPARTMENT"}})" "\n"
    R"({"commandId":"u2","at":"2022-05-01T09:00:00+08:00","actor":{"id":"admin","role":"ADMIN"},"registerUnit":{"unitId":"U08","name":"区城管局","kind":"DEPARTMENT"}})" "\n"
    R"({"commandId":"c1","ticketId":"T-1","at":"2022-05-27T15:00:00+08:00","actor":{"id":"li","role":"OPERATOR"},"receive":{"channel":"PHONE","appealType":"COMPLAINT","category":"住房保障","urgency":"NORMAL","title":"漏水","content":"楼上漏水","citizen":{"name":"张三","phone":"13812345678"}}})" "\n"
    R"({"commandId":"c2","ticketId":"T-1","at":"2022-05-27T16:00:00+08:00","actor":{"id":"zhao","role":"DISPATCHER"},"expectedVersion":1,"dispatch":{"leadUnit":"U07"}})" "\n"
    R"({"commandId":"c3","ticketId":"T-2","at":"2022-05-27T17:00:00+08:00","actor":{"id":"li","role":"OPERATOR"},"receive":{"channel":"WEB","appealType":"CONSULTATION","category":"交通","urgency":"NORMAL","content":"公交线路"}})" "\n";

// Fields shared by the hostile commands: T-1, after its last event, by the
// lead unit's staff or by a supervisor.
constexpr char kAt[] = R"("at":"2022-05-28T10:00:00+08:00")";
constexpr char kAsStaff[] =
    R"("ticketId":"T-1","at":"2022-05-28T10:00:00+08:00","actor":{"id":"wang","role":"UNIT_STAFF","unitId":"U07"})";
constexpr char kAsSupervisor[] =
    R"("ticketId":"T-1","at":"2022-05-28T10:00:00+08:00","actor":{"id":"sun","role":"SUPERVISOR"})";

// {"commandId":"ID",PIECES...}
template <typename... Pieces>
std::string Cmd(absl::string_view id, const Pieces&... pieces) {
  return absl::StrCat(R"({"commandId":")", id, R"(",)", pieces..., "}");
}

// A receive for a new ticket with `receive_fields` inside its payload.
std::string Receive(const std::string& id, const std::string& ticket,
                    const std::string& receive_fields) {
  return Cmd(id, absl::StrCat(R"("ticketId":")", ticket, R"(",)", kAt,
                              R"(,"actor":{"id":"li","role":"OPERATOR"},"receive":{)",
                              receive_fields, "}"));
}

constexpr char kReceiveFields[] =
    R"("channel":"PHONE","appealType":"COMPLAINT","category":"c","urgency":"NORMAL")";

struct Case {
  std::string name;
  std::string line;     // without '\n'
  std::string code;     // the status code's name
  std::string message;  // a part of the message naming the field or line
};

// The result lines of `apply`, by input line number. Anything else the
// process printed (it should print nothing else) is ignored here.
std::map<uint64_t, std::string> ResultsByLine(const std::string& out) {
  std::map<uint64_t, std::string> results;
  for (absl::string_view l : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    constexpr absl::string_view kPrefix = R"({"line":)";
    if (!absl::StartsWith(l, kPrefix)) continue;
    const size_t comma = l.find(',');
    uint64_t n = 0;
    if (comma == absl::string_view::npos ||
        !absl::SimpleAtoi(l.substr(kPrefix.size(), comma - kPrefix.size()), &n)) {
      continue;
    }
    results[n] = std::string(l);
  }
  return results;
}

class CliHostileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = "--db " + dir_.Sub("db");
    std::ofstream(dir_.Sub("setup.jsonl")) << kSetup;
    CliRun setup = Hotline("apply --backfill --file " + dir_.Sub("setup.jsonl") + " " + db_);
    ASSERT_EQ(setup.exit_code, 0) << setup.out;
    ASSERT_EQ(HeadSequence(), 5u);
  }

  // The head sequence `hotline stats` prints (0 when it prints none).
  uint64_t HeadSequence() {
    CliRun stats = Hotline("stats " + db_);
    EXPECT_EQ(stats.exit_code, 0) << stats.out;
    for (absl::string_view l : absl::StrSplit(stats.out, '\n')) {
      uint64_t n = 0;
      if (absl::ConsumePrefix(&l, "head sequence") &&
          absl::SimpleAtoi(absl::StripAsciiWhitespace(l), &n)) {
        return n;
      }
    }
    ADD_FAILURE() << "no head sequence in:\n" << stats.out;
    return 0;
  }

  void ExpectVerifyOk() {
    CliRun verify = Hotline("verify " + db_);
    EXPECT_EQ(verify.exit_code, 0) << verify.out;
    EXPECT_THAT(verify.out, HasSubstr("\nOK\n")) << verify.out;
  }

  std::string Write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir_.Sub(name), std::ios::binary) << bytes;
    return dir_.Sub(name);
  }

  // Applies `cases` one per line, then `last` (which must succeed), in one
  // run; checks each case's result, that only `last` appended, and verify.
  void ApplyAndExpectRefused(const std::vector<Case>& cases, const std::string& last) {
    std::string input;
    for (const Case& c : cases) absl::StrAppend(&input, c.line, "\n");
    absl::StrAppend(&input, last, "\n");
    const uint64_t before = HeadSequence();
    CliRun run = Hotline("apply --backfill --file " + Write("hostile.jsonl", input) + " " + db_);
    EXPECT_EQ(run.exit_code, 3) << "not a normal exit with refusals (-1: a signal)";
    const std::map<uint64_t, std::string> results = ResultsByLine(run.out);
    EXPECT_EQ(results.size(), cases.size() + 1);
    for (size_t i = 0; i < cases.size(); ++i) {
      const Case& c = cases[i];
      auto it = results.find(i + 1);
      if (it == results.end()) {
        ADD_FAILURE() << c.name << ": no result for line " << i + 1;
        continue;
      }
      const std::string& r = it->second;
      EXPECT_THAT(r, HasSubstr(absl::StrCat(R"("ok":false,"code":")", c.code, R"(")")))
          << c.name;
      EXPECT_THAT(r, HasSubstr(c.message)) << c.name;
      EXPECT_THAT(r, HasSubstr(R"("firstSequence":0,"eventCount":0})")) << c.name;
      // A result line is JSON, so UTF-8, whatever bytes the input held.
      EXPECT_TRUE(engine::IsValidUtf8(r)) << c.name;
    }
    // The good last line went through: the input after the hostile lines was
    // read, and it is the only thing appended.
    auto it = results.find(cases.size() + 1);
    ASSERT_NE(it, results.end()) << "no result for the last, good line";
    EXPECT_THAT(it->second, HasSubstr(absl::StrCat(R"("ok":true,"code":"OK","message":"",)",
                                                   R"("firstSequence":)", before + 1,
                                                   R"(,"eventCount":1})")));
    EXPECT_EQ(HeadSequence(), before + 1);
    ExpectVerifyOk();
  }

  hotline::testing::TempDir dir_;
  std::string db_;
};

TEST_F(CliHostileTest, MalformedJsonIsRefusedNamingWhatIsWrong) {
  const std::string bad_utf8_id = "\xff\xfe";
  ApplyAndExpectRefused(
      {
          {"truncated JSON", R"({"commandId":"t1","ticketId":"T-1",)", "INVALID_ARGUMENT",
           "Unexpected end of string"},
          {"a JSON array", "[" + Cmd("t2", kAsStaff, R"(,"accept":{})") + "]",
           "INVALID_ARGUMENT", "Root element must be a message"},
          {"a bare string", R"("accept")", "INVALID_ARGUMENT", "Root element must be a message"},
          {"a bare number", "42", "INVALID_ARGUMENT", "Root element must be a message"},
          {"null", "null", "INVALID_ARGUMENT", "Root element must be a message"},
          {"an empty object", "{}", "INVALID_ARGUMENT", "command_id: must not be empty"},
          {"two objects on one line",
           Cmd("t3", kAsSupervisor, R"(,"urge":{})") + " " + Cmd("t4", kAsSupervisor, R"(,"urge":{})"),
           "INVALID_ARGUMENT", "Parsing terminated before end of input"},
          {"trailing garbage", Cmd("t5", kAsSupervisor, R"(,"urge":{})") + "garbage",
           "INVALID_ARGUMENT", "Parsing terminated before end of input"},
          {"an unknown top-level field", Cmd("t6", kAsStaff, R"(,"accept":{},"sudo":true)"),
           "INVALID_ARGUMENT", "sudo: Cannot find field"},
          {"an unknown payload field", Cmd("t7", kAsStaff, R"(,"accept":{"force":true})"),
           "INVALID_ARGUMENT", "(accept) force: Cannot find field"},
          {"a number for a string",
           absl::StrCat(R"({"commandId":5,)", kAsStaff, R"(,"accept":{}})"), "INVALID_ARGUMENT",
           "(command_id): invalid value 5 for type TYPE_STRING"},
          {"an object for a number", Cmd("t8", kAsStaff, R"(,"expectedVersion":{},"accept":{})"),
           "INVALID_ARGUMENT", "for type expected_version"},
          {"a string for an object",
           Cmd("t9", std::string(R"("ticketId":"T-1",)") + kAt + R"(,"actor":"zhao","accept":{})"),
           "INVALID_ARGUMENT", "(actor): invalid value"},
          {"1e30 for a uint64", Cmd("t10", kAsStaff, R"(,"expectedVersion":1e30,"accept":{})"),
           "INVALID_ARGUMENT", "(expected_version): invalid value 1e+30"},
          {"-1 for a uint64", Cmd("t11", kAsStaff, R"(,"expectedVersion":-1,"accept":{})"),
           "INVALID_ARGUMENT", "(expected_version): invalid value -1"},
          {"1e30 for a uint32",
           Cmd("t12", kAsStaff, R"(,"requestExtension":{"extraWorkingDays":1e30,"reason":"r"})"),
           "INVALID_ARGUMENT", "(request_extension.extra_working_days): invalid value 1e+30"},
          {"two payloads", Cmd("t13", kAsSupervisor, R"(,"urge":{},"withdraw":{"reason":"r"})"),
           "INVALID_ARGUMENT", "oneof field 'payload' is already set"},
          {"no payload", Cmd("t14", kAsSupervisor), "INVALID_ARGUMENT",
           "payload: exactly one command payload must be set"},
          {"a null payload", Cmd("t15", kAsSupervisor, R"(,"urge":null)"), "INVALID_ARGUMENT",
           "payload: exactly one command payload must be set"},
          {"invalid UTF-8 in the command id",
           absl::StrCat(R"({"commandId":")", bad_utf8_id, R"(",)", kAsStaff, R"(,"accept":{}})"),
           "INVALID_ARGUMENT", "Encountered non UTF-8 code points"},
          {"an overlong UTF-8 form in text",
           Cmd("t16", kAsSupervisor, R"(,"urge":{"note":")", "\xc0\xaf", R"("})"),
           "INVALID_ARGUMENT", "Encountered non UTF-8 code points"},
          {"a UTF-8 encoded surrogate in text",
           Cmd("t17", kAsSupervisor, R"(,"urge":{"note":")", "\xed\xa0\x80", R"("})"),
           "INVALID_ARGUMENT", "Encountered non UTF-8 code points"},
          {"a lone surrogate escape", Cmd("t18", kAsSupervisor, R"(,"urge":{"note":"\ud800"})"),
           "INVALID_ARGUMENT", "Missing low surrogate"},
          {"a raw NUL inside a string",
           Cmd("t19", kAsSupervisor, R"(,"urge":{"note":"a)", std::string(1, '\0'), R"(b"})"),
           "INVALID_ARGUMENT", "raw control byte 0x00 at byte"},
          {"a raw NUL between tokens",
           Cmd("t20", kAsSupervisor, R"(,"urge":{})") + std::string(1, '\0'),
           "INVALID_ARGUMENT", "raw control byte 0x00 at byte"},
          {"a line of one NUL", std::string(1, '\0'), "INVALID_ARGUMENT",
           "raw control byte 0x00 at byte 0"},
          {"a raw control byte in text",
           Cmd("t21", kAsSupervisor, R"(,"urge":{"note":"a)", "\x1b[2J", R"(b"})"),
           "INVALID_ARGUMENT", "raw control byte 0x1b at byte"},
          {"100,000 '['", std::string(100000, '['), "INVALID_ARGUMENT",
           "nested deeper than 32 levels at byte 32"},
          {"100,000 nested objects in a payload",
           Cmd("t22", kAsSupervisor, R"(,"urge":)" + [] {
             std::string s;
             for (int i = 0; i < 100000; ++i) s += R"({"note":)";
             return s;
           }()),
           "INVALID_ARGUMENT", "nested deeper than 32 levels"},
      },
      Cmd("good", kAsSupervisor, R"(,"urge":{"note":"请尽快办理"})"));
}

TEST_F(CliHostileTest, AbsurdTimesAreRefusedNamingAt) {
  auto at = [](const std::string& id, const std::string& value) {
    return Cmd(id, R"("ticketId":"T-1","at":)" + value +
                       R"(,"actor":{"id":"sun","role":"SUPERVISOR"},"urge":{})");
  };
  ApplyAndExpectRefused(
      {
          {"year 0001", at("a1", R"("0001-01-01T00:00:00Z")"), "INVALID_ARGUMENT",
           "at: -62135596800 seconds since 1970 is outside the accepted window"},
          {"year 9999", at("a2", R"("9999-12-31T23:59:59Z")"), "INVALID_ARGUMENT",
           "at: 253402300799 seconds since 1970 is outside the accepted window"},
          {"the first instant refused", at("a3", R"("2200-01-01T00:00:00Z")"),
           "INVALID_ARGUMENT", "at: 7258118400 seconds since 1970 is outside"},
          {"1e30 seconds as a number", at("a4", "1e30"), "INVALID_ARGUMENT",
           "(at): invalid value Field 'at', Invalid data type for timestamp"},
          {"1e30 seconds as an object", at("a12", R"({"seconds":1e30})"), "INVALID_ARGUMENT",
           "(at.seconds): invalid value 1e+30 for type TYPE_INT64"},
          {"the least int64 seconds", at("a13", R"({"seconds":"-9223372036854775808"})"),
           "INVALID_ARGUMENT", "at: -9223372036854775808 seconds since 1970 is outside"},
          {"negative nanos", at("a14", R"({"seconds":1653703200,"nanos":-1})"),
           "INVALID_ARGUMENT", "at: nanos out of range"},
          {"a billion nanos", at("a15", R"({"seconds":1653703200,"nanos":1000000000})"),
           "INVALID_ARGUMENT", "at: nanos out of range"},
          {"1e30 as a string", at("a5", R"("1e30")"), "INVALID_ARGUMENT",
           "(at): invalid value Field 'at', Invalid time format: 1e30"},
          {"a negative fraction", at("a6", R"("2022-05-28T10:00:00.-000000001+08:00")"),
           "INVALID_ARGUMENT", "(at): invalid value Field 'at', Invalid time format"},
          {"not a date", at("a7", R"("yesterday")"), "INVALID_ARGUMENT",
           "(at): invalid value Field 'at', Invalid time format: yesterday"},
          {"no offset", at("a8", R"("2022-05-28T10:00:00")"), "INVALID_ARGUMENT",
           "(at): invalid value Field 'at', Invalid time format"},
          {"February 30th", at("a9", R"("2022-02-30T10:00:00+08:00")"), "INVALID_ARGUMENT",
           "(at): invalid value Field 'at', Invalid time format"},
          {"an offset of 99 hours", at("a10", R"("2022-05-28T10:00:00+99:00")"),
           "INVALID_ARGUMENT", "(at): invalid value Field 'at', Invalid time format"},
          {"before the ticket's last event", at("a11", R"("2022-05-27T15:30:00+08:00")"),
           "FAILED_PRECONDITION", "is earlier than the ticket's last event"},
      },
      at("good", R"("2022-05-28T11:00:00+08:00")"));
}

TEST_F(CliHostileTest, OversizedIdsFieldsAndEnumsAreRefusedNamingTheField) {
  const std::string long_id(10000, 'x');
  ApplyAndExpectRefused(
      {
          {"a 10,000-byte command id", Cmd(long_id, kAsSupervisor, R"(,"urge":{})"),
           "INVALID_ARGUMENT", "command_id: over 128 bytes"},
          {"a 10,000-byte ticket id",
           Cmd("s1", R"("ticketId":")" + long_id + R"(",)" + kAt +
                         R"(,"actor":{"id":"sun","role":"SUPERVISOR"},"urge":{})"),
           "INVALID_ARGUMENT", "ticket_id: must be 1 to 64 bytes"},
          {"a 10,000-byte actor id",
           Cmd("s2", std::string(R"("ticketId":"T-1",)") + kAt + R"(,"actor":{"id":")" + long_id +
                         R"(","role":"SUPERVISOR"},"urge":{})"),
           "INVALID_ARGUMENT", "actor.id: 10000 bytes, over the limit of 64"},
          {"a NUL in the ticket id",
           Cmd("s3", std::string(R"("ticketId":"T-\u00001",)") + kAt +
                         R"(,"actor":{"id":"sun","role":"SUPERVISOR"},"urge":{})"),
           "INVALID_ARGUMENT", "ticket_id: must be 1 to 64 bytes"},
          {"content one byte over 64 KiB",
           Receive("s4", "T-3", std::string(kReceiveFields) + R"(,"content":")" +
                                    std::string(65537, 'x') + R"(")"),
           "INVALID_ARGUMENT", "receive.content: 65537 bytes, over the limit of 65536"},
          {"a 513-byte title",
           Receive("s5", "T-3", std::string(kReceiveFields) + R"(,"content":"x","title":")" +
                                    std::string(513, 'x') + R"(")"),
           "INVALID_ARGUMENT", "receive.title: 513 bytes, over the limit of 512"},
          {"an unknown role name",
           Cmd("s6", std::string(R"("ticketId":"T-1",)") + kAt +
                         R"(,"actor":{"id":"x","role":"ROOT"},"urge":{})"),
           "INVALID_ARGUMENT", "(actor.role): invalid value"},
          {"an unknown role number",
           Cmd("s7", std::string(R"("ticketId":"T-1",)") + kAt +
                         R"(,"actor":{"id":"x","role":99},"urge":{})"),
           "INVALID_ARGUMENT", "actor.role: unknown value 99"},
          {"role 0", Cmd("s8", std::string(R"("ticketId":"T-1",)") + kAt +
                                   R"(,"actor":{"id":"x","role":0},"urge":{})"),
           "INVALID_ARGUMENT", "actor.role: must be set"},
          {"an unknown channel name",
           Receive("s9", "T-3", R"("channel":"FAX","appealType":"COMPLAINT","category":"c","urgency":"NORMAL","content":"x")"),
           "INVALID_ARGUMENT", "(receive.channel): invalid value"},
          {"an unknown channel number",
           Receive("s10", "T-3", R"("channel":99,"appealType":"COMPLAINT","category":"c","urgency":"NORMAL","content":"x")"),
           "INVALID_ARGUMENT", "receive.channel: unknown value 99"},
          {"an unknown outcome number",
           Cmd("s11", kAsStaff, R"(,"reply":{"result":"r","outcome":-7})"), "INVALID_ARGUMENT",
           "reply.outcome: unknown value -7"},
      },
      Receive("good", "T-3", std::string(kReceiveFields) + R"(,"content":"路灯不亮")"));
}

TEST_F(CliHostileTest, UnauthorisedActorsAreRefused) {
  const std::string t1 = std::string(R"("ticketId":"T-1",)") + kAt;
  ApplyAndExpectRefused(
      {
          {"a client claiming SYSTEM on a ticket",
           Cmd("p1", t1 + R"(,"actor":{"id":"timer","role":"SYSTEM"},"urge":{})"),
           "PERMISSION_DENIED", "role SYSTEM may not urge"},
          {"a client claiming SYSTEM on the directory",
           Cmd("p2", std::string(kAt) +
                         R"(,"actor":{"id":"timer","role":"SYSTEM"},"registerUnit":{"unitId":"U09","name":"n","kind":"OTHER"})"),
           "PERMISSION_DENIED", "role SYSTEM may not register_unit"},
          {"another unit's staff",
           Cmd("p3", t1 + R"(,"actor":{"id":"li","role":"UNIT_STAFF","unitId":"U08"},"accept":{})"),
           "PERMISSION_DENIED", "unit 'U08' is not the lead unit of ticket 'T-1'"},
          {"an unregistered unit's staff",
           Cmd("p4", t1 + R"(,"actor":{"id":"li","role":"UNIT_STAFF","unitId":"U99"},"accept":{})"),
           "PERMISSION_DENIED", "unit 'U99' is not the lead unit of ticket 'T-1'"},
          {"unit staff without a unit",
           Cmd("p5", t1 + R"(,"actor":{"id":"li","role":"UNIT_STAFF"},"accept":{})"),
           "INVALID_ARGUMENT", "actor.unit_id: is required for UNIT_STAFF"},
          {"unit staff dispatching",
           Cmd("p6", std::string(R"("ticketId":"T-2",)") + kAt +
                         R"(,"actor":{"id":"wang","role":"UNIT_STAFF","unitId":"U07"},"dispatch":{"leadUnit":"U07"})"),
           "PERMISSION_DENIED", "role UNIT_STAFF may not dispatch"},
          {"dispatch to an unregistered unit",
           Cmd("p7", std::string(R"("ticketId":"T-2",)") + kAt +
                         R"(,"actor":{"id":"zhao","role":"DISPATCHER"},"dispatch":{"leadUnit":"U99"})"),
           "NOT_FOUND", "U99"},
          {"the reserved timer: prefix", Cmd("timer:T-1:HANDLE:1", kAsSupervisor, R"(,"urge":{})"),
           "INVALID_ARGUMENT", "command_id: the prefix 'timer:' is reserved"},
          {"an unknown ticket",
           Cmd("p8", std::string(R"("ticketId":"T-404",)") + kAt +
                         R"(,"actor":{"id":"sun","role":"SUPERVISOR"},"urge":{})"),
           "NOT_FOUND", "no ticket 'T-404'"},
          {"a taken ticket id", Receive("p9", "T-1", std::string(kReceiveFields) + R"(,"content":"x")"),
           "ALREADY_EXISTS", "ticket 'T-1' already exists"},
          {"a stale expected version", Cmd("p10", kAsStaff, R"(,"expectedVersion":7,"accept":{})"),
           "ABORTED", "ticket 'T-1' is at version 2, expected 7"},
          {"a command illegal in the state",
           Cmd("p11", kAsStaff, R"(,"reply":{"result":"r","outcome":"RESOLVED"})"),
           "FAILED_PRECONDITION", "reply is not legal in state DISPATCHED"},
      },
      Cmd("good", kAsStaff, R"(,"accept":{})"));
}

TEST_F(CliHostileTest, OverlongLinesAreSkippedUnreadAndTheRestApplied) {
  const std::string big_field =
      Receive("l1", "T-3", std::string(kReceiveFields) + R"(,"content":")" +
                               std::string(2 << 20, 'x') + R"(")");
  const std::string big_line(3 << 20, '{');
  const std::string just_over(kLineLimit + 1, ' ');
  // The limit itself is allowed: a good command padded to exactly 1 MiB.
  std::string at_limit = Receive("good", "T-3", std::string(kReceiveFields) + R"(,"content":"路灯不亮")");
  at_limit.resize(kLineLimit, ' ');
  ApplyAndExpectRefused(
      {
          {"a 2 MiB field", big_field, "RESOURCE_EXHAUSTED",
           absl::StrCat("line 1: ", big_field.size(), " bytes, over the limit of 1048576")},
          {"a 3 MiB line", big_line, "RESOURCE_EXHAUSTED",
           absl::StrCat("line 2: ", big_line.size(), " bytes, over the limit of 1048576")},
          {"one byte over the limit", just_over, "RESOURCE_EXHAUSTED",
           "line 3: 1048577 bytes, over the limit of 1048576"},
      },
      at_limit);
}

TEST_F(CliHostileTest, AnEndlessLastLineIsNotReadIntoMemory) {
  // 64 MiB without a newline, after a good line, through standard input.
  const std::string good = Cmd("good", kAsSupervisor, R"(,"urge":{})");
  {
    std::ofstream f(dir_.Sub("endless"), std::ios::binary);
    f << good << "\n";
    const std::string chunk(1 << 20, 'x');
    for (int i = 0; i < 64; ++i) f << chunk;
  }
  // The largest child so far: a hotline that read no long line.
  struct rusage before {};
  ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &before), 0);
  CliRun run = Hotline("apply --backfill " + db_ + " < " + dir_.Sub("endless"));
  EXPECT_EQ(run.exit_code, 3) << run.out.substr(0, 2000);
  const auto results = ResultsByLine(run.out);
  ASSERT_EQ(results.size(), 2u) << run.out.substr(0, 2000);
  EXPECT_THAT(results.at(1), HasSubstr(R"("ok":true)"));
  EXPECT_THAT(results.at(2),
              HasSubstr(R"("ok":false,"code":"RESOURCE_EXHAUSTED","message":"line 2: 67108864 bytes, over the limit of 1048576)"));
  // The largest child since (the one fed the endless line) grew far less
  // than the 64 MiB a line read whole would have taken (relative, so that it
  // holds under the sanitizers' larger footprint too).
  struct rusage usage {};
  ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &usage), 0);
  EXPECT_LT(usage.ru_maxrss, before.ru_maxrss + 32 * 1024) << "KiB";
  EXPECT_EQ(HeadSequence(), 6u);
  ExpectVerifyOk();
}

TEST_F(CliHostileTest, WritersFailLoudlyWhenOutputIsLost) {
  CliRun to_file = Hotline("export --out /dev/full " + db_);
  EXPECT_EQ(to_file.exit_code, 1);
  EXPECT_THAT(to_file.out, HasSubstr("hotline export: DATA_LOSS: writing /dev/full failed"));

  for (const std::string& args :
       {"export " + db_, "export --format binary " + db_, "report --month 2022-05 " + db_,
        "report --month 2022-05 --format html " + db_, "history T-1 " + db_,
        "history T-1 --json " + db_, "show T-1 " + db_, "stats " + db_,
        "sla --as-of '2022-06-30 17:00' " + db_, "verify " + db_, "policy show " + db_,
        std::string("--help")}) {
    CliRun run = HotlineStdoutTo(args, "/dev/full");
    EXPECT_EQ(run.exit_code, 1) << args << "\n" << run.out;
    EXPECT_THAT(run.out, HasSubstr("writing standard output failed")) << args;
    // The same command with somewhere to write succeeds.
    EXPECT_EQ(HotlineStdoutTo(args, "/dev/null").exit_code, 0) << args;
  }

  // apply stops reading at the first result it cannot write: of 600 lines,
  // only those already in flight (at most 256, one ticket's: in order) are
  // applied after it.
  std::string many;
  for (int i = 0; i < 600; ++i) {
    absl::StrAppend(&many, Cmd(absl::StrCat("w", i), kAsSupervisor, R"(,"urge":{})"), "\n");
  }
  CliRun apply = HotlineStdoutTo(
      "apply --backfill --file " + Write("many.jsonl", many) + " " + db_, "/dev/full");
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_THAT(apply.out,
              HasSubstr("cannot write the result of line 1 to standard output (No space left "
                        "on device); lines after those then in flight (at most 256) were not "
                        "applied"));
  EXPECT_GE(HeadSequence(), 6u);
  EXPECT_LE(HeadSequence(), 5u + 257u);
  ExpectVerifyOk();
}

TEST_F(CliHostileTest, NoTzdataIsAClearErrorNotAnAbort) {
  // cctz reads zone rules from $TZDIR: an empty one is a system without tzdata.
  const std::string empty = dir_.Sub("no-tzdata");
  std::error_code error;
  ASSERT_TRUE(std::filesystem::create_directory(empty, error)) << error.message();
  ASSERT_EQ(setenv("TZDIR", empty.c_str(), 1), 0);
  const CliRun show = Hotline("show T-1 " + db_);
  const CliRun apply = Hotline("apply --file " + dir_.Sub("setup.jsonl") + " --db " +
                               dir_.Sub("fresh"));
  const CliRun report = Hotline("report --month 2022-05 " + db_);
  ASSERT_EQ(unsetenv("TZDIR"), 0);
  for (const CliRun* run : {&show, &apply, &report}) {
    EXPECT_EQ(run->exit_code, 1) << run->out;
    EXPECT_THAT(run->out, HasSubstr("FAILED_PRECONDITION"));
    EXPECT_THAT(run->out, HasSubstr("'Asia/Shanghai'"));
    EXPECT_THAT(run->out, HasSubstr("tzdata"));
  }
  EXPECT_THAT(apply.out, Not(HasSubstr(R"("ok":true)")));
  EXPECT_EQ(HeadSequence(), 5u);  // and with tzdata back, all is as it was
}

// Known engine gaps, kept failing on purpose until engine/command_validation
// refuses them: control characters in identifiers and in free text (a NUL
// cuts what `hotline show` prints: "t\0hidden" shows as "t"), and an
// actor.unit_id that is neither checked nor bounded for roles other than
// UNIT_STAFF (100 KiB of it lands in the log for ever).
TEST_F(CliHostileTest, EngineRefusesControlCharactersAndUnboundedActorUnit) {
  ApplyAndExpectRefused(
      {
          {"a NUL in the command id", Cmd(R"(c\u0000x)", kAsSupervisor, R"(,"urge":{})"),
           "INVALID_ARGUMENT", "command_id"},
          {"a NUL in the actor id",
           Cmd("e1", std::string(R"("ticketId":"T-1",)") + kAt +
                         R"(,"actor":{"id":"sun\u0000x","role":"SUPERVISOR"},"urge":{})"),
           "INVALID_ARGUMENT", "actor.id"},
          {"a NUL in a title",
           Receive("e2", "T-3", std::string(kReceiveFields) +
                                    R"(,"content":"x","title":"t\u0000hidden")"),
           "INVALID_ARGUMENT", "receive.title"},
          {"a 100,000-byte unit id of a supervisor",
           Cmd("e3", std::string(R"("ticketId":"T-1",)") + kAt +
                         R"(,"actor":{"id":"sun","role":"SUPERVISOR","unitId":")" +
                         std::string(100000, 'u') + R"("},"urge":{})"),
           "INVALID_ARGUMENT", "actor.unit_id"},
      },
      Cmd("good", kAsSupervisor, R"(,"urge":{})"));
}

}  // namespace
}  // namespace hotline
