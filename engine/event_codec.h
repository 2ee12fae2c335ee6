#ifndef HOTLINE_ENGINE_EVENT_CODEC_H_
#define HOTLINE_ENGINE_EVENT_CODEC_H_

// How engine events travel through the store: the payload of a store record
// is a serialized EventEnvelope holding the business fields (at,
// recorded_at, actor, schema_version, event); the positional fields come
// from the record itself.

#include <string>

#include "absl/status/status.h"
#include "hotline/v1/events.pb.h"
#include "store/record.h"

namespace hotline::engine {

// Fills `out` from `record` as it was written: parses the payload and sets
// sequence, stream_id, stream_version, command_id, prev_hash and hash from
// the record. DATA_LOSS names the sequence when the payload does not parse.
// For what must keep the written bytes: exports, proofs.
absl::Status DecodeStoredEvent(const store::Record& record, hotline::v1::EventEnvelope* out);

// DecodeStoredEvent, then the event brought to its type's current version
// (engine/upcasters.h): what every other reader sees. FAILED_PRECONDITION
// for an event version newer than this build's.
absl::Status DecodeEvent(const store::Record& record, hotline::v1::EventEnvelope* out);

// The store payload of `envelope`: the envelope without its positional
// fields (the inverse of DecodeEvent's parse). Canonical serialization (the
// schema has no maps) reproduces the bytes that were hashed.
std::string StorePayload(hotline::v1::EventEnvelope envelope);

// The chain hash `envelope`'s record has when its positions and prev_hash
// are what the envelope says: what an exported event must carry as `hash`,
// recomputed from its content alone.
std::string ChainHashOf(const hotline::v1::EventEnvelope& envelope);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_EVENT_CODEC_H_
