#include "engine/event_codec.h"

#include "absl/strings/str_cat.h"
#include "engine/upcasters.h"

namespace hotline::engine {

absl::Status DecodeStoredEvent(const store::Record& record, hotline::v1::EventEnvelope* out) {
  if (!out->ParseFromString(record.payload)) {
    return absl::DataLossError(absl::StrCat(
        "event at sequence ", record.sequence, " is not a valid EventEnvelope"));
  }
  out->set_sequence(record.sequence);
  out->set_stream_id(record.stream_id);
  out->set_stream_version(record.stream_version);
  out->set_command_id(record.command_id);
  out->set_prev_hash(record.prev_hash);
  out->set_hash(record.hash);
  return absl::OkStatus();
}

absl::Status DecodeEvent(const store::Record& record, hotline::v1::EventEnvelope* out) {
  if (absl::Status s = DecodeStoredEvent(record, out); !s.ok()) return s;
  return Upcast(out);
}

std::string StorePayload(hotline::v1::EventEnvelope envelope) {
  envelope.clear_sequence();
  envelope.clear_stream_id();
  envelope.clear_stream_version();
  envelope.clear_command_id();
  envelope.clear_prev_hash();
  envelope.clear_hash();
  return envelope.SerializeAsString();
}

std::string ChainHashOf(const hotline::v1::EventEnvelope& e) {
  return std::string(store::StoredHash(store::EncodeRecord(
      e.prev_hash(), e.sequence(), e.stream_id(), e.stream_version(), e.command_id(),
      StorePayload(e))));
}

}  // namespace hotline::engine
