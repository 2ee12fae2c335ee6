#ifndef HOTLINE_ENGINE_STATS_PROJECTION_H_
#define HOTLINE_ENGINE_STATS_PROJECTION_H_

// The maintained monthly statistics: per month and row, the counters of the
// report as of the month's end, kept in the store's `projections` family and
// advanced from a checkpoint by folding the events committed since
// (FoldStatsEvent, the same fold the report from the log uses).
//
// Keys (projections family):
//   stats/zone                      the time zone months are taken in
//   stats/m/YYYY-MM/<kind><key>     a row's counters, 8-byte big-endian each
//   stats/t/<ticket id>             the ticket's StatsTrack
// Checkpoint: "stats" (meta family), the last log position folded in.
//
// overdue_open is split: months a ticket's owing interval has ended past are
// counted here; tickets owing now are counted when a report is made, from
// the timer index (they are few), so an open month needs no rewriting.
//
// Thread safety: all methods may be called concurrently (one mutex).

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "engine/stats_fold.h"
#include "hotline/v1/stats.pb.h"
#include "store/event_log.h"

namespace hotline::engine {

class StatsProjection {
 public:
  // The name of its checkpoint (EventLog::ReadCheckpoint): the log position
  // saved with the folded statistics.
  static constexpr char kCheckpoint[] = "stats";

  // Folds and writes `batch_events` events at a time (at least 1).
  StatsProjection(store::EventLog* log, uint64_t batch_events)
      : log_(log), batch_events_(std::max<uint64_t>(batch_events, 1)) {}

  // Folds every event after the checkpoint up to the head, with months taken
  // in `zone`. On a writable log the result is persisted (with the new
  // checkpoint) in batches; otherwise it is kept in memory on top of what is
  // stored. When the stored zone differs from `zone` the projection is
  // thrown away and refolded from the start (writable logs only; read-only
  // ones report FAILED_PRECONDITION, and callers fall back to the log).
  absl::Status CatchUp(absl::TimeZone zone);

  // Throws the projection away and refolds the whole log in `zone` now, for
  // Engine::RebuildProjections. Faster than Reset + CatchUp: a ticket's
  // record is written once, after its last event, not with every batch;
  // memory holds the tickets in flight. Until it returns OK the stored
  // records are incomplete and the checkpoint 0, which only a rebuild (its
  // store marked incomplete meanwhile) may allow.
  absl::Status Refold(absl::TimeZone zone);

  // The log position folded in so far.
  uint64_t position() const;

  // A month's rows: counters as of the month's end, overdue_open only for
  // intervals already ended.
  absl::StatusOr<std::map<RowKey, Counters>> MonthRows(absl::CivilMonth month) const;

  // Refolds the log from the start up to the checkpoint and compares every
  // stored row and ticket record with the result. Returns one line per
  // difference, naming month, row and counter; empty when they agree.
  absl::StatusOr<std::vector<std::string>> Verify(absl::TimeZone zone) const;

 private:
  // A ticket's record while a catch-up holds it: `dirty` until stored,
  // `batch` the last batch that folded an event of it.
  struct HeldTrack {
    hotline::v1::StatsTrack track;
    uint64_t batch = 0;
    bool dirty = false;
  };
  // Counter deltas not yet stored, and the ticket records held in memory.
  struct Pending {
    std::map<std::pair<absl::CivilMonth, RowKey>, Counters> rows;  // (month, row)
    absl::node_hash_map<std::string, HeldTrack> tracks;  // nodes: see engine_rebuild.cc
    uint64_t batch = 0;  // the batch being folded
  };
  class Sink;

  // Folds (from, through] into `pending`, reading ticket records missing
  // from it through `load`.
  absl::Status Fold(uint64_t from, uint64_t through, absl::TimeZone zone, Pending* pending,
                    bool load_stored) const;
  // Folds (from, head] in batches, storing each.
  absl::Status FoldAndStore(uint64_t from, uint64_t head, absl::TimeZone zone, Pending* pending)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status ResetLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Stores the rows and the records due (all of them when `last`) with the
  // checkpoint `through`.
  absl::Status Flush(uint64_t through, const std::string& zone_name, bool last,
                     Pending* pending) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  store::EventLog* log_;
  const uint64_t batch_events_;
  mutable absl::Mutex mu_;
  // Read-only and secondary logs: (memory_base_, memory_position_] folded,
  // not stored, on top of the stored projection at checkpoint memory_base_.
  Pending memory_ ABSL_GUARDED_BY(mu_);
  uint64_t memory_base_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t memory_position_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_STATS_PROJECTION_H_
