// Feeds: arbitrary bytes as what a damaged or hostile `events` column family
// could hold, down the read path every reader takes (Scan, history, export,
// rebuild, verify):
//   1. the bytes as a stored record value -> store::DecodeRecord, then its
//      payload -> engine::DecodeEvent;
//   2. the bytes as a record's payload (a serialized EventEnvelope) ->
//      engine::DecodeEvent;
// and each envelope that decodes -> Evolve on an empty and on a received
// ticket, Directory::With (how directory streams are replayed) and ToJson
// (what export and history print).
//
// Asserts: no crash or sanitizer report; DATA_LOSS is the only refusal, but
// for an event version newer than this build's (FAILED_PRECONDITION). When
// DecodeRecord accepts, its fields say exactly what the value holds:
// re-encoding them gives back the body bytes (the value less its 32-byte
// hash) and the hash field is those 32 bytes; EncodeRecord of them then
// decodes to the same fields again.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "engine/directory.h"
#include "engine/event_codec.h"
#include "engine/upcasters.h"
#include "engine/evolve.h"
#include "engine/json_codec.h"
#include "store/record.h"

namespace {

namespace engine = hotline::engine;
namespace store = hotline::store;
using hotline::v1::EventEnvelope;
using hotline::v1::TicketState;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_record_decode: %s\n", what.c_str());
  std::abort();
}

void ExpectDataLoss(const absl::Status& s, const char* what) {
  if (!s.ok() && s.code() != absl::StatusCode::kDataLoss) {
    Fail(std::string(what) + " refused with other than DATA_LOSS: " + s.ToString());
  }
}

// DecodeEvent also refuses a newer event version, naming it.
void ExpectDecodeRefusal(const absl::Status& s, const EventEnvelope& envelope) {
  if (s.code() == absl::StatusCode::kFailedPrecondition &&
      envelope.schema_version() > engine::CurrentVersion(envelope.event())) {
    return;
  }
  ExpectDataLoss(s, "DecodeEvent");
}

bool SameRecord(const store::Record& a, const store::Record& b) {
  return a.sequence == b.sequence && a.stream_id == b.stream_id &&
         a.stream_version == b.stream_version && a.command_id == b.command_id &&
         a.payload == b.payload && a.prev_hash == b.prev_hash;
}

// A ticket just received, for events that are not a TicketReceived.
TicketState ReceivedTicket() {
  EventEnvelope received;
  received.set_stream_id("T-1");
  received.set_stream_version(1);
  received.mutable_at()->set_seconds(1653634800);  // 2022-05-27T07:00:00Z
  auto* r = received.mutable_event()->mutable_ticket_received();
  r->set_channel(hotline::v1::Channel::PHONE);
  r->set_appeal_type(hotline::v1::AppealType::COMPLAINT);
  r->set_urgency(hotline::v1::Urgency::NORMAL);
  r->set_category("住房保障");
  TicketState state;
  engine::Evolve(received, &state);
  return state;
}

// Everything a reader does with one decoded envelope.
void UseEnvelope(const EventEnvelope& envelope) {
  static const TicketState* const kReceived = new TicketState(ReceivedTicket());
  // The directory before any command (Initial fails only without tzdata).
  static const auto* const kDirectory =
      new std::shared_ptr<const engine::Directory>(*engine::Directory::Initial());
  TicketState empty;
  engine::Evolve(envelope, &empty);
  TicketState received = *kReceived;
  engine::Evolve(envelope, &received);
  (void)(*kDirectory)->With(envelope.event());  // may refuse a bad policy
  (void)engine::ToJson(envelope);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string value(reinterpret_cast<const char*>(data), size);

  // 1. The bytes as a stored value.
  store::Record record;
  const absl::Status decoded = store::DecodeRecord(value, &record);
  ExpectDataLoss(decoded, "DecodeRecord");
  if (decoded.ok()) {
    if (size < store::kHashBytes) Fail("DecodeRecord accepted a value shorter than a hash");
    const std::string body = value.substr(0, size - store::kHashBytes);
    if (record.hash != value.substr(size - store::kHashBytes)) {
      Fail("Record.hash is not the value's last 32 bytes");
    }
    const std::string again =
        store::EncodeRecord(record.prev_hash, record.sequence, record.stream_id,
                            record.stream_version, record.command_id, record.payload);
    if (again.substr(0, again.size() - store::kHashBytes) != body) {
      Fail("re-encoding the decoded fields does not give the body back");
    }
    if (!store::HashMatches(again)) Fail("EncodeRecord's value fails HashMatches");
    store::Record round;
    if (!store::DecodeRecord(again, &round).ok() || !SameRecord(record, round)) {
      Fail("EncodeRecord's value does not decode to the same fields");
    }
    EventEnvelope envelope;
    const absl::Status event = engine::DecodeEvent(record, &envelope);
    ExpectDecodeRefusal(event, envelope);
    if (event.ok()) UseEnvelope(envelope);
  }

  // 2. The bytes as a payload, in an otherwise well-formed record.
  store::Record holder;
  holder.sequence = 7;
  holder.stream_id = "T-1";
  holder.stream_version = 2;
  holder.command_id = "c2";
  holder.prev_hash = store::GenesisHash();
  holder.payload = value;
  EventEnvelope envelope;
  const absl::Status event = engine::DecodeEvent(holder, &envelope);
  ExpectDecodeRefusal(event, envelope);
  if (event.ok()) UseEnvelope(envelope);
  return 0;
}
