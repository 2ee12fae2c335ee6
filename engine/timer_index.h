#ifndef HOTLINE_ENGINE_TIMER_INDEX_H_
#define HOTLINE_ENGINE_TIMER_INDEX_H_

// The SLA timer index (sla.md, "Timers"): a projection in the store's
// `projections` family, ordered by deadline instant, written in the same
// batch as the events that open or close the obligations it lists, so it
// never disagrees with the tickets' states.
//
// Two key spaces, both derived from a ticket's state alone:
//   "open/"  every deadline a ticket currently owes (accept, handle, review,
//            rating), fired or not: what is overdue or due soon.
//   "due/"   those not yet reported missed: what FireDueTimers must fire.
// Key: prefix, deadline (8-byte big-endian microseconds since 1970, offset
// by 2^63 so earlier instants sort first), kind (1 byte), ticket id.
// Value: the lead unit owing the deadline (empty for the centre).

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "hotline/v1/enums.pb.h"
#include "hotline/v1/state.pb.h"
#include "store/event_log.h"

namespace hotline::engine {

inline constexpr char kOpenTimerPrefix[] = "open/";
inline constexpr char kDueTimerPrefix[] = "due/";

// One deadline a ticket owes.
struct Obligation {
  hotline::v1::DeadlineKind::Value kind;
  absl::Time deadline;
  bool fired;  // a DeadlineMissed for it is already in the log
};

// An entry of the index.
struct TimerEntry {
  std::string ticket_id;
  hotline::v1::DeadlineKind::Value kind;
  absl::Time deadline;
  std::string lead_unit;
};

// The deadlines `state` owes: ACCEPT while DISPATCHED, HANDLE while the lead
// unit owes a reply (DISPATCHED, IN_PROGRESS, RETURN_REQUESTED), REVIEW while
// REPLIED, RATING while AWAITING_RATING.
std::vector<Obligation> Obligations(const hotline::v1::TicketState& state);

// The index entries (key, lead unit) of a ticket in `state`, sorted by key:
// an `open/` entry per obligation, a `due/` entry per obligation not yet
// reported missed.
using TimerIndexEntries = std::vector<std::pair<std::string, std::string>>;
TimerIndexEntries IndexEntries(const hotline::v1::TicketState& state);

// Appends to `writes` what turns the index entries `before` into `after`.
void AppendTimerWrites(const TimerIndexEntries& before, const TimerIndexEntries& after,
                       std::vector<store::ExtraWrite>* writes);

// The same for the entries of ticket states `before` (nullptr for a new
// ticket) and `after`.
void AppendTimerWrites(const hotline::v1::TicketState* before,
                       const hotline::v1::TicketState& after,
                       std::vector<store::ExtraWrite>* writes);

// The index key of an entry; TimerKeyBound(prefix, t) sorts before every key
// of `prefix` whose deadline is >= t and after those before t.
std::string TimerKey(absl::string_view prefix, absl::Time deadline,
                     hotline::v1::DeadlineKind::Value kind, absl::string_view ticket_id);
std::string TimerKeyBound(absl::string_view prefix, absl::Time t);

// Calls `visit` for each entry of `prefix` with from <= deadline < to, in
// deadline order; O(log n + k) in the index size. DATA_LOSS for a malformed
// key.
absl::Status ScanTimers(const store::EventLog& log, absl::string_view prefix,
                        absl::Time from, absl::Time to, size_t limit,
                        std::vector<TimerEntry>* out);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_TIMER_INDEX_H_
