// The access log in the engine: record_access appends a TicketDataRead to
// `$access` and changes nothing else — no projection, no report, no verify
// fault — and it travels with the log through an export and an import.

#include <fstream>

#include "engine/command_validation.h"
#include "engine/export_format.h"
#include "engine/monthly_report.h"
#include "gtest/gtest.h"
#include "tests/engine_harness.h"

namespace hotline::testing {
namespace {

using hotline::v1::Role;

hotline::v1::Command RecordAccess(EngineHarness& h, const std::string& ticket,
                                  const hotline::v1::Actor& reader) {
  hotline::v1::Command c = h.NewCommand(ticket, h.engine().Now(), reader);
  c.mutable_record_access()->set_what("History");
  return c;
}

// The month's figures (the CSV form: without the log position, which the
// records do move).
std::string FiguresOf(EngineHarness& h) {
  auto report = h.engine().Report({"2022-06"});
  EXPECT_TRUE(report.ok()) << report.status();
  return report.ok() ? engine::ReportCsv(*report) : "";
}

TEST(AccessLogTest, ARecordIsOneEventOnTheAccessStreamAndChangesNothingElse) {
  EngineHarness h;
  const absl::Time now = h.engine().Now();
  h.Must(h.Receive("T1", now - absl::Hours(2)));
  h.Must(h.Dispatch("T1", now - absl::Hours(1)));
  const std::string before = FiguresOf(h);
  const auto state_before = h.engine().GetTicket("T1");
  for (int i = 0; i < 3; ++i) h.Must(RecordAccess(h, "T1", Dispatcher()));

  auto records = h.engine().log().ReadStream(engine::kAccessStream);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 3u);
  hotline::v1::EventEnvelope e;
  ASSERT_TRUE(e.ParseFromString((*records)[0].payload));
  EXPECT_EQ(e.event().ticket_data_read().ticket_id(), "T1");
  EXPECT_EQ(e.event().ticket_data_read().what(), "History");
  EXPECT_EQ(e.actor().id(), Dispatcher().id());

  EXPECT_EQ(h.engine().GetTicket("T1")->SerializeAsString(), state_before->SerializeAsString());
  EXPECT_EQ(h.engine().History("T1")->size(), 2u);
  EXPECT_EQ(FiguresOf(h), before);
  auto verified = h.engine().Verify();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok()) << (verified->faults.empty() ? "" : verified->faults[0]);
  // A ticket's stream and the access stream stay apart for clients too.
  EXPECT_EQ(h.engine().History(engine::kAccessStream).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(AccessLogTest, TheSystemRecordsNoReadsAndTheTicketIdIsChecked) {
  EngineHarness h;
  hotline::v1::Actor system;
  system.set_id("timer");
  system.set_role(Role::SYSTEM);
  EXPECT_EQ(h.Execute(RecordAccess(h, "T1", system)).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(h.Execute(RecordAccess(h, "$policy", Dispatcher())).status().code(),
            absl::StatusCode::kInvalidArgument);
  hotline::v1::Command empty = RecordAccess(h, "T1", Dispatcher());
  empty.mutable_record_access()->clear_what();
  EXPECT_EQ(h.Execute(empty).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(AccessLogTest, RecordsTravelWithTheLogThroughExportAndImport) {
  EngineHarness h;
  h.Must(h.Receive("T1", h.engine().Now() - absl::Hours(1)));
  h.Must(RecordAccess(h, "T1", Supervisor()));
  TempDir dir;
  const std::string file = dir.Sub("log.jsonl");
  {
    std::ofstream out(file);
    ASSERT_TRUE(engine::ExportEvents(h.engine().log(), &out, /*binary=*/false, /*redact=*/false).ok());
  }
  EngineHarness copy(h.engine().Now(), true, nullptr, /*seed=*/false);
  ASSERT_TRUE(copy.engine().Import(file, /*binary=*/false).ok());
  EXPECT_EQ(copy.head(), h.head());
  EXPECT_EQ(copy.engine().log().head().hash, h.engine().log().head().hash);
  EXPECT_EQ(copy.engine().log().ReadStream(engine::kAccessStream)->size(), 1u);
}

}  // namespace
}  // namespace hotline::testing
