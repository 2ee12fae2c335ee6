#ifndef HOTLINE_ENGINE_TICKET_CACHE_H_
#define HOTLINE_ENGINE_TICKET_CACHE_H_

// TicketCache: the states of recently written tickets, kept by the writer so
// that deciding a command on a ticket it just wrote needs no read and parse
// of the stored state.
//
// It is only ever a hint: the store checks the stream version of every
// append, so a decision taken on a stale entry fails with ABORTED, and the
// writer then erases the entry and decides again on the stored state.
//
// Bounded: each of a fixed number of shards holds at most capacity/shards
// entries and is emptied when full (cheap, and the working set refills it).
//
// Thread safety: all methods may be called concurrently.

#include <array>
#include <cstddef>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "hotline/v1/state.pb.h"

namespace hotline::engine {

class TicketCache {
 public:
  // Holds at most about `capacity` states; 0 turns the cache off.
  explicit TicketCache(size_t capacity) : per_shard_(capacity / kShards) {}

  // The cached state of `ticket_id`, nullptr when none. Shared, never
  // changed: a later Put replaces the pointer.
  std::shared_ptr<const hotline::v1::TicketState> Find(absl::string_view ticket_id) const;

  // Records `state` as the latest of its ticket unless a later version is
  // cached already (racing writers may finish out of order).
  void Put(std::shared_ptr<const hotline::v1::TicketState> state);

  // Forgets `ticket_id`.
  void Erase(absl::string_view ticket_id);

  // Forgets everything (the stored states were rewritten).
  void Clear();

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<std::string, std::shared_ptr<const hotline::v1::TicketState>> states
        ABSL_GUARDED_BY(mu);
  };
  Shard& ShardOf(absl::string_view ticket_id) const;

  const size_t per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_TICKET_CACHE_H_
