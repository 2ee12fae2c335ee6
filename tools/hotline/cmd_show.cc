// hotline show: a ticket's state now or as it stood at a time.

#include <cstdio>

#include "absl/strings/str_join.h"
#include "engine/json_codec.h"
#include "engine/time_util.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

std::string Time(const google::protobuf::Timestamp& ts, absl::TimeZone zone) {
  return ts.seconds() == 0 && ts.nanos() == 0 ? "-"
                                              : engine::FormatLocal(engine::FromProto(ts), zone);
}

void PrintText(const hotline::v1::TicketState& s, absl::TimeZone zone) {
  using hotline::v1::TicketStatus;
  std::printf("ticket          %s\n", s.ticket_id().c_str());
  std::printf("state           %s", TicketStatus::Value_Name(s.state()).c_str());
  if (s.state() == TicketStatus::CLOSED) {
    std::printf(" (%s)", hotline::v1::CloseReason::Value_Name(s.close_reason()).c_str());
  }
  std::printf("\ncycle           %u\nversion         %llu\n", s.cycle(),
              static_cast<unsigned long long>(s.version()));
  std::printf("category        %s (%s, %s, %s)\n", s.category().c_str(),
              hotline::v1::AppealType::Value_Name(s.appeal_type()).c_str(),
              hotline::v1::Urgency::Value_Name(s.urgency()).c_str(),
              hotline::v1::Channel::Value_Name(s.channel()).c_str());
  std::printf("title           %s\n", s.title().c_str());
  std::printf("lead unit       %s\n", s.lead_unit().empty() ? "-" : s.lead_unit().c_str());
  std::printf("assist units    %s\n",
              s.assist_units().empty() ? "-" : absl::StrJoin(s.assist_units(), ", ").c_str());
  std::printf("received        %s\n", Time(s.received_at(), zone).c_str());
  std::printf("accept by       %s\n", Time(s.accept_deadline(), zone).c_str());
  std::printf("handle by       %s\n", Time(s.handle_deadline(), zone).c_str());
  std::printf("review by       %s\n", Time(s.review_deadline(), zone).c_str());
  std::printf("rating by       %s\n", Time(s.rating_deadline(), zone).c_str());
  std::printf("last event      %s\n", Time(s.last_event_at(), zone).c_str());
}

int Run(const Flags& flags) {
  auto engine = OpenEngine(flags, /*writable=*/false);
  if (!engine.ok()) return Fail("show", engine.status());
  const std::string& id = flags.positional()[0];
  absl::StatusOr<hotline::v1::TicketState> state;
  if (flags.Has("as-of")) {
    auto as_of = ParseTimeFlag(flags, "as-of", **engine);
    if (!as_of.ok()) return Usage(FindSubcommand("show"), as_of.status());
    state = (*engine)->GetTicketAsOf(id, *as_of);
  } else {
    state = (*engine)->GetTicket(id);
  }
  if (!state.ok()) return Fail("show", state.status());
  if (flags.Has("json")) {
    std::printf("%s\n", engine::ToJson(*state).c_str());
  } else {
    PrintText(*state, (*engine)->directory()->policy().calendar().zone());
  }
  return kExitOk;
}

}  // namespace

Subcommand ShowCommand() {
  return {"show",
          "show TICKET [--as-of T] [--json]",
          "A ticket's state now, or as it stood at T (RFC 3339, or local time in "
          "the policy's zone).",
          {{"as-of", true, "the time to show the ticket at"},
           {"json", false, "print the state as JSON (protobuf JSON mapping)"}},
          1,
          1,
          Run};
}

}  // namespace hotline::cli
