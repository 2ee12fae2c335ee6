#include "engine/working_calendar.h"

#include <algorithm>

namespace hotline::engine {
namespace {
// Bounds every walk: a calendar with no working time for ten years yields
// InfiniteFuture rather than a hang.
constexpr int kMaxDaysWalked = 3660;
}  // namespace

WorkingCalendar::WorkingCalendar(absl::TimeZone zone,
                                 std::vector<Interval> intervals,
                                 absl::flat_hash_set<absl::CivilDay> holidays,
                                 absl::flat_hash_set<absl::CivilDay> extra_workdays)
    : zone_(zone),
      intervals_(std::move(intervals)),
      holidays_(std::move(holidays)),
      extra_workdays_(std::move(extra_workdays)) {}

absl::CivilDay WorkingCalendar::LocalDay(absl::Time t) const {
  return absl::ToCivilDay(t, zone_);
}

bool WorkingCalendar::IsWorkingDay(absl::CivilDay day) const {
  if (extra_workdays_.contains(day)) return true;
  const absl::Weekday w = absl::GetWeekday(day);
  if (w == absl::Weekday::saturday || w == absl::Weekday::sunday) return false;
  return !holidays_.contains(day);
}

absl::Time WorkingCalendar::ToInstant(absl::CivilSecond local) const {
  const absl::TimeZone::TimeInfo info = zone_.At(local);
  // A local time skipped by a DST jump maps to the instant of the jump; a
  // repeated one to its first occurrence.
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

absl::Time WorkingCalendar::StartOfDay(absl::CivilDay day) const {
  return ToInstant(absl::CivilSecond(day));
}

absl::Time WorkingCalendar::AddWorkingDays(absl::Time t, int n) const {
  // "Never" stays never (a civil day past the last one would overflow).
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return t;
  absl::CivilDay day = LocalDay(t);
  for (int walked = 0; n > 0; ++walked) {
    if (walked > kMaxDaysWalked) return absl::InfiniteFuture();
    ++day;
    if (IsWorkingDay(day)) --n;
  }
  return StartOfDay(day + 1);
}

template <typename Visit>
void WorkingCalendar::ForEachInterval(absl::Time from, Visit visit) const {
  absl::CivilDay day = LocalDay(from);
  for (int walked = 0; walked <= kMaxDaysWalked; ++walked, ++day) {
    if (!IsWorkingDay(day)) continue;
    const absl::CivilMinute midnight(day);
    for (const Interval& i : intervals_) {
      const absl::Time start = ToInstant(midnight + i.start_minute);
      const absl::Time end = ToInstant(midnight + i.end_minute);
      if (end <= from) continue;
      if (!visit(std::max(start, from), end)) return;
    }
  }
}

absl::Time WorkingCalendar::AddWorkingHours(absl::Time t,
                                            absl::Duration hours) const {
  if (hours <= absl::ZeroDuration()) return t;
  absl::Time result = absl::InfiniteFuture();
  absl::Duration left = hours;
  ForEachInterval(t, [&](absl::Time start, absl::Time end) {
    if (end - start >= left) {
      result = start + left;
      return false;
    }
    left -= end - start;
    return true;
  });
  return result;
}

absl::Duration WorkingCalendar::WorkingHoursBetween(absl::Time from,
                                                    absl::Time to) const {
  absl::Duration total;
  if (to <= from) return total;
  ForEachInterval(from, [&](absl::Time start, absl::Time end) {
    if (start >= to) return false;
    total += std::min(end, to) - start;
    return true;
  });
  return total;
}

absl::Time WorkingCalendar::ExtendWorkingDays(absl::Time deadline, int n) const {
  if (deadline == absl::InfiniteFuture() || deadline == absl::InfinitePast()) return deadline;
  // The last working day whose start lies before the deadline.
  absl::CivilDay day = LocalDay(deadline);
  if (StartOfDay(day) >= deadline) --day;
  for (int walked = 0; !IsWorkingDay(day); ++walked, --day) {
    if (walked > kMaxDaysWalked) return absl::InfiniteFuture();
  }
  return AddWorkingDays(StartOfDay(day), n);
}

}  // namespace hotline::engine
