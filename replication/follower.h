#ifndef HOTLINE_REPLICATION_FOLLOWER_H_
#define HOTLINE_REPLICATION_FOLLOWER_H_

// Follower: keeps a local store a full replica of a log's JetStream stream
// — the same records and hashes, every projection (engine/replica.h) —
// resuming from its own head after any stop, so a kill at any moment loses
// nothing but the records it will read again.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/engine.h"
#include "engine/replica.h"
#include "replication/jetstream.h"

namespace hotline::replication {

struct FollowOptions {
  // Records written to the store in one write (one fsync). Default 1,000.
  size_t batch_records = 1000;
};

class Follower {
 public:
  // The log a store follows: its own (from its first record; `requested`,
  // when given, must be it: INVALID_ARGUMENT otherwise); for an empty store
  // `requested`, or else the one hotline log with a stream in the cluster
  // (FAILED_PRECONDITION naming them when there are several, NOT_FOUND when
  // none).
  static absl::StatusOr<std::string> ResolveLogId(const store::EventLog& log, JetStream& stream,
                                                  const std::optional<std::string>& requested);

  // `engine` is read-write and executes no command while followed; it and
  // `stream` outlive the Follower.
  Follower(engine::Engine* engine, JetStream* stream, std::string log_id,
           FollowOptions options = {});

  // Refuses (FAILED_PRECONDITION, see UnreplicatedTailError) a store with
  // records the stream does not hold. Makes the projections complete
  // (engine::Replica::Start), then appends
  // the stream's records after the store's head, in order, until
  // `keep_going` returns false (asked between batches and about every half
  // second while the stream has nothing new). DATA_LOSS naming the
  // sequence when a record does not follow the store's chain (nothing of
  // it is kept); NOT_FOUND when the stream does not exist. A server that
  // fails is retried, not an error. `progress` gets (head, the stream's
  // last sequence) after each write and about once a second.
  absl::Status Follow(const std::function<bool()>& keep_going,
                      const std::function<void(uint64_t, uint64_t)>& progress = nullptr);

  // Removes the records of the store that the stream does not hold (a tail
  // its writer never got into the stream; engine::Replica::DropAfter) and
  // returns how many; 0 when the store and the stream agree. They are
  // handed to `before_removing` first (to print or keep them): nothing is
  // removed unless it returns OK. FAILED_PRECONDITION, removing nothing,
  // when the cluster has no stream of this log or one without this store's
  // first record.
  absl::StatusOr<size_t> DropUnreplicated(
      const std::function<absl::Status(const std::vector<store::Record>&)>& before_removing);

  // Follow until the head reaches the stream's last sequence, as read
  // when it is reached (so the stream's end, unless a writer is still
  // appending).
  absl::Status CatchUp(const std::function<void(uint64_t, uint64_t)>& progress = nullptr);

 private:
  engine::Engine* const engine_;
  JetStream* const stream_;
  const std::string log_id_;
  const FollowOptions options_;
  engine::Replica replica_;
};

}  // namespace hotline::replication

#endif  // HOTLINE_REPLICATION_FOLLOWER_H_
