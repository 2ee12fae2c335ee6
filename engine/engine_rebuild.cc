// Engine::RebuildProjections: the ticket states, the timer index and the
// monthly statistics from the log alone.
//
// Two passes over the log run at once, one per core: this thread rebuilds
// the ticket states and the timer index, a second refolds the statistics
// (StatsProjection::Refold). Each reads and decodes the log itself; sharing
// one decode would serialize them.

#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "engine/engine.h"
#include "engine/evolve.h"
#include "engine/ticket_streams_fold.h"
#include "store/status_macros.h"

namespace hotline::engine {

using hotline::v1::TicketState;

absl::Status Engine::RebuildProjections(
    const std::function<void(uint64_t, uint64_t)>& progress) {
  if (options_.mode != store::OpenMode::kReadWrite) {
    return absl::FailedPreconditionError("the engine is open read-only");
  }
  if (rebuilding_.exchange(true)) {
    return absl::FailedPreconditionError("a rebuild or an import is running already");
  }
  absl::Cleanup done = [this] { rebuilding_ = false; };
  return Rebuild(progress);
}

absl::Status Engine::Rebuild(const std::function<void(uint64_t, uint64_t)>& progress) {
  HOTLINE_RETURN_IF_ERROR(MarkProjectionsIncomplete());
  ticket_cache_.Clear();
  HOTLINE_RETURN_IF_ERROR(log_->ClearFamily(store::Family::kState, ""));
  HOTLINE_RETURN_IF_ERROR(log_->ClearFamily(store::Family::kProjections, kOpenTimerPrefix));
  HOTLINE_RETURN_IF_ERROR(log_->ClearFamily(store::Family::kProjections, kDueTimerPrefix));
  absl::Status statistics;
  std::thread refold([this, &statistics] {
    statistics = stats_->Refold(directory()->policy().calendar().zone());
  });
  absl::Status tickets = RebuildTicketStates(progress);
  refold.join();
  HOTLINE_RETURN_IF_ERROR(tickets);
  HOTLINE_RETURN_IF_ERROR(statistics);
  HOTLINE_RETURN_IF_ERROR(log_->WriteCheckpoint(kRebuildingMark, 0, {}));
  HOTLINE_RETURN_IF_ERROR(log_->SyncWal());
  projections_incomplete_ = false;
  return absl::OkStatus();
}

absl::Status Engine::MarkProjectionsIncomplete() {
  {
    // Commands and firings in flight finish first; later ones see the mark.
    absl::WriterMutexLock no_commands(&commands_mu_);
    projections_incomplete_ = true;
  }
  HOTLINE_RETURN_IF_ERROR(log_->WriteCheckpoint(kRebuildingMark, 1, {}));
  return log_->SyncWal();
}

absl::Status Engine::LoadRebuildMark() {
  HOTLINE_ASSIGN_OR_RETURN(uint64_t importing, log_->ReadCheckpoint(kImportingMark));
  if (importing != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "an import into ", path_, " was interrupted: it holds only part of the file; "
        "delete the directory and import again"));
  }
  HOTLINE_ASSIGN_OR_RETURN(uint64_t rebuilding, log_->ReadCheckpoint(kRebuildingMark));
  projections_incomplete_ = rebuilding != 0;
  return absl::OkStatus();
}

absl::Status Engine::RebuildTicketStates(
    const std::function<void(uint64_t, uint64_t)>& progress) {
  // A ticket is written once, at its last event (FoldTicketStreams): no
  // ticket is read back, and memory holds the tickets in flight. Writes go
  // out every batch_events events, with the rebuilding mark.
  const uint64_t total = log_->head().sequence;
  const uint64_t batch_events = std::max<uint64_t>(options_.rebuild_batch_events, 1);
  uint64_t next_write = batch_events;
  std::vector<store::ExtraWrite> writes;
  HOTLINE_RETURN_IF_ERROR(FoldTicketStreams<TicketState>(
      *log_, total,
      [&](const store::Record& record, const hotline::v1::EventEnvelope& event,
          TicketState* state) -> absl::Status {
        Evolve(event, state);
        if (record.sequence < next_write) return absl::OkStatus();
        next_write = record.sequence + batch_events;
        if (progress) progress(record.sequence, total);
        return log_->WriteCheckpoint(kRebuildingMark, 1, std::exchange(writes, {}));
      },
      [&](const std::string& id, TicketState* state) {
        AppendTimerWrites({}, IndexEntries(*state), &writes);
        writes.push_back({store::Family::kState, id, state->SerializeAsString()});
        return absl::OkStatus();
      }));
  if (progress) progress(total, total);
  return log_->WriteCheckpoint(kRebuildingMark, 1, writes);
}

}  // namespace hotline::engine
