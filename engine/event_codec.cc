#include "engine/event_codec.h"

#include "absl/strings/str_cat.h"

namespace hotline::engine {

absl::Status DecodeEvent(const store::Record& record, hotline::v1::EventEnvelope* out) {
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

}  // namespace hotline::engine
