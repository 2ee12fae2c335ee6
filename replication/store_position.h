#ifndef HOTLINE_REPLICATION_STORE_POSITION_H_
#define HOTLINE_REPLICATION_STORE_POSITION_H_

// Where a local store stands against its log's stream: how far the two hold
// the same records, what only the store has (a tail its writer never got
// into the stream) and what only the stream has (another writer's records).

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "replication/jetstream.h"
#include "store/event_log.h"

namespace hotline::replication {

struct StorePosition {
  std::string log_id;        // empty for an empty store
  uint64_t head = 0;         // the store's last record
  bool stream_exists = false;
  uint64_t stream_last = 0;  // the stream's last record (0: none)
  uint64_t agreed = 0;       // records 1..agreed are the same in both

  // The store holds records the stream does not: agreed + 1 .. head.
  bool has_unreplicated_tail() const { return agreed < head; }
  // The stream holds records the store lacks: agreed + 1 .. stream_last.
  bool behind() const { return agreed < stream_last; }
};

// Compares the store with its stream (found by the id of the store's first
// record). Reads O(log head) records of the stream when they differ.
absl::StatusOr<StorePosition> Compare(const store::EventLog& log, JetStream& stream);

// FAILED_PRECONDITION naming the records only the store holds and how to
// remove them (hotline follow --drop-unreplicated).
absl::Status UnreplicatedTailError(const StorePosition& position);

// FAILED_PRECONDITION "fenced": the stream has records the store lacks.
absl::Status BehindError(const StorePosition& position);

}  // namespace hotline::replication

#endif  // HOTLINE_REPLICATION_STORE_POSITION_H_
