// Engine::RebuildProjections: the ticket states, the timer index and the
// monthly statistics from the log alone.
//
// Two passes over the log run at once, one per core: this thread rebuilds
// the ticket states and the timer index, a second refolds the statistics
// (StatsProjection::Refold). Each reads and decodes the log itself; sharing
// one decode would serialize them.

#include <algorithm>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/container/node_hash_map.h"
#include "engine/engine.h"
#include "engine/event_codec.h"
#include "engine/evolve.h"
#include "engine/held_entries.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

using hotline::v1::TicketState;


// A ticket being rebuilt: its state, the timer entries stored for it (when
// an earlier write-back stored it), and the batch that last touched it.
struct Rebuilt {
  TicketState state;
  TimerIndexEntries written;
  uint64_t batch = 0;
};

}  // namespace

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
  // Tickets are held in memory and written when they leave it: at the end
  // of the first batch that did not touch them once closed, or of the
  // kHeldBatches-th batch without an event of theirs while open (open
  // tickets come back: a reply days after the dispatch). So a ticket is
  // written about once however many events it has, and memory is bounded by
  // the tickets of kHeldBatches batches. A ticket seen again after it was
  // written is read back; a stream's first event needs no read.
  const uint64_t total = log_->head().sequence;
  const uint64_t batch_events = std::max<uint64_t>(options_.rebuild_batch_events, 1);
  // Nodes, not a flat table: a held ticket is large, and a flat table's
  // empty slots would each take its size.
  absl::node_hash_map<std::string, Rebuilt> tickets;
  uint64_t batch = 1;
  auto write_back = [&](uint64_t through, bool all) -> absl::Status {
    std::vector<store::ExtraWrite> writes;
    // A closed ticket rarely comes back: it leaves after one batch.
    SweepHeld(&tickets, [&](const std::string& id, Rebuilt& t) {
      const bool closed = t.state.state() == hotline::v1::TicketStatus::CLOSED;
      if (!all && (t.batch == batch || (!closed && StaysHeld(t.batch, batch)))) return true;
      AppendTimerWrites(t.written, IndexEntries(t.state), &writes);
      writes.push_back({store::Family::kState, id, t.state.SerializeAsString()});
      return false;
    });
    ++batch;
    if (progress) progress(through, total);
    return log_->WriteCheckpoint(kRebuildingMark, 1, writes);
  };
  hotline::v1::EventEnvelope envelope;
  HOTLINE_RETURN_IF_ERROR(log_->Scan(1, total, [&](const store::Record& record) {
    if (record.stream_id.starts_with('$')) return absl::OkStatus();  // directory
    envelope.Clear();
    HOTLINE_RETURN_IF_ERROR(DecodeEvent(record, &envelope));
    auto [it, inserted] = tickets.try_emplace(record.stream_id);
    Rebuilt& t = it->second;
    if (inserted && record.stream_version > 1) {
      HOTLINE_ASSIGN_OR_RETURN(std::optional<TicketState> stored, LoadTicket(record.stream_id));
      if (!stored.has_value()) {
        return absl::DataLossError(absl::StrCat("event at sequence ", record.sequence,
                                                " continues ticket '", record.stream_id,
                                                "', whose earlier events were not rebuilt"));
      }
      t.written = IndexEntries(*stored);
      t.state = *std::move(stored);
    }
    Evolve(envelope, &t.state);
    t.batch = batch;
    if (record.sequence % batch_events == 0) return write_back(record.sequence, false);
    return absl::OkStatus();
  }));
  return write_back(total, true);
}

}  // namespace hotline::engine
