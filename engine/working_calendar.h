#ifndef HOTLINE_ENGINE_WORKING_CALENDAR_H_
#define HOTLINE_ENGINE_WORKING_CALENDAR_H_

// The working calendar of sla.md: which local days are working days, which
// hours of them are working time, and the deadline arithmetic on top.
//
// Pure and deterministic: no clock, no environment; the same calendar and
// inputs give the same instants on any machine. Immutable after
// construction, so safe to share between threads.

#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace hotline::engine {

class WorkingCalendar {
 public:
  // One working interval of a working day: [start, end) in minutes after
  // local midnight, 0 <= start < end <= 1440.
  struct Interval {
    int start_minute;
    int end_minute;
  };

  // `intervals` must be sorted and disjoint (the policy validator ensures
  // it). A working day is Mon-Fri not in `holidays`, or any day in
  // `extra_workdays`.
  WorkingCalendar(absl::TimeZone zone, std::vector<Interval> intervals,
                  absl::flat_hash_set<absl::CivilDay> holidays,
                  absl::flat_hash_set<absl::CivilDay> extra_workdays);

  absl::TimeZone zone() const { return zone_; }
  absl::CivilDay LocalDay(absl::Time t) const;
  bool IsWorkingDay(absl::CivilDay day) const;

  // N working days from `t` (n >= 1): 00:00 local of the day after the n-th
  // working day strictly after t's local date.
  absl::Time AddWorkingDays(absl::Time t, int n) const;

  // Walks working time forward from `t` (from the next interval's start when
  // t is outside working time) and returns the instant `hours` of it are
  // used up. Zero hours returns t.
  absl::Time AddWorkingHours(absl::Time t, absl::Duration hours) const;

  // Working time in [from, to); zero when to <= from.
  absl::Duration WorkingHoursBetween(absl::Time from, absl::Time to) const;

  // An extension of n working days to a handle deadline made by
  // AddWorkingDays: n working days counted from the last working day before
  // `deadline`.
  absl::Time ExtendWorkingDays(absl::Time deadline, int n) const;

 private:
  absl::Time ToInstant(absl::CivilSecond local) const;
  absl::Time StartOfDay(absl::CivilDay day) const;
  // Calls visit(start, end) for each working interval from the day of
  // `from` on, until visit returns false.
  template <typename Visit>
  void ForEachInterval(absl::Time from, Visit visit) const;

  absl::TimeZone zone_;
  std::vector<Interval> intervals_;
  absl::flat_hash_set<absl::CivilDay> holidays_;
  absl::flat_hash_set<absl::CivilDay> extra_workdays_;
};

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_WORKING_CALENDAR_H_
