#ifndef HOTLINE_ENGINE_STATS_FOLD_H_
#define HOTLINE_ENGINE_STATS_FOLD_H_

// What each event contributes to the monthly statistics of metrics.md. One
// pure function shared by every way a report is made (from the log, by the
// maintained projection), so that they cannot disagree on a definition.

#include <array>
#include <cstdint>
#include <string>
#include <tuple>

#include "absl/time/time.h"
#include "hotline/v1/events.pb.h"
#include "hotline/v1/stats.pb.h"

namespace hotline::engine {

// The counters of metrics.md in the order the report prints them, then one
// the report does not print: the denominator of the response rate.
enum Counter : int {
  kReceived,
  kAnsweredDirectly,
  kDispatched,
  kAcceptedOnTime,
  kReturned,
  kCompleted,
  kCompletedOnTime,
  kOverdueOpen,
  kExtensionsApproved,
  kUrged,
  kReopened,
  kRated,
  kUnreachable,
  kSatisfied,
  kBasicallySatisfied,
  kDissatisfied,
  kResolved,
  kHandleMillisSum,  // printed as handle_hours_sum
  kDispatchedRequiringAccept,
  kCounterCount,
};

using Counters = std::array<int64_t, kCounterCount>;

// The counter's name in the report's JSON ("handle_hours_sum" for
// kHandleMillisSum, which the report prints in hours).
const char* CounterName(Counter counter);

// The rows of a report a contribution lands in.
enum class RowKind : int { kTotal, kCentre, kUnit, kCategory, kAppealType, kChannel };

struct RowKey {
  RowKind kind;
  std::string key;  // unit id, category, appeal type or channel name
  bool operator<(const RowKey& o) const { return std::tie(kind, key) < std::tie(o.kind, o.key); }
  bool operator==(const RowKey& o) const { return kind == o.kind && key == o.key; }
};

// Receives contributions as events are folded.
class StatsSink {
 public:
  virtual ~StatsSink() = default;
  // `delta` of `counter` in `row`, for the month containing `anchor` (the
  // event's own `at`, or for accepted_on_time the dispatch's), counted when
  // `at` (the event's own time) is before the report's as_of.
  virtual void Add(absl::Time anchor, absl::Time at, const RowKey& row, Counter counter,
                   int64_t delta) = 0;
  // The lead unit `unit` owed a reply with `deadline` in force for every
  // snapshot instant S with from < S <= to: the ticket is overdue_open at S
  // when deadline < S.
  virtual void Owed(const std::string& unit, absl::Time from, absl::Time to,
                    absl::Time deadline) = 0;
};

// Folds one event of a ticket stream (events of `$` streams are ignored) into
// `track`, the ticket's statistics state, reporting contributions to `sink`.
void FoldStatsEvent(const hotline::v1::EventEnvelope& event, hotline::v1::StatsTrack* track,
                    StatsSink* sink);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_STATS_FOLD_H_
