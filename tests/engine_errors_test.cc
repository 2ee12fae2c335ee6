// Engine::Execute's error contract: idempotency, expected versions,
// ALREADY_EXISTS, NOT_FOUND, INVALID_ARGUMENT naming each malformed field,
// and that nothing is appended for any refusal.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/json_codec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"

namespace hotline::engine {
namespace {

using hotline::testing::EngineHarness;
using hotline::testing::Shanghai;
using ::testing::HasSubstr;

class EngineErrorsTest : public ::testing::Test {
 protected:
  EngineHarness h_;
  const absl::Time t0_ = Shanghai("2022-06-01 09:00");
};

TEST_F(EngineErrorsTest, RepeatedCommandIdReturnsTheOriginalResultAndAppendsNothing) {
  h_.Must(h_.Receive("T-1", t0_));
  hotline::v1::Command dispatch = h_.Dispatch("T-1", t0_ + absl::Minutes(5));
  auto first = h_.Execute(dispatch);
  ASSERT_TRUE(first.ok());
  const uint64_t head = h_.head();
  // Same id again, even though a dispatch is now illegal and the payload differs.
  dispatch.mutable_dispatch()->set_lead_unit("U02");
  auto again = h_.Execute(dispatch);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->first_sequence, first->first_sequence);
  EXPECT_EQ(again->event_count, first->event_count);
  EXPECT_EQ(h_.head(), head);
  EXPECT_EQ(h_.engine().GetTicket("T-1")->lead_unit(), "U01");
}

TEST_F(EngineErrorsTest, ExpectedVersionMismatchIsAbortedNamingTheCurrentVersion) {
  h_.Must(h_.Receive("T-1", t0_));
  hotline::v1::Command c = h_.Dispatch("T-1", t0_ + absl::Minutes(1));
  c.set_expected_version(0);
  const uint64_t head = h_.head();
  auto result = h_.Execute(c);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(result.status().message(), HasSubstr("at version 1"));
  EXPECT_EQ(h_.head(), head);
  c.set_command_id("retry");
  c.set_expected_version(1);
  EXPECT_TRUE(h_.Execute(c).ok());
}

TEST_F(EngineErrorsTest, ExistingTicketIsAlreadyExistsAndUnknownOnesNotFound) {
  h_.Must(h_.Receive("T-1", t0_));
  EXPECT_EQ(h_.Execute(h_.Receive("T-1", t0_)).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(h_.Execute(h_.Dispatch("T-404", t0_)).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(h_.Execute(h_.Dispatch("T-1", t0_, "U404")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(h_.Execute(h_.Merge("T-1", t0_, "T-404")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(h_.engine().GetTicket("T-404").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(h_.engine().History("T-404").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(EngineErrorsTest, InactiveUnitAndEarlierAtAreFailedPrecondition) {
  h_.Must(h_.Receive("T-1", t0_));
  EXPECT_EQ(h_.Execute(h_.Dispatch("T-1", t0_, "U09")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  auto earlier = h_.Execute(h_.Dispatch("T-1", t0_ - absl::Seconds(1)));
  EXPECT_EQ(earlier.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(earlier.status().message(), HasSubstr("earlier than"));
}

TEST_F(EngineErrorsTest, AtTooFarAheadOrBehindTheClock) {
  EngineHarness strict(Shanghai("2022-06-01 12:00"), /*backfill=*/false);
  auto ahead = strict.Execute(strict.Receive("T-1", Shanghai("2022-06-01 12:06")));
  EXPECT_EQ(ahead.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ahead.status().message(), HasSubstr("at: "));
  EXPECT_TRUE(strict.Execute(strict.Receive("T-2", Shanghai("2022-06-01 12:04"))).ok());
  auto old = strict.Execute(strict.Receive("T-3", Shanghai("2022-05-01 12:00")));
  EXPECT_EQ(old.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(old.status().message(), HasSubstr("backfill"));
}

// `at` lies in a documented window even with backfill: year 0001 would
// write a statistics row per month since then, and extreme values hang
// the statistics fold.
TEST_F(EngineErrorsTest, AtOutsideTheAcceptedWindowIsRefusedEvenWithBackfill) {
  const uint64_t head = h_.head();
  for (int64_t seconds : {int64_t{-62135596800}, int64_t{-1}, int64_t{7258118400},
                          int64_t{253402300799}}) {
    hotline::v1::Command c = h_.Receive("T-1", t0_);
    c.mutable_at()->set_seconds(seconds);
    auto result = h_.Execute(c);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << seconds;
    EXPECT_THAT(result.status().message(), HasSubstr("at: ")) << seconds;
  }
  EXPECT_EQ(h_.head(), head);
}

// Policy numbers are bounded, so that every deadline is finite; a calendar
// with almost no working time refuses the command instead of recording an
// instant past what a Timestamp holds.
TEST_F(EngineErrorsTest, PolicyNumbersAreBoundedAndNoDeadlineIsInfinite) {
  hotline::v1::Command huge = h_.NewCommand("", t0_, hotline::testing::Admin());
  auto* rule = huge.mutable_publish_policy()->mutable_policy()->add_handle_within_days();
  rule->set_urgency(hotline::v1::Urgency::NORMAL);
  rule->set_days(4000000000u);
  auto refused = h_.Execute(huge);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("policy.handle_within_days[0].days"));

  // One working minute a day, and 8,000 working hours to sign for a ticket.
  hotline::v1::Policy sparse;
  auto* minute = sparse.add_work_hours();
  minute->set_start("09:00");
  minute->set_end("09:01");
  auto* accept = sparse.add_accept_within_hours();
  accept->set_urgency(hotline::v1::Urgency::NORMAL);
  accept->set_hours(8000);
  h_.PublishPolicy(sparse);
  h_.Must(h_.Receive("T-1", t0_));
  const uint64_t head = h_.head();
  auto dispatch = h_.Execute(h_.Dispatch("T-1", t0_ + absl::Minutes(1)));
  EXPECT_EQ(dispatch.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(dispatch.status().message(), HasSubstr("accept deadline"));
  EXPECT_EQ(h_.head(), head);
}

// Each malformed command, as JSON, and the field its error must name.
struct Malformed {
  std::string json;
  std::string field;
};

TEST_F(EngineErrorsTest, EachMalformedFieldIsInvalidArgumentNamingIt) {
  h_.Must(h_.Receive("T-1", t0_));
  const std::string head =
      R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"li","role":"OPERATOR"})";
  const std::string recv =
      R"("channel":"PHONE","appealType":"COMPLAINT","category":"噪音","urgency":"NORMAL","title":"t")";
  auto cmd = [&](const std::string& id, const std::string& ticket, const std::string& rest) {
    return absl::StrCat(R"({"commandId":")", id, R"(","ticketId":")", ticket, R"(",)", rest,
                        "}");
  };
  const std::string big(64 * 1024 + 1, 'x');
  const std::vector<Malformed> cases = {
      {cmd("", "T-9", head + R"(,"receive":{)" + recv + R"(,"content":"c"})"), "command_id"},
      {cmd(std::string(129, 'c'), "T-9", head + R"(,"receive":{)" + recv + R"(,"content":"c"})"),
       "command_id"},
      {cmd("m1", "", head + R"(,"receive":{)" + recv + R"(,"content":"c"})"), "ticket_id"},
      {cmd("m2", "bad id!", head + R"(,"receive":{)" + recv + R"(,"content":"c"})"),
       "ticket_id"},
      {cmd("m3", std::string(65, 'T'), head + R"(,"receive":{)" + recv + R"(,"content":"c"})"),
       "ticket_id"},
      {cmd("m4", "T-9", R"("actor":{"id":"li","role":"OPERATOR"},"receive":{)" + recv +
                            R"(,"content":"c"})"),
       "at"},
      {cmd("m5", "T-9", R"("at":"2022-06-01T10:00:00+08:00","actor":{"role":"OPERATOR"},"receive":{)" +
                            recv + R"(,"content":"c"})"),
       "actor.id"},
      {cmd("m6", "T-9", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"li"},"receive":{)" +
                            recv + R"(,"content":"c"})"),
       "actor.role"},
      {cmd("m7", "T-1", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"s","role":"UNIT_STAFF"},"accept":{})"),
       "actor.unit_id"},
      {cmd("m8", "T-9", head), "payload"},
      {cmd("m9", "T-9", head + R"(,"receive":{)" + recv + R"(,"content":""})"),
       "receive.content"},
      {cmd("m10", "T-9", head + R"(,"receive":{)" + recv + R"(,"content":")" + big + R"("})"),
       "receive.content"},
      {cmd("m11", "T-9", head + R"(,"receive":{"channel":"PHONE","appealType":"COMPLAINT","urgency":"NORMAL","content":"c"})"),
       "receive.category"},
      {cmd("m12", "T-9", head + R"(,"receive":{"appealType":"COMPLAINT","category":"x","urgency":"NORMAL","content":"c"})"),
       "receive.channel"},
      {cmd("m13", "T-9", head + R"(,"receive":{"channel":"PHONE","category":"x","urgency":"NORMAL","content":"c"})"),
       "receive.appeal_type"},
      {cmd("m14", "T-9", head + R"(,"receive":{"channel":"PHONE","appealType":"COMPLAINT","category":"x","content":"c"})"),
       "receive.urgency"},
      {cmd("m15", "T-1", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"z","role":"DISPATCHER"},"dispatch":{"leadUnit":""})"),
       "dispatch.lead_unit"},
      {cmd("m16", "T-1", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"z","role":"DISPATCHER"},"dispatch":{"leadUnit":"U01","assistUnits":["U01"]})"),
       "dispatch.assist_units[0]"},
      {cmd("m17", "T-1", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"z","role":"DISPATCHER"},"dispatch":{"leadUnit":"U01","assistUnits":["U02","U02"]})"),
       "dispatch.assist_units[1]"},
      {cmd("m18", "T-1", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"s","role":"UNIT_STAFF","unitId":"U01"},"requestReturn":{})"),
       "request_return.reason"},
      {cmd("m19", "T-1", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"s","role":"UNIT_STAFF","unitId":"U01"},"requestExtension":{"extraWorkingDays":0,"reason":"r"})"),
       "request_extension.extra_working_days"},
      {cmd("m20", "T-1", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"s","role":"UNIT_STAFF","unitId":"U01"},"reply":{"result":"r"})"),
       "reply.outcome"},
      {cmd("m21", "T-1", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"s","role":"UNIT_STAFF","unitId":"U01"},"reply":{"outcome":"RESOLVED"})"),
       "reply.result"},
      {cmd("m22", "T-1", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"z","role":"DISPATCHER"},"review":{"approve":false})"),
       "review.comment"},
      {cmd("m23", "T-1", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"li","role":"OPERATOR"},"rate":{"contacted":true})"),
       "rate.satisfaction"},
      {cmd("m24", "T-1", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"c","role":"SUPERVISOR"},"reopen":{})"),
       "reopen.reason"},
      {cmd("m25", "T-1", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"z","role":"DISPATCHER"},"merge":{"primaryTicketId":"T-1"})"),
       "merge.primary_ticket_id"},
      {cmd("m26", "T-1", head + R"(,"withdraw":{})"), "withdraw.reason"},
      {cmd("m27", "T-1", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"li","role":"OPERATOR"},"answerDirectly":{})"),
       "answer_directly.answer"},
      {cmd("m28", "", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"a","role":"ADMIN"},"registerUnit":{"unitId":"U5","kind":"DEPARTMENT"})"),
       "register_unit.name"},
      {cmd("m29", "", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"a","role":"ADMIN"},"registerUnit":{"unitId":"U5","name":"n"})"),
       "register_unit.kind"},
      {cmd("m30", "", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"a","role":"ADMIN"},"updateUnit":{"unitId":"U01"})"),
       "update_unit"},
      {cmd("m31", "", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"a","role":"ADMIN"},"publishPolicy":{"policy":{"timeZone":"Mars/Olympus"}})"),
       "policy.time_zone"},
      {cmd("m32", "", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"a","role":"ADMIN"},"publishPolicy":{"policy":{"workHours":[{"start":"13:00","end":"12:00"}]}})"),
       "policy.work_hours[0]"},
      {cmd("m33", "", R"("at":"2022-06-01T10:00:00+08:00","actor":{"id":"a","role":"ADMIN"},"publishPolicy":{"policy":{"holidays":["2022-02-30"]}})"),
       "policy.holidays[0]"},
  };
  for (const Malformed& c : cases) {
    SCOPED_TRACE(c.json.substr(0, 200));
    auto command = ParseCommandJson(c.json);
    ASSERT_TRUE(command.ok()) << command.status();
    const uint64_t head_before = h_.head();
    auto result = h_.Execute(*command);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(c.field + ":"));
    EXPECT_EQ(h_.head(), head_before);
  }
}

TEST_F(EngineErrorsTest, InvalidUtf8IsRefused) {
  hotline::v1::Command c = h_.Receive("T-8", t0_);
  c.mutable_receive()->set_content("caf\xc3");  // truncated sequence
  auto result = h_.Execute(c);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("receive.content"));
  c.mutable_receive()->set_content("\xed\xa0\x80");  // a UTF-16 surrogate
  EXPECT_EQ(h_.Execute(c).status().code(), absl::StatusCode::kInvalidArgument);
  c.mutable_receive()->set_content("噪音扰民 ok");
  EXPECT_TRUE(h_.Execute(c).ok());
}

TEST_F(EngineErrorsTest, UnknownEnumNameAndTwoPayloadsAreRefusedByTheParser) {
  EXPECT_EQ(ParseCommandJson(R"({"commandId":"x","receive":{"channel":"FAX"}})")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseCommandJson(R"({"commandId":"x","accept":{},"urge":{}})").status().code(),
            absl::StatusCode::kInvalidArgument);
  // Both spellings of field names are accepted.
  auto snake = ParseCommandJson(
      R"({"command_id":"x","ticket_id":"T","answer_directly":{"answer":"a"}})");
  ASSERT_TRUE(snake.ok()) << snake.status();
  EXPECT_EQ(snake->ticket_id(), "T");
  EXPECT_TRUE(snake->has_answer_directly());
}

TEST_F(EngineErrorsTest, DirectoryCommandsKeepTheirOwnRules) {
  hotline::v1::Command again = h_.NewCommand("", t0_, hotline::testing::Admin());
  again.mutable_register_unit()->set_unit_id("U01");
  again.mutable_register_unit()->set_name("重复");
  again.mutable_register_unit()->set_kind(hotline::v1::UnitKind::OTHER);
  EXPECT_EQ(h_.Execute(again).status().code(), absl::StatusCode::kAlreadyExists);
  hotline::v1::Command missing = h_.NewCommand("", t0_, hotline::testing::Admin());
  missing.mutable_update_unit()->set_unit_id("U77");
  missing.mutable_update_unit()->set_active(false);
  EXPECT_EQ(h_.Execute(missing).status().code(), absl::StatusCode::kNotFound);
  hotline::v1::Command by_operator = h_.NewCommand("", t0_, hotline::testing::Operator());
  by_operator.mutable_publish_policy()->mutable_policy()->set_max_extensions(2);
  EXPECT_EQ(h_.Execute(by_operator).status().code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace hotline::engine
