// AsyncExecutor (engine/async_executor.h): commands submitted without
// waiting give each the outcome a serial Execute of the same sequence gives.

#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/async_executor.h"
#include "engine/monthly_report.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"

namespace hotline::testing {
namespace {

using hotline::v1::Command;

// A district's day as one sequence: tickets worked through their cycles,
// interleaved; a unit registered midway and dispatched to right after; a
// merge; and commands the state machine refuses (a second accept).
std::vector<Command> Day(EngineHarness& h) {
  const absl::Time t0 = Shanghai("2022-06-01 09:00");
  std::vector<Command> out;
  constexpr int kTickets = 40;
  for (int i = 0; i < kTickets; ++i) out.push_back(h.Receive(absl::StrCat("T", i), t0));
  Command unit = h.NewCommand("", t0 + absl::Minutes(1), Admin());
  unit.mutable_register_unit()->set_unit_id("U05");
  unit.mutable_register_unit()->set_name("New unit");
  unit.mutable_register_unit()->set_kind(hotline::v1::UnitKind::DEPARTMENT);
  out.push_back(unit);
  for (int i = 0; i < kTickets; ++i) {
    const std::string t = absl::StrCat("T", i);
    const std::string u = i % 2 == 0 ? "U05" : "U01";
    out.push_back(h.Dispatch(t, t0 + absl::Minutes(2), u));
  }
  for (int i = 0; i < kTickets; ++i) {
    const std::string t = absl::StrCat("T", i);
    const std::string u = i % 2 == 0 ? "U05" : "U01";
    out.push_back(h.Accept(t, t0 + absl::Minutes(3), u));
    out.push_back(h.Accept(t, t0 + absl::Minutes(3), u));  // refused: accepted already
    out.push_back(h.Reply(t, t0 + absl::Minutes(4), u));
  }
  out.push_back(h.Merge("T1", t0 + absl::Minutes(5), "T3"));
  for (int i = 0; i < kTickets; i += 3) {
    out.push_back(h.Review(absl::StrCat("T", i), t0 + absl::Minutes(6), true));
  }
  return out;
}

TEST(AsyncExecutorTest, EveryCommandGetsTheOutcomeOfASerialRun) {
  EngineHarness serial, async;
  const std::vector<Command> day = Day(serial);
  std::vector<absl::StatusCode> expected;
  for (const Command& c : day) expected.push_back(serial.Execute(c).status().code());

  std::vector<absl::StatusCode> got(day.size(), absl::StatusCode::kUnknown);
  std::atomic<int> callbacks{0};
  {
    engine::AsyncExecutor executor(&async.engine(), {.threads = 8, .max_in_flight = 16});
    for (size_t i = 0; i < day.size(); ++i) {
      executor.Submit(day[i], [&, i](const absl::StatusOr<engine::ExecuteResult>& r) {
        got[i] = r.status().code();
        ++callbacks;
      });
    }
    executor.Drain();
    EXPECT_EQ(callbacks.load(), static_cast<int>(day.size()));
  }
  EXPECT_EQ(got, expected);
  for (int i = 0; i < 40; ++i) {
    const std::string t = absl::StrCat("T", i);
    EXPECT_EQ(async.engine().GetTicket(t)->SerializeAsString(),
              serial.engine().GetTicket(t)->SerializeAsString())
        << t;
  }
  EXPECT_EQ(engine::ReportJson(*async.engine().Report({"2022-06"})),
            engine::ReportJson(*serial.engine().Report({"2022-06"})));
  EXPECT_TRUE(async.engine().Verify()->ok());
}

}  // namespace
}  // namespace hotline::testing
