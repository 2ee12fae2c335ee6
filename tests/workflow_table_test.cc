// Every ticket command against every ticket state, checked against the
// transition table of workflow.md (written out here independently of
// engine/decide.cc): legal -> exactly the listed events and the new state;
// illegal -> FAILED_PRECONDITION; wrong role or other unit ->
// PERMISSION_DENIED; and every refusal leaves the log as it was.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"

namespace hotline::engine {
namespace {

using hotline::testing::EngineHarness;
using hotline::v1::Command;
using hotline::v1::Event;
using hotline::v1::TicketStatus;

// How to bring a fresh ticket into a state: the commands after receive.
struct Fixture {
  std::string name;
  TicketStatus::Value state;
  std::vector<std::string> steps;
};

const std::vector<Fixture>& Fixtures() {
  static const auto* const kFixtures = new std::vector<Fixture>{
      {"RECEIVED", TicketStatus::RECEIVED, {}},
      {"DISPATCHED", TicketStatus::DISPATCHED, {"dispatch"}},
      {"IN_PROGRESS", TicketStatus::IN_PROGRESS, {"dispatch", "accept"}},
      {"IN_PROGRESS_PENDING_EXTENSION", TicketStatus::IN_PROGRESS,
       {"dispatch", "accept", "request_extension"}},
      {"RETURN_REQUESTED", TicketStatus::RETURN_REQUESTED,
       {"dispatch", "accept", "request_return"}},
      {"RETURNED", TicketStatus::RETURNED,
       {"dispatch", "accept", "request_return", "decide_return"}},
      {"REPLIED", TicketStatus::REPLIED, {"dispatch", "accept", "reply"}},
      {"AWAITING_RATING", TicketStatus::AWAITING_RATING,
       {"dispatch", "accept", "reply", "review"}},
      {"CLOSED_RATED", TicketStatus::CLOSED,
       {"dispatch", "accept", "reply", "review", "rate"}},
      {"REOPENED", TicketStatus::REOPENED,
       {"dispatch", "accept", "reply", "review", "rate", "reopen"}},
      {"CLOSED_MERGED", TicketStatus::CLOSED, {"merge"}},
      {"CLOSED_WITHDRAWN", TicketStatus::CLOSED, {"withdraw"}},
  };
  return *kFixtures;
}

// What a legal command appends and the state it leads to. The state
// "SAME" means unchanged.
struct Outcome {
  std::vector<std::string> events;
  std::string state;
};

// The contract's table: command -> fixture -> outcome. Absent = illegal.
const std::map<std::string, std::map<std::string, Outcome>>& Legal() {
  const std::vector<std::string> open = {
      "RECEIVED", "DISPATCHED", "IN_PROGRESS", "IN_PROGRESS_PENDING_EXTENSION",
      "RETURN_REQUESTED", "RETURNED", "REPLIED", "AWAITING_RATING", "REOPENED"};
  static const auto* const kTable = [&] {
    auto* t = new std::map<std::string, std::map<std::string, Outcome>>();
    auto add = [&](const std::string& cmd, std::vector<std::string> states, Outcome o) {
      for (const auto& s : states) (*t)[cmd][s] = o;
    };
    add("answer_directly", {"RECEIVED"},
        {{"ticketAnsweredDirectly", "ticketClosed"}, "CLOSED"});
    add("dispatch", {"RECEIVED", "RETURNED", "REOPENED"}, {{"ticketDispatched"}, "DISPATCHED"});
    add("accept", {"DISPATCHED"}, {{"ticketAccepted"}, "IN_PROGRESS"});
    add("request_return", {"DISPATCHED", "IN_PROGRESS", "IN_PROGRESS_PENDING_EXTENSION"},
        {{"returnRequested"}, "RETURN_REQUESTED"});
    add("decide_return", {"RETURN_REQUESTED"}, {{"returnApproved"}, "RETURNED"});
    add("request_extension", {"IN_PROGRESS"}, {{"extensionRequested"}, "SAME"});
    add("decide_extension", {"IN_PROGRESS_PENDING_EXTENSION"},
        {{"extensionApproved"}, "SAME"});
    add("reply", {"IN_PROGRESS", "IN_PROGRESS_PENDING_EXTENSION"},
        {{"ticketReplied"}, "REPLIED"});
    add("review", {"REPLIED"}, {{"replyApproved"}, "AWAITING_RATING"});
    add("rate", {"AWAITING_RATING"}, {{"ticketRated", "ticketClosed"}, "CLOSED"});
    add("reopen", {"CLOSED_RATED"}, {{"ticketReopened"}, "REOPENED"});
    add("urge",
        {"DISPATCHED", "IN_PROGRESS", "IN_PROGRESS_PENDING_EXTENSION", "RETURN_REQUESTED",
         "REPLIED"},
        {{"ticketUrged"}, "SAME"});
    add("merge", {"RECEIVED", "RETURNED", "REOPENED"},
        {{"ticketMerged", "ticketClosed"}, "CLOSED"});
    add("withdraw", open, {{"ticketWithdrawn", "ticketClosed"}, "CLOSED"});
    return t;
  }();
  return *kTable;
}

class WorkflowTableTest : public ::testing::Test {
 protected:
  // The command `name` on `ticket` at `at`, from an allowed actor.
  Command Make(const std::string& name, const std::string& ticket, absl::Time at) {
    if (name == "receive") return h_.Receive(ticket, at);
    if (name == "answer_directly") return h_.AnswerDirectly(ticket, at);
    if (name == "dispatch") return h_.Dispatch(ticket, at);
    if (name == "accept") return h_.Accept(ticket, at);
    if (name == "request_return") return h_.RequestReturn(ticket, at);
    if (name == "decide_return") return h_.DecideReturn(ticket, at, true);
    if (name == "request_extension") return h_.RequestExtension(ticket, at, 2);
    if (name == "decide_extension") return h_.DecideExtension(ticket, at, true);
    if (name == "reply") return h_.Reply(ticket, at);
    if (name == "review") return h_.Review(ticket, at, true);
    if (name == "rate") return h_.Rate(ticket, at, true);
    if (name == "reopen") return h_.Reopen(ticket, at);
    if (name == "urge") return h_.Urge(ticket, at);
    if (name == "merge") return h_.Merge(ticket, at, "PRIMARY");
    if (name == "withdraw") return h_.Withdraw(ticket, at);
    ADD_FAILURE() << "no command " << name;
    return Command();
  }

  // A fresh ticket brought into `fixture`; returns the time of its last step.
  absl::Time Prepare(const Fixture& fixture, const std::string& ticket) {
    absl::Time at = base_;
    h_.Must(h_.Receive(ticket, at));
    for (const std::string& step : fixture.steps) {
      at += absl::Minutes(1);
      h_.Must(Make(step, ticket, at));
    }
    auto state = h_.engine().GetTicket(ticket);
    EXPECT_EQ(state->state(), fixture.state) << fixture.name;
    return at;
  }

  std::vector<std::string> EventNames(uint64_t from, uint64_t to) {
    std::vector<std::string> names;
    auto history = h_.engine().log().Scan(from, to, [&](const store::Record& r) {
      hotline::v1::EventEnvelope e;
      EXPECT_TRUE(e.ParseFromString(r.payload));
      names.push_back(Event::descriptor()->FindFieldByNumber(e.event().payload_case())->json_name());
      return absl::OkStatus();
    });
    EXPECT_TRUE(history.ok());
    return names;
  }

  EngineHarness h_;
  const absl::Time base_ = hotline::testing::Shanghai("2022-06-01 09:00");
  int tickets_ = 0;

  void SetUp() override { h_.Must(h_.Receive("PRIMARY", base_)); }
};

const std::vector<std::string>& TicketCommands() {
  static const auto* const kCommands = new std::vector<std::string>{
      "receive", "answer_directly", "dispatch", "accept", "request_return",
      "decide_return", "request_extension", "decide_extension", "reply", "review",
      "rate", "reopen", "urge", "merge", "withdraw"};
  return *kCommands;
}

TEST_F(WorkflowTableTest, EveryCommandInEveryState) {
  int legal = 0, illegal = 0;
  for (const Fixture& fixture : Fixtures()) {
    for (const std::string& name : TicketCommands()) {
      SCOPED_TRACE(absl::StrCat(name, " in ", fixture.name));
      const std::string ticket = absl::StrCat("T-", ++tickets_);
      const absl::Time at = Prepare(fixture, ticket) + absl::Minutes(1);
      const TicketStatus::Value before = h_.engine().GetTicket(ticket)->state();
      const uint64_t head = h_.head();
      auto result = h_.Execute(Make(name, ticket, at));

      if (name == "receive") {  // the ticket exists in every fixture
        EXPECT_EQ(result.status().code(), absl::StatusCode::kAlreadyExists);
        EXPECT_EQ(h_.head(), head);
        continue;
      }
      auto row = Legal().find(name);
      const Outcome* expected = nullptr;
      if (row != Legal().end()) {
        auto cell = row->second.find(fixture.name);
        if (cell != row->second.end()) expected = &cell->second;
      }
      if (expected == nullptr) {
        ++illegal;
        EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition)
            << result.status();
        EXPECT_EQ(h_.head(), head);
        EXPECT_EQ(h_.engine().GetTicket(ticket)->state(), before);
        continue;
      }
      ++legal;
      ASSERT_TRUE(result.ok()) << result.status();
      EXPECT_EQ(result->first_sequence, head + 1);
      EXPECT_EQ(EventNames(head + 1, h_.head()), expected->events);
      const std::string after =
          TicketStatus::Value_Name(h_.engine().GetTicket(ticket)->state());
      EXPECT_EQ(after, expected->state == "SAME" ? TicketStatus::Value_Name(before)
                                                 : expected->state);
    }
  }
  // Every cell of the contract's table was exercised.
  size_t cells = 0;
  for (const auto& [cmd, row] : Legal()) cells += row.size();
  EXPECT_EQ(static_cast<size_t>(legal), cells);
  EXPECT_GT(illegal, 100);
}

// Roles of workflow.md's table; SYSTEM may issue no command.
const std::map<std::string, std::vector<hotline::v1::Role::Value>>& AllowedRoles() {
  using R = hotline::v1::Role;
  static const auto* const kRoles = new std::map<std::string, std::vector<R::Value>>{
      {"receive", {R::OPERATOR}},
      {"answer_directly", {R::OPERATOR, R::DISPATCHER}},
      {"dispatch", {R::DISPATCHER}},
      {"accept", {R::UNIT_STAFF}},
      {"request_return", {R::UNIT_STAFF}},
      {"decide_return", {R::DISPATCHER, R::SUPERVISOR}},
      {"request_extension", {R::UNIT_STAFF}},
      {"decide_extension", {R::SUPERVISOR}},
      {"reply", {R::UNIT_STAFF}},
      {"review", {R::DISPATCHER}},
      {"rate", {R::OPERATOR}},
      {"reopen", {R::SUPERVISOR}},
      {"urge", {R::SUPERVISOR}},
      {"merge", {R::DISPATCHER}},
      {"withdraw", {R::OPERATOR}},
  };
  return *kRoles;
}

TEST_F(WorkflowTableTest, WrongRoleIsPermissionDeniedInEveryState) {
  using R = hotline::v1::Role;
  for (const Fixture& fixture : Fixtures()) {
    const std::string ticket = absl::StrCat("R-", ++tickets_);
    const absl::Time at = Prepare(fixture, ticket) + absl::Minutes(1);
    for (const std::string& name : TicketCommands()) {
      const auto& allowed = AllowedRoles().at(name);
      for (int role = R::OPERATOR; role <= R::SYSTEM; ++role) {
        if (std::find(allowed.begin(), allowed.end(), role) != allowed.end()) continue;
        SCOPED_TRACE(absl::StrCat(name, " by ", R::Value_Name(role), " in ", fixture.name));
        Command c = Make(name, ticket, at);
        c.mutable_actor()->set_role(static_cast<R::Value>(role));
        c.mutable_actor()->set_unit_id(role == R::UNIT_STAFF ? "U01" : "");
        const uint64_t head = h_.head();
        EXPECT_EQ(h_.Execute(c).status().code(), absl::StatusCode::kPermissionDenied);
        EXPECT_EQ(h_.head(), head);
      }
    }
  }
}

TEST_F(WorkflowTableTest, StaffOfAnotherUnitIsPermissionDenied) {
  for (const Fixture& fixture : Fixtures()) {
    for (const char* name : {"accept", "request_return", "request_extension", "reply"}) {
      auto row = Legal().at(name);
      if (!row.contains(fixture.name)) continue;
      SCOPED_TRACE(absl::StrCat(name, " in ", fixture.name));
      const std::string ticket = absl::StrCat("O-", ++tickets_);
      const absl::Time at = Prepare(fixture, ticket) + absl::Minutes(1);
      Command c = Make(name, ticket, at);
      *c.mutable_actor() = hotline::testing::Staff("U02");
      const uint64_t head = h_.head();
      EXPECT_EQ(h_.Execute(c).status().code(), absl::StatusCode::kPermissionDenied);
      EXPECT_EQ(h_.head(), head);
    }
  }
}

}  // namespace
}  // namespace hotline::engine
