// hotline history: a ticket's audit trail, event by event.

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "engine/evolve.h"
#include "engine/json_codec.h"
#include "engine/time_util.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

using hotline::v1::Event;
using hotline::v1::EventEnvelope;

// The event's payload key (ticketDispatched) and its fields as JSON.
std::pair<std::string, std::string> Payload(const Event& event) {
  const auto* field = Event::descriptor()->FindFieldByNumber(event.payload_case());
  if (field == nullptr) return {"unknown", "{}"};
  return {field->json_name(),
          engine::ToJson(event.GetReflection()->GetMessage(event, field))};
}

std::string Actor(const hotline::v1::Actor& actor) {
  std::string out = absl::StrCat(actor.id(), "/", hotline::v1::Role::Value_Name(actor.role()));
  if (!actor.unit_id().empty()) absl::StrAppend(&out, "@", actor.unit_id());
  return out;
}

int Run(const Flags& flags) {
  auto engine = OpenEngine(flags, /*writable=*/false);
  if (!engine.ok()) return Fail("history", engine.status());
  auto events = (*engine)->History(flags.positional()[0]);
  if (!events.ok()) return Fail("history", events.status());
  const absl::TimeZone zone = (*engine)->directory()->policy().calendar().zone();
  hotline::v1::TicketState state;
  for (const EventEnvelope& e : *events) {
    engine::Evolve(e, &state);
    const std::string after = hotline::v1::TicketStatus::Value_Name(state.state());
    if (flags.Has("json")) {
      std::string json = engine::ToJson(e);
      json.pop_back();  // the closing brace: add the state after the event
      std::printf("%s,\"stateAfter\":\"%s\"}\n", json.c_str(), after.c_str());
      continue;
    }
    const auto [name, fields] = Payload(e.event());
    std::printf("#%-6llu v%-3llu %s  %-28s %-22s %s -> %s\n",
                static_cast<unsigned long long>(e.sequence()),
                static_cast<unsigned long long>(e.stream_version()),
                engine::FormatLocal(engine::FromProto(e.at()), zone).c_str(),
                Actor(e.actor()).c_str(), name.c_str(), fields.c_str(), after.c_str());
  }
  return kExitOk;
}

}  // namespace

Subcommand HistoryCommand() {
  return {"history",
          "history TICKET [--json]",
          "The audit trail of a ticket: every event with sequence, time, actor, "
          "what it recorded and the state after it.",
          {{"json", false, "one JSON object per event (export shape + stateAfter)"}},
          1,
          1,
          Run};
}

}  // namespace hotline::cli
