#include "engine/ticket_cache.h"

#include "absl/hash/hash.h"

namespace hotline::engine {

TicketCache::Shard& TicketCache::ShardOf(absl::string_view ticket_id) const {
  return shards_[absl::HashOf(ticket_id) % kShards];
}

std::shared_ptr<const hotline::v1::TicketState> TicketCache::Find(
    absl::string_view ticket_id) const {
  if (per_shard_ == 0) return nullptr;
  Shard& shard = ShardOf(ticket_id);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.states.find(ticket_id);
  return it == shard.states.end() ? nullptr : it->second;
}

void TicketCache::Put(std::shared_ptr<const hotline::v1::TicketState> state) {
  if (per_shard_ == 0) return;
  Shard& shard = ShardOf(state->ticket_id());
  absl::MutexLock lock(&shard.mu);
  auto it = shard.states.find(state->ticket_id());
  if (it != shard.states.end()) {
    if (it->second->version() < state->version()) it->second = std::move(state);
    return;
  }
  if (shard.states.size() >= per_shard_) shard.states.clear();
  const std::string& id = state->ticket_id();
  shard.states.emplace(id, std::move(state));
}

void TicketCache::Erase(absl::string_view ticket_id) {
  Shard& shard = ShardOf(ticket_id);
  absl::MutexLock lock(&shard.mu);
  shard.states.erase(ticket_id);
}

void TicketCache::Clear() {
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mu);
    shard.states.clear();
  }
}

}  // namespace hotline::engine
