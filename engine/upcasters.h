#ifndef HOTLINE_ENGINE_UPCASTERS_H_
#define HOTLINE_ENGINE_UPCASTERS_H_

// Event versions and the upcasters between them (docs/evolving-events.md).
//
// Each event type has a version: the event_version option of its message
// (proto/hotline/v1/options.proto; 1 when absent). New events are written in
// it and record it in the envelope's schema_version. An event written in an
// older version is read through the registered upcasters, one version at a
// time, so that every reader — the folds, reports, history, the service —
// sees only the current shape. The log keeps the bytes as written (exports
// and proofs carry them, so hashes recompute).
//
// An upcaster, once released, is never edited: a log written years ago must
// read the same forever (tests/upcasters_test.cc pins each one's output,
// tests/golden_log_test.cc replays logs of earlier releases). A change of
// shape is a new version and a new upcaster.

#include "absl/status/status.h"
#include "hotline/v1/events.pb.h"

namespace hotline::engine {

// The version new events of `event`'s type are written in.
int CurrentVersion(const hotline::v1::Event& event);

// Brings `envelope`'s event from the version its schema_version names to its
// type's current version and records that version. FAILED_PRECONDITION
// naming the sequence, the event type and the version for a version newer
// than this build's (a log written by a later release: never misread);
// DATA_LOSS for a version below 1.
absl::Status Upcast(hotline::v1::EventEnvelope* envelope);

// OK when Upcast would accept `envelope`'s version (for checks that keep the
// event as written, such as an import's).
absl::Status CheckVersion(const hotline::v1::EventEnvelope& envelope);

// The upcasters, exposed so that tests pin each one's output.

// TicketReceived 1 -> 2: the free-text location becomes place.address and
// the point place's coordinates; citizen becomes contact (name, phone,
// email). The version 1 fields are cleared. A no-op on an event without
// them.
void TicketReceivedV1ToV2(hotline::v1::TicketReceived* event);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_UPCASTERS_H_
