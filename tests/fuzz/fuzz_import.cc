// Feeds: arbitrary bytes as an export file (`hotline import --in F`), both as
// JSON Lines and as binary, through what Engine::Import runs before it writes
// anything: EnvelopeReader -> CheckExport (gapless sequence, stream versions,
// hash chain). No RocksDB.
//
// The chain has no key, so a hostile file can carry correct hashes. To reach
// past the hash check, the events the reader yields are also re-chained the
// way such a file would be (sequence, versions, prev_hash and hash
// recomputed), written as a binary export and checked again; the events of
// that accepted chain then go where an import sends them: Evolve per ticket
// stream (the rebuild) and Directory::With (the $units / $policy replay).
//
// Asserts: no crash or sanitizer report; refusals are DATA_LOSS (or
// FAILED_PRECONDITION for an event version newer than the build's). When the
// check accepts N events, a second reader yields exactly N (Import reads the
// file twice and relies on it), and none of the appends Import would make
// from them is one the store refuses or answers as a duplicate (the import
// would stop after writing part of the file). A re-chained file is accepted
// with all its events, or refused for its content (an `at` outside the
// window, a directory event the directory refuses), and a directory event of
// an accepted file is one the directory takes. An accepted event without unknown fields survives the jsonl form:
// printed as JSON and parsed back it is the same message (so a binary import
// can be exported as jsonl and imported again).

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "engine/directory.h"
#include "engine/evolve.h"
#include "engine/export_format.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/json_util.h"
#include "store/options.h"
#include "store/record.h"
#include "tests/fuzz/fuzz_file.h"

namespace {

namespace engine = hotline::engine;
namespace store = hotline::store;
using hotline::v1::EventEnvelope;

// Bounds the work per input; libFuzzer's -max_len bounds it too.
constexpr size_t kMaxEvents = 64;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_import: %s\n", what.c_str());
  std::abort();
}

// DATA_LOSS, or FAILED_PRECONDITION for an event version newer than this
// build's (engine/upcasters.h: refused, never misread).
void ExpectDataLoss(const absl::Status& s, const char* what) {
  if (s.code() == absl::StatusCode::kFailedPrecondition &&
      absl::StrContains(s.message(), "is newer than this build reads")) {
    return;
  }
  if (!s.ok() && s.code() != absl::StatusCode::kDataLoss) {
    Fail(std::string(what) + " refused with other than DATA_LOSS: " + s.ToString());
  }
}

std::unique_ptr<engine::EnvelopeReader> Open(const std::string& path, bool binary) {
  auto reader = engine::EnvelopeReader::Open(path, binary);
  if (!reader.ok()) Fail("cannot open the scratch file: " + reader.status().ToString());
  return *std::move(reader);
}

std::string StorePayload(EventEnvelope e);

// What Engine::Import does with an accepted file, against the rules of
// store::EventLog::Append (event_log_append.cc, ValidateRequest and the
// command-id check): it appends each run of consecutive events of one stream
// and one non-empty command id as one request. "Checks the whole chain before
// writing anything" holds only if none of these appends can be refused.
class ImportModel {
 public:
  void Add(const EventEnvelope& e) {
    const store::Options limits;  // Engine::Open's store uses the defaults
    const bool joins = events_ > 0 && !e.command_id().empty() &&
                       e.stream_id() == stream_ && e.command_id() == command_;
    if (joins) {
      if (++events_ > limits.max_events_per_append) Refused("over max_events_per_append", e);
    } else {
      stream_ = e.stream_id();
      command_ = e.command_id();
      events_ = 1;
      if (stream_.empty() || stream_.size() > limits.max_stream_id_bytes ||
          stream_.find('\0') != std::string::npos) {
        Refused("a stream id the store refuses", e);
      }
      if (command_.size() > limits.max_command_id_bytes) Refused("command id too long", e);
      if (!command_.empty() && !commands_.insert(command_).second) {
        Refused("a command id of an earlier append (the store answers it as a duplicate)", e);
      }
    }
    if (StorePayload(e).size() > limits.max_payload_bytes) Refused("payload too large", e);
  }

 private:
  [[noreturn]] static void Refused(const std::string& why, const EventEnvelope& e) {
    Fail("CheckExport accepted a file whose import would stop part-way, at sequence " +
         std::to_string(e.sequence()) + ": " + why);
  }
  std::string stream_, command_;
  size_t events_ = 0;
  std::set<std::string> commands_;
};

// CheckExport on the file; its count when accepted, after re-reading it.
std::optional<uint64_t> Check(const std::string& path, bool binary) {
  auto checked = engine::CheckExport(Open(path, binary).get());
  ExpectDataLoss(checked.status(), "CheckExport");
  if (!checked.ok()) return std::nullopt;
  auto again = Open(path, binary);
  EventEnvelope e;
  ImportModel import;
  uint64_t n = 0;
  for (;; ++n) {
    auto more = again->Next(&e);
    if (!more.ok()) Fail("accepted file fails on the second read: " + more.status().ToString());
    if (!*more) break;
    import.Add(e);
  }
  if (n != *checked) Fail("second read counts " + std::to_string(n) + " events, check said " +
                          std::to_string(*checked));
  return *checked;
}

// What the store hashes for an envelope (engine_import.cc, StorePayload).
std::string StorePayload(EventEnvelope e) {
  e.clear_sequence();
  e.clear_stream_id();
  e.clear_stream_version();
  e.clear_command_id();
  e.clear_prev_hash();
  e.clear_hash();
  return e.SerializeAsString();
}

// The events `reader` yields before its end or first error, re-chained,
// with ids the store takes (so that the chain checks, and the import
// model of Check() holds, on the events as they come).
std::vector<EventEnvelope> Rechain(engine::EnvelopeReader* reader) {
  std::vector<EventEnvelope> events;
  std::map<std::string, uint64_t> versions;
  std::set<std::string> commands;  // of earlier runs
  std::string prev = store::GenesisHash();
  EventEnvelope e;
  while (events.size() < kMaxEvents) {
    auto more = reader->Next(&e);
    if (!more.ok() || !*more) break;
    if (e.stream_id().empty() || e.stream_id().size() > 128 ||
        e.stream_id().find('\0') != std::string::npos) {
      e.set_stream_id("T-rechained");
    }
    if (e.command_id().size() > 100) e.set_command_id(e.command_id().substr(0, 100));
    const bool joins = !events.empty() && !e.command_id().empty() &&
                       events.back().stream_id() == e.stream_id() &&
                       events.back().command_id() == e.command_id();
    if (!joins && !e.command_id().empty() && !commands.insert(e.command_id()).second) {
      e.set_command_id(e.command_id() + "#" + std::to_string(events.size() + 1));
      commands.insert(e.command_id());
    }
    e.set_sequence(events.size() + 1);
    e.set_stream_version(++versions[e.stream_id()]);
    e.set_prev_hash(prev);
    const std::string value = store::EncodeRecord(prev, e.sequence(), e.stream_id(),
                                                  e.stream_version(), e.command_id(),
                                                  StorePayload(e));
    e.set_hash(std::string(store::StoredHash(value)));
    prev = e.hash();
    events.push_back(e);
  }
  return events;
}

std::string AsBinaryExport(const std::vector<EventEnvelope>& events) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream raw(&out);
    google::protobuf::io::CodedOutputStream coded(&raw);
    for (const EventEnvelope& e : events) {
      coded.WriteVarint32(static_cast<uint32_t>(e.ByteSizeLong()));
      e.SerializeWithCachedSizes(&coded);
    }
  }
  return out;
}

void CheckJsonRoundTrip(const EventEnvelope& e) {
  EventEnvelope known = e;
  known.DiscardUnknownFields();
  if (known.SerializeAsString() != e.SerializeAsString()) return;  // JSON drops them
  std::string json;
  if (auto s = google::protobuf::util::MessageToJsonString(e, &json); !s.ok()) {
    Fail("imported event does not print as JSON: " + std::string(s.message()) + "\n" +
         e.DebugString());
  }
  EventEnvelope back;
  if (auto s = google::protobuf::util::JsonStringToMessage(json, &back); !s.ok()) {
    Fail("imported event's JSON does not parse back: " + std::string(s.message()) + "\n" + json);
  }
  if (back.SerializeAsString() != e.SerializeAsString()) {
    Fail("imported event changes through JSON: " + json);
  }
}

// What the import's rebuild does with an accepted chain.
void Replay(const std::vector<EventEnvelope>& events) {
  std::map<std::string, hotline::v1::TicketState> tickets;
  auto initial = engine::Directory::Initial();
  if (!initial.ok()) Fail(initial.status().ToString());
  std::shared_ptr<const engine::Directory> directory = *initial;
  for (const EventEnvelope& e : events) {
    CheckJsonRoundTrip(e);
    if (e.stream_id() == engine::kUnitsStream || e.stream_id() == engine::kPolicyStream) {
      auto next = directory->With(e.event());
      // CheckExport replays the directory too: what it accepts, the store opens.
      if (!next.ok()) Fail("CheckExport accepted a directory event: " + next.status().ToString());
      directory = *next;
    } else {
      engine::Evolve(e, &tickets[e.stream_id()]);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const hotline::fuzz::ScratchFile kFile("fuzz_import");
  static const hotline::fuzz::ScratchFile kChained("fuzz_import-chained");
  const std::string& path = kFile.Write(std::string(reinterpret_cast<const char*>(data), size));

  for (const bool binary : {false, true}) {
    Check(path, binary);
    const std::vector<EventEnvelope> events = Rechain(Open(path, binary).get());
    if (events.empty()) continue;
    const std::optional<uint64_t> n = Check(kChained.Write(AsBinaryExport(events)), true);
    // Its content may still be refused (an `at` outside the window, a
    // directory event the directory refuses); never a part of it.
    if (!n.has_value()) continue;
    if (*n != events.size()) Fail("a re-chained file is accepted only in part");
    Replay(events);
  }
  return 0;
}
