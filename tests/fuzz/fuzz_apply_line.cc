// Feeds: one line of `hotline apply` input, through what Engine::Execute does
// before it touches the store: ParseCommandJson -> ValidateCommand -> the
// `at` window (backfill on, so only "not ahead of the clock") -> Decide on a
// fixed in-memory world -> Evolve / Directory::With of the events decided.
//
// The world: units U07 and S01 (active) and X99 (inactive), the default
// policy, and one ticket in each state the workflow can be in, named after it
// (T-RECEIVED, T-DISPATCHED, T-IN_PROGRESS, T-PENDING_EXTENSION,
// T-RETURN_REQUESTED, T-RETURNED, T-REPLIED, T-AWAITING_RATING, T-CLOSED,
// T-REOPENED, T-MERGED), built at start-up through the same functions.
//
// Asserts: no crash or sanitizer report; any refusal is fine. An accepted
// command yields at least one event; every event, in the envelope the engine
// would store, prints as JSON and that JSON parses back to the same bytes
// (otherwise `hotline export` / `import` of it breaks); a directory event
// applies to the directory (the engine replays them with Directory::With).

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "engine/command_validation.h"
#include "engine/decide.h"
#include "engine/directory.h"
#include "engine/event_codec.h"
#include "engine/upcasters.h"
#include "engine/evolve.h"
#include "engine/json_codec.h"
#include "engine/time_util.h"
#include "google/protobuf/util/json_util.h"

namespace {

using hotline::v1::Command;
using hotline::v1::Event;
using hotline::v1::EventEnvelope;
using hotline::v1::TicketState;
namespace engine = hotline::engine;

// The engine's clock for this world, and EngineOptions::max_ahead's default.
const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2022, 7, 1, 0, 0, 0),
                                        absl::UTCTimeZone());
constexpr absl::Duration kMaxAhead = absl::Minutes(5);

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_apply_line: %s\n", what.c_str());
  std::abort();
}

// The envelope Engine::Execute stores for `event` (engine.cc, Envelopes()).
EventEnvelope Envelope(const Command& command, const Event& event, uint64_t version) {
  EventEnvelope e;
  *e.mutable_at() = command.at();
  *e.mutable_recorded_at() = engine::ToProto(kNow);
  *e.mutable_actor() = command.actor();
  e.set_schema_version(engine::CurrentVersion(event));
  *e.mutable_event() = event;
  e.set_stream_id(command.ticket_id());
  e.set_stream_version(version);
  return e;
}

// The directory before any command: no units, the default policy.
std::shared_ptr<const engine::Directory> InitialDirectory() {
  absl::StatusOr<std::shared_ptr<const engine::Directory>> initial = engine::Directory::Initial();
  if (!initial.ok()) Fail(initial.status().ToString());
  return *std::move(initial);
}

struct World {
  std::shared_ptr<const engine::Directory> directory = InitialDirectory();
  std::map<std::string, TicketState> tickets;

  const TicketState* Find(const std::string& id) const {
    auto it = tickets.find(id);
    return it == tickets.end() ? nullptr : &it->second;
  }

  // Applies a command that must succeed (the world's own set-up).
  void Apply(const std::string& json) {
    auto command = engine::ParseCommandJson(json);
    if (!command.ok()) Fail(command.status().ToString());
    if (absl::Status s = engine::ValidateCommand(*command); !s.ok()) Fail(s.ToString());
    const TicketState* ticket = Find(command->ticket_id());
    engine::DecideInput input{&*command, ticket, Find(command->merge().primary_ticket_id()),
                              directory.get()};
    auto events = engine::Decide(input);
    if (!events.ok()) Fail(json + ": " + events.status().ToString());
    TicketState next = ticket != nullptr ? *ticket : TicketState();
    for (const Event& event : *events) {
      if (engine::IsDirectoryCommand(*command)) {
        directory = *directory->With(event);
      } else {
        engine::Evolve(Envelope(*command, event, next.version() + 1), &next);
      }
    }
    if (!engine::IsDirectoryCommand(*command)) tickets[command->ticket_id()] = next;
  }

  // Copies ticket `from` to a new id, as if its events had been on that stream.
  void Copy(const std::string& from, const std::string& to) {
    tickets[to] = tickets.at(from);
    tickets[to].set_ticket_id(to);
  }
};

std::string Cmd(const std::string& id, const std::string& ticket, const std::string& at,
                const std::string& actor, const std::string& payload) {
  return "{\"commandId\":\"" + id + "\",\"ticketId\":\"" + ticket + "\",\"at\":\"" + at +
         "\",\"actor\":" + actor + "," + payload + "}";
}

World MakeWorld() {
  World w;
  const std::string admin = R"({"id":"admin","role":"ADMIN"})";
  const std::string op = R"({"id":"li","role":"OPERATOR"})";
  const std::string disp = R"({"id":"zhao","role":"DISPATCHER"})";
  const std::string sup = R"({"id":"qian","role":"SUPERVISOR"})";
  const std::string staff = R"({"id":"wang","role":"UNIT_STAFF","unitId":"U07"})";
  const std::string t0 = "2022-05-27T15:00:00+08:00";
  w.Apply(Cmd("u1", "", t0, admin, R"("registerUnit":{"unitId":"U07","name":"区住建局","kind":"DEPARTMENT"})"));
  w.Apply(Cmd("u2", "", t0, admin, R"("registerUnit":{"unitId":"S01","name":"崇业办","kind":"SUBDISTRICT"})"));
  w.Apply(Cmd("u3", "", t0, admin, R"("registerUnit":{"unitId":"X99","name":"撤销单位","kind":"DEPARTMENT"})"));
  w.Apply(Cmd("u4", "", t0, admin, R"("updateUnit":{"unitId":"X99","active":false})"));

  w.Apply(Cmd("c1", "T", t0, op, R"("receive":{"channel":"PHONE","appealType":"COMPLAINT","category":"住房保障","urgency":"NORMAL","title":"楼上漏水","content":"楼上住户卫生间漏水。","citizen":{"name":"张三","phone":"13812345678"}})"));
  w.Copy("T", "T-RECEIVED");
  w.Copy("T", "T-PRIMARY");  // an open ticket to merge into
  w.Apply(Cmd("c2", "T", "2022-05-27T16:00:00+08:00", disp, R"("dispatch":{"leadUnit":"U07","assistUnits":["S01"]})"));
  w.Copy("T", "T-DISPATCHED");
  w.Apply(Cmd("c3", "T", "2022-05-30T09:20:00+08:00", staff, R"("accept":{})"));
  w.Copy("T", "T-IN_PROGRESS");

  w.Copy("T", "T-PENDING_EXTENSION");
  w.Apply(Cmd("c4", "T-PENDING_EXTENSION", "2022-05-31T09:00:00+08:00", staff, R"("requestExtension":{"extraWorkingDays":3,"reason":"需协调"})"));
  w.Copy("T", "T-RETURN_REQUESTED");
  w.Apply(Cmd("c5", "T-RETURN_REQUESTED", "2022-05-31T09:00:00+08:00", staff, R"("requestReturn":{"reason":"非本单位职责"})"));
  w.Copy("T-RETURN_REQUESTED", "T-RETURNED");
  w.Apply(Cmd("c6", "T-RETURNED", "2022-05-31T10:00:00+08:00", disp, R"("decideReturn":{"approve":true})"));

  w.Apply(Cmd("c7", "T", "2022-06-01T15:00:00+08:00", staff, R"("reply":{"result":"已维修。","outcome":"RESOLVED"})"));
  w.Copy("T", "T-REPLIED");
  w.Apply(Cmd("c8", "T", "2022-06-02T10:00:00+08:00", disp, R"("review":{"approve":true})"));
  w.Copy("T", "T-AWAITING_RATING");
  w.Apply(Cmd("c9", "T", "2022-06-02T16:00:00+08:00", op, R"("rate":{"contacted":true,"satisfaction":"SATISFIED","resolved":true})"));
  w.Copy("T", "T-CLOSED");
  w.Apply(Cmd("c10", "T", "2022-06-06T10:00:00+08:00", sup, R"("reopen":{"reason":"仍漏水"})"));
  w.Copy("T", "T-REOPENED");
  w.Copy("T-RECEIVED", "T-MERGED");
  w.Apply(Cmd("c11", "T-MERGED", "2022-05-28T10:00:00+08:00", disp, R"("merge":{"primaryTicketId":"T-PRIMARY"})"));
  w.tickets.erase("T");
  return w;
}

// Export writes ToJson(envelope), import parses it back: both must work.
void CheckExportable(const EventEnvelope& envelope) {
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.always_print_primitive_fields = true;
  if (auto s = google::protobuf::util::MessageToJsonString(envelope, &json, print); !s.ok()) {
    Fail("decided event does not print as JSON: " + std::string(s.message()) + "\n" +
         envelope.DebugString());
  }
  EventEnvelope back;
  if (auto s = google::protobuf::util::JsonStringToMessage(json, &back); !s.ok()) {
    Fail("decided event's JSON does not parse back: " + std::string(s.message()) + "\n" + json);
  }
  if (back.SerializeAsString() != envelope.SerializeAsString()) {
    Fail("decided event changes through JSON: " + json);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const World* const kWorld = new World(MakeWorld());
  const std::string line(reinterpret_cast<const char*>(data), size);

  auto command = engine::ParseCommandJson(line);
  if (!command.ok()) return 0;
  if (!engine::ValidateCommand(*command).ok()) return 0;
  if (engine::FromProto(command->at()) > kNow + kMaxAhead) return 0;  // Execute refuses

  const TicketState* ticket = kWorld->Find(command->ticket_id());
  const TicketState* primary =
      command->has_merge() ? kWorld->Find(command->merge().primary_ticket_id()) : nullptr;
  engine::DecideInput input{&*command, ticket, primary, kWorld->directory.get()};
  auto events = engine::Decide(input);
  if (!events.ok()) return 0;
  if (events->empty()) Fail("Decide accepted a command with no events");

  const bool directory_command = engine::IsDirectoryCommand(*command);
  TicketState state = ticket != nullptr ? *ticket : TicketState();
  std::shared_ptr<const engine::Directory> directory = kWorld->directory;
  for (const Event& event : *events) {
    const EventEnvelope envelope = Envelope(*command, event, state.version() + 1);
    CheckExportable(envelope);
    if (directory_command) {
      auto next = directory->With(event);
      if (!next.ok()) Fail("decided directory event does not apply: " + next.status().ToString());
      directory = *next;
    } else {
      engine::Evolve(envelope, &state);
    }
  }
  return 0;
}
