// FoldTicketStreams, the fold the report from the log, verify and rebuild
// share: each ticket's events in log order, and each ticket given up (its
// last call) at its last event up to the fold's end — before later tickets
// start — so that memory holds only the tickets in flight.

#include "engine/ticket_streams_fold.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "store/keys.h"
#include "tests/engine_harness.h"
#include "tests/raw_rocks.h"

namespace hotline::engine {
namespace {

using hotline::testing::EngineHarness;
using hotline::testing::Shanghai;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The calls of a fold up to `through`, one line each; a ticket's value is
// the number of its events folded.
std::vector<std::string> Trace(const store::EventLog& log, uint64_t through) {
  std::vector<std::string> trace;
  absl::Status s = FoldTicketStreams<int>(
      log, through,
      [&](const store::Record& record, const hotline::v1::EventEnvelope&, int* count) {
        ++*count;
        trace.push_back(absl::StrCat("event ", record.stream_id, " ", record.stream_version));
        return absl::OkStatus();
      },
      [&](const std::string& id, int* count) {
        trace.push_back(absl::StrCat("last ", id, " after ", *count));
        return absl::OkStatus();
      });
  EXPECT_TRUE(s.ok()) << s;
  return trace;
}

class TicketStreamsFoldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.Must(h_.Receive("A", Shanghai("2022-05-09 09:00")));
    h_.Must(h_.Dispatch("A", Shanghai("2022-05-09 10:00")));
    h_.Must(h_.Receive("B", Shanghai("2022-05-09 11:00")));
    after_b_ = h_.head();
    h_.Must(h_.Receive("C", Shanghai("2022-05-09 12:00")));
    h_.Must(h_.Dispatch("B", Shanghai("2022-05-09 13:00")));
  }
  EngineHarness h_;
  uint64_t after_b_ = 0;
};

TEST_F(TicketStreamsFoldTest, GivesEachTicketUpAtItsLastEventBeforeLaterTicketsStart) {
  EXPECT_THAT(Trace(h_.engine().log(), h_.head()),
              ElementsAre("event A 1", "event A 2", "last A after 2", "event B 1", "event C 1",
                          "last C after 1", "event B 2", "last B after 2"));
}

TEST_F(TicketStreamsFoldTest, EndsEachTicketAtItsLastEventUpToThePosition) {
  EXPECT_THAT(Trace(h_.engine().log(), after_b_),
              ElementsAre("event A 1", "event A 2", "last A after 2", "event B 1",
                          "last B after 1"));
}

TEST_F(TicketStreamsFoldTest, RefusesALogThatDisagreesWithItsStreamIndex) {
  h_.Close();
  hotline::testing::SetValue(h_.path(), "streams", store::StreamKey("B", 2), std::nullopt);
  h_.Reopen();
  absl::Status s = FoldTicketStreams<int>(
      h_.engine().log(), h_.head(),
      [](const store::Record&, const hotline::v1::EventEnvelope&, int*) {
        return absl::OkStatus();
      },
      [](const std::string&, int*) { return absl::OkStatus(); });
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("is version 2 of 'B', but the fold has no earlier event of it"));
}

}  // namespace
}  // namespace hotline::engine
