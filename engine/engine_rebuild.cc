// Engine::RebuildProjections: the ticket states, the timer index and the
// monthly statistics from the log alone.

#include "absl/container/flat_hash_map.h"
#include "engine/engine.h"
#include "engine/event_codec.h"
#include "engine/evolve.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

using hotline::v1::TicketState;

// Events applied between two writes of the rebuilt states; bounds memory by
// the tickets one batch touches.
constexpr uint64_t kBatchEvents = 20000;
constexpr char kCheckpointName[] = "tickets";

struct Touched {
  std::optional<TicketState> before;  // as written by an earlier batch
  TicketState after;
};

}  // namespace

absl::Status Engine::RebuildProjections(
    const std::function<void(uint64_t, uint64_t)>& progress) {
  if (options_.mode != store::OpenMode::kReadWrite) {
    return absl::FailedPreconditionError("the engine is open read-only");
  }
  ticket_cache_.Clear();
  HOTLINE_RETURN_IF_ERROR(log_->ClearFamily(store::Family::kState, ""));
  HOTLINE_RETURN_IF_ERROR(log_->ClearFamily(store::Family::kProjections, kOpenTimerPrefix));
  HOTLINE_RETURN_IF_ERROR(log_->ClearFamily(store::Family::kProjections, kDueTimerPrefix));

  const uint64_t total = log_->head().sequence;
  absl::flat_hash_map<std::string, Touched> touched;
  auto flush = [&](uint64_t through) -> absl::Status {
    std::vector<store::ExtraWrite> writes;
    for (auto& [id, t] : touched) {
      AppendTimerWrites(t.before ? &*t.before : nullptr, t.after, &writes);
      writes.push_back({store::Family::kState, id, t.after.SerializeAsString()});
    }
    touched.clear();
    if (progress) progress(through, total);
    return log_->WriteCheckpoint(kCheckpointName, through, writes);
  };
  hotline::v1::EventEnvelope envelope;
  HOTLINE_RETURN_IF_ERROR(log_->Scan(1, total, [&](const store::Record& record) {
    if (record.stream_id.starts_with('$')) return absl::OkStatus();  // directory
    envelope.Clear();
    HOTLINE_RETURN_IF_ERROR(DecodeEvent(record, &envelope));
    auto [it, inserted] = touched.try_emplace(record.stream_id);
    if (inserted) {
      HOTLINE_ASSIGN_OR_RETURN(it->second.before, LoadTicket(record.stream_id));
      it->second.after = it->second.before.value_or(TicketState());
    }
    Evolve(envelope, &it->second.after);
    if (record.sequence % kBatchEvents == 0) return flush(record.sequence);
    return absl::OkStatus();
  }));
  HOTLINE_RETURN_IF_ERROR(flush(total));
  // The statistics: thrown away and refolded from the start.
  HOTLINE_RETURN_IF_ERROR(stats_->Reset());
  return CatchUpStatistics();
}

}  // namespace hotline::engine
