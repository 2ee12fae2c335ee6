#ifndef HOTLINE_ENGINE_TICKET_STREAMS_FOLD_H_
#define HOTLINE_ENGINE_TICKET_STREAMS_FOLD_H_

// Internal: a fold of every ticket stream over the log, in log order, that
// holds a ticket only while it is in flight. Not part of the API.
//
// A whole-log fold (a report from the log, the auditor's verify, a rebuild)
// needs each ticket's value from its first event to its last. Holding every
// ticket until the end costs memory in proportion to the log (2 GiB at 1.6M
// tickets); reading evicted ones back costs a read per return. Instead the
// stream index says, at a ticket's first event, which version is its last at
// or before the fold's end, and the ticket leaves memory at that event. So
// memory follows the tickets open at one time, not the length of the log.

#include <cstdint>
#include <string>

#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/event_codec.h"
#include "hotline/v1/events.pb.h"
#include "store/event_log.h"
#include "store/status_macros.h"

namespace hotline::engine {

// Folds the events of ticket streams (not `$` streams) at sequences 1 ..
// `through` of `log`, in log order. For each event calls
// `on_event(record, envelope, &value)`, where `value` is the ticket's Value
// (default-constructed at its first event); after the ticket's last event at
// or before `through`, calls `on_last(ticket_id, &value)` and forgets it.
// Both return absl::Status; a non-OK one ends the fold with it. DATA_LOSS
// when an event does not decode or the log disagrees with its stream index.
template <typename Value, typename OnEvent, typename OnLast>
absl::Status FoldTicketStreams(const store::EventLog& log, uint64_t through, OnEvent on_event,
                               OnLast on_last) {
  struct InFlight {
    Value value;
    uint64_t last_version = 0;
  };
  // Nodes, not a flat table: a held value is large, and a flat table's
  // empty slots would each take its size.
  absl::node_hash_map<std::string, InFlight> in_flight;
  hotline::v1::EventEnvelope envelope;
  HOTLINE_RETURN_IF_ERROR(log.Scan(1, through, [&](const store::Record& record) -> absl::Status {
    if (record.stream_id.starts_with('$')) return absl::OkStatus();
    auto [it, first] = in_flight.try_emplace(record.stream_id);
    InFlight& ticket = it->second;
    if (first) {
      if (record.stream_version != 1) {
        return absl::DataLossError(absl::StrCat("event at sequence ", record.sequence,
                                                " is version ", record.stream_version,
                                                " of '", record.stream_id,
                                                "', but the fold has no earlier event of it"));
      }
      HOTLINE_ASSIGN_OR_RETURN(ticket.last_version,
                               log.StreamVersionAt(record.stream_id, through));
    }
    if (record.stream_version > ticket.last_version) {
      return absl::DataLossError(absl::StrCat("event at sequence ", record.sequence, " of '",
                                              record.stream_id, "' is past the stream index's ",
                                              ticket.last_version, " events"));
    }
    envelope.Clear();
    HOTLINE_RETURN_IF_ERROR(DecodeEvent(record, &envelope));
    HOTLINE_RETURN_IF_ERROR(on_event(record, envelope, &ticket.value));
    if (record.stream_version < ticket.last_version) return absl::OkStatus();
    absl::Status done = on_last(it->first, &ticket.value);
    in_flight.erase(it);
    return done;
  }));
  if (!in_flight.empty()) {
    const auto& [id, ticket] = *in_flight.begin();
    return absl::DataLossError(absl::StrCat("the stream index gives '", id, "' ",
                                            ticket.last_version,
                                            " events up to the fold's end; the log has fewer"));
  }
  return absl::OkStatus();
}

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_TICKET_STREAMS_FOLD_H_
