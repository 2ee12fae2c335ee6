#ifndef HOTLINE_ENGINE_REPLICA_H_
#define HOTLINE_ENGINE_REPLICA_H_

// Replica: an engine's store kept as a copy of another writer's log —
// records that writer stored, appended here as they were (same sequences,
// command ids and hashes), with every projection kept as if this engine had
// executed the commands. The records come from elsewhere (replication/
// reads them from a NATS JetStream stream); this knows no transport.
//
// Thread safety: one Replica per engine, used by one thread; while it
// applies records, the engine executes no command (a replica has one
// writer: the log it copies).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/engine.h"
#include "store/record.h"

namespace hotline::engine {

class Replica {
 public:
  // `engine` is read-write and outlives the Replica.
  explicit Replica(Engine* engine) : engine_(engine) {}

  // Makes the projections complete before records are applied: rebuilds
  // them when a rebuild (or a DropAfter) was interrupted. `progress` as
  // for Engine::RebuildProjections.
  absl::Status Start(const std::function<void(uint64_t, uint64_t)>& progress = nullptr);

  // Appends `records` (stored values, see store/record.h: the next ones
  // after the head, in order) with the ticket states, timer index entries
  // and directory they bring, in one write. DATA_LOSS naming the sequence
  // of the first record that does not decode or does not follow the chain
  // (store::EventLog::AppendRecords): nothing is appended then.
  absl::Status Apply(const std::vector<std::string>& records);

  // Removes the records after `sequence` (a tail the copied log never
  // took; store::EventLog::DropAfter) and rebuilds every projection from
  // what stays. Returns the removed records. A crash midway leaves the
  // projections marked incomplete, so Start() rebuilds them.
  absl::StatusOr<std::vector<store::Record>> DropAfter(uint64_t sequence);

 private:
  Engine* const engine_;
};

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_REPLICA_H_
