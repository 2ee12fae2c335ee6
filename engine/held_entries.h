#ifndef HOTLINE_ENGINE_HELD_ENTRIES_H_
#define HOTLINE_ENGINE_HELD_ENTRIES_H_

// Internal: the rule by which a fold over the log in batches (a rebuild of
// ticket states, a statistics catch-up) holds per-ticket entries in memory
// between batches. Not part of the API.

#include <cstdint>

namespace hotline::engine {

// An entry stays held while one of the last kHeldBatches batches touched it:
// tickets come back (a reply days after the dispatch), and a held entry
// needs no read back; memory stays bounded by the tickets of a few batches.
inline constexpr uint64_t kHeldBatches = 4;

// True when an entry last touched in batch `touched` stays held at the end
// of batch `now`.
inline bool StaysHeld(uint64_t touched, uint64_t now) { return touched + kHeldBatches > now; }

// Calls `keep(key, entry)` for each entry of `held` (a node or flat hash map)
// and removes those for which it returns false; `keep` writes what leaves.
template <typename Map, typename Keep>
void SweepHeld(Map* held, Keep keep) {
  for (auto it = held->begin(); it != held->end();) {
    if (keep(it->first, it->second)) {
      ++it;
    } else {
      held->erase(it++);
    }
  }
}

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_HELD_ENTRIES_H_
