// Deadline arithmetic of sla.md on the default calendar and across day,
// month, year and DST boundaries. Every expected instant is computed by hand.

#include "engine/working_calendar.h"

#include "engine/sla_policy.h"
#include "engine/time_util.h"
#include "gtest/gtest.h"

namespace hotline::engine {
namespace {

absl::Time At(const std::string& local, const std::string& zone = "Asia/Shanghai") {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(zone, &tz));
  auto t = ParseTime(local, tz);
  EXPECT_TRUE(t.ok()) << local;
  return *t;
}

const WorkingCalendar& Default() { return (*SlaPolicy::Default())->calendar(); }

TEST(WorkingCalendarTest, WorkingDaysAreMondayToFridayByDefault) {
  EXPECT_TRUE(Default().IsWorkingDay(absl::CivilDay(2022, 5, 27)));   // Friday
  EXPECT_FALSE(Default().IsWorkingDay(absl::CivilDay(2022, 5, 28)));  // Saturday
  EXPECT_FALSE(Default().IsWorkingDay(absl::CivilDay(2022, 5, 29)));  // Sunday
  EXPECT_TRUE(Default().IsWorkingDay(absl::CivilDay(2022, 5, 30)));   // Monday
}

TEST(WorkingCalendarTest, AddWorkingDaysCountsFromTheDayAfter) {
  // Any time of day counts from the next day: 00:00 of the day after the N-th.
  EXPECT_EQ(Default().AddWorkingDays(At("2022-06-01 00:00"), 1), At("2022-06-03 00:00"));
  EXPECT_EQ(Default().AddWorkingDays(At("2022-06-01 23:59"), 1), At("2022-06-03 00:00"));
  // Over a weekend: Fri -> Mon is the first.
  EXPECT_EQ(Default().AddWorkingDays(At("2022-05-27 16:00"), 1), At("2022-05-31 00:00"));
  // From a Saturday: Mon is the first.
  EXPECT_EQ(Default().AddWorkingDays(At("2022-05-28 10:00"), 1), At("2022-05-31 00:00"));
  // Month boundary: Thu 2022-06-30 + 2 -> Fri 07-01, Mon 07-04.
  EXPECT_EQ(Default().AddWorkingDays(At("2022-06-30 10:00"), 2), At("2022-07-05 00:00"));
  // Year boundary without holidays: Fri 2021-12-31 + 1 -> Mon 2022-01-03.
  EXPECT_EQ(Default().AddWorkingDays(At("2021-12-31 16:00"), 1), At("2022-01-04 00:00"));
}

TEST(WorkingCalendarTest, AddWorkingHoursWalksTheWorkingIntervals) {
  const WorkingCalendar& c = Default();  // [09:00,12:00) [13:30,17:30)
  EXPECT_EQ(c.AddWorkingHours(At("2022-06-01 09:00"), absl::Hours(2)), At("2022-06-01 11:00"));
  // Over lunch: 10:30 + 2 h = 1.5 h to noon, 0.5 h after 13:30.
  EXPECT_EQ(c.AddWorkingHours(At("2022-06-01 10:30"), absl::Hours(2)), At("2022-06-01 14:00"));
  // Starting at lunch, before opening, after closing, on a weekend.
  EXPECT_EQ(c.AddWorkingHours(At("2022-06-01 12:15"), absl::Hours(1)), At("2022-06-01 14:30"));
  EXPECT_EQ(c.AddWorkingHours(At("2022-06-01 07:00"), absl::Hours(1)), At("2022-06-01 10:00"));
  EXPECT_EQ(c.AddWorkingHours(At("2022-06-01 18:00"), absl::Hours(1)), At("2022-06-02 10:00"));
  EXPECT_EQ(c.AddWorkingHours(At("2022-06-04 10:00"), absl::Hours(1)), At("2022-06-06 10:00"));
  // Used up exactly at an interval's end: the instant it ends.
  EXPECT_EQ(c.AddWorkingHours(At("2022-06-01 09:00"), absl::Hours(3)), At("2022-06-01 12:00"));
  // A working day holds 7 hours: 8 hours from Fri 09:00 end Mon 10:00.
  EXPECT_EQ(c.AddWorkingHours(At("2022-06-03 09:00"), absl::Hours(8)), At("2022-06-06 10:00"));
  // Month and year boundaries.
  EXPECT_EQ(c.AddWorkingHours(At("2022-06-30 17:00"), absl::Hours(1)), At("2022-07-01 09:30"));
  EXPECT_EQ(c.AddWorkingHours(At("2021-12-31 17:00"), absl::Hours(1)), At("2022-01-03 09:30"));
  EXPECT_EQ(c.AddWorkingHours(At("2022-06-01 10:00"), absl::ZeroDuration()),
            At("2022-06-01 10:00"));
}

TEST(WorkingCalendarTest, WorkingHoursBetween) {
  const WorkingCalendar& c = Default();
  EXPECT_EQ(c.WorkingHoursBetween(At("2022-06-01 09:00"), At("2022-06-01 17:30")), absl::Hours(7));
  EXPECT_EQ(c.WorkingHoursBetween(At("2022-06-01 11:00"), At("2022-06-01 14:00")),
            absl::Minutes(90));
  // Fri 17:00 to Mon 09:30: half an hour each side of the weekend.
  EXPECT_EQ(c.WorkingHoursBetween(At("2022-06-03 17:00"), At("2022-06-06 09:30")), absl::Hours(1));
  EXPECT_EQ(c.WorkingHoursBetween(At("2022-06-02 10:00"), At("2022-06-01 10:00")),
            absl::ZeroDuration());
  // Inverse of AddWorkingHours.
  const absl::Time from = At("2022-06-01 10:45");
  EXPECT_EQ(c.WorkingHoursBetween(from, c.AddWorkingHours(from, absl::Hours(13))),
            absl::Hours(13));
}

TEST(WorkingCalendarTest, ExtendWorkingDaysCountsFromTheLastWorkingDayInside) {
  // Deadline Sat 2022-06-04 00:00: the last working day inside is Fri 06-03;
  // 2 more: Mon 06-06, Tue 06-07 -> Wed 06-08 00:00.
  EXPECT_EQ(Default().ExtendWorkingDays(At("2022-06-04 00:00"), 2), At("2022-06-08 00:00"));
  // A deadline after a weekend (Tue 00:00): inside is Mon.
  EXPECT_EQ(Default().ExtendWorkingDays(At("2022-06-07 00:00"), 1), At("2022-06-08 00:00"));
}

hotline::v1::Policy LosAngelesPolicy() {
  hotline::v1::Policy p;
  p.set_time_zone("America/Los_Angeles");
  // Working on the two DST Sundays of 2022, 01:00-04:00, to cross the jumps.
  p.add_extra_workdays("2022-03-13");
  p.add_extra_workdays("2022-11-06");
  auto* hours = p.add_work_hours();
  hours->set_start("01:00");
  hours->set_end("04:00");
  return p;
}

TEST(WorkingCalendarTest, DaylightSavingTimeBoundaries) {
  auto policy = SlaPolicy::Make(LosAngelesPolicy());
  ASSERT_TRUE(policy.ok()) << policy.status();
  const WorkingCalendar& c = (*policy)->calendar();
  const std::string la = "America/Los_Angeles";
  // Spring forward 2022-03-13 02:00 -> 03:00: the 01:00-04:00 interval holds
  // 2 real hours (09:00Z to 11:00Z).
  EXPECT_EQ(c.WorkingHoursBetween(At("2022-03-13 00:00", la), At("2022-03-14 00:00", la)),
            absl::Hours(2));
  EXPECT_EQ(c.AddWorkingHours(At("2022-03-13 01:00", la), absl::Hours(2)),
            At("2022-03-13T11:00:00Z", la));
  EXPECT_EQ(c.AddWorkingHours(At("2022-03-13 01:30", la), absl::Hours(1)),
            At("2022-03-13 03:30", la));
  // Fall back 2022-11-06 02:00 -> 01:00: the interval holds 4 real hours.
  EXPECT_EQ(c.WorkingHoursBetween(At("2022-11-06 00:00", la), At("2022-11-07 00:00", la)),
            absl::Hours(4));
  // Days: Fri 2022-03-11 + 1 -> Sun 03-13 (a working day here) -> Mon 00:00 PDT.
  EXPECT_EQ(c.AddWorkingDays(At("2022-03-11 16:00", la), 1), At("2022-03-14T07:00:00Z", la));
  // Sat 2022-11-05 + 1 -> Sun 11-06 -> Mon 11-07 00:00 PST (08:00Z).
  EXPECT_EQ(c.AddWorkingDays(At("2022-11-05 16:00", la), 1), At("2022-11-07T08:00:00Z", la));
}

TEST(SlaPolicyTest, DefaultsAndRuleMerging) {
  using hotline::v1::AppealType;
  using hotline::v1::Urgency;
  const SlaPolicy& d = **SlaPolicy::Default();
  EXPECT_EQ(d.AcceptWithin(Urgency::NORMAL), absl::Hours(4));
  EXPECT_EQ(d.AcceptWithin(Urgency::URGENT), absl::Hours(1));
  EXPECT_EQ(d.HandleWithinDays(AppealType::COMPLAINT, Urgency::NORMAL), 5);
  EXPECT_EQ(d.HandleWithinDays(AppealType::CONSULTATION, Urgency::NORMAL), 3);
  EXPECT_EQ(d.HandleWithinDays(AppealType::SUGGESTION, Urgency::NORMAL), 10);
  EXPECT_EQ(d.HandleWithinDays(AppealType::SUGGESTION, Urgency::URGENT), 1);
  EXPECT_EQ(d.ReviewWithin(), absl::Hours(8));
  EXPECT_EQ(d.RatingWithinDays(), 3);
  EXPECT_TRUE(d.RequireAccept());
  EXPECT_FALSE(d.RateDirectAnswers());
  EXPECT_EQ(d.MaxExtensions(), 1);
  EXPECT_EQ(d.MaxExtensionDays(), 10);
  EXPECT_EQ(d.ReopenWindowDays(), 15);

  hotline::v1::Policy p;
  auto* every_normal = p.add_handle_within_days();  // replaces "5 for all NORMAL"
  every_normal->set_urgency(Urgency::NORMAL);
  every_normal->set_days(7);
  auto* complaint = p.add_handle_within_days();
  complaint->set_appeal_type(AppealType::COMPLAINT);
  complaint->set_urgency(Urgency::NORMAL);
  complaint->set_days(4);
  auto* urgent = p.add_accept_within_hours();
  urgent->set_urgency(Urgency::URGENT);
  urgent->set_hours(2);
  auto made = SlaPolicy::Make(p);
  ASSERT_TRUE(made.ok());
  EXPECT_EQ((*made)->HandleWithinDays(AppealType::COMPLAINT, Urgency::NORMAL), 4);
  EXPECT_EQ((*made)->HandleWithinDays(AppealType::REPORT, Urgency::NORMAL), 7);
  EXPECT_EQ((*made)->HandleWithinDays(AppealType::CONSULTATION, Urgency::NORMAL), 3);
  EXPECT_EQ((*made)->HandleWithinDays(AppealType::REPORT, Urgency::URGENT), 1);
  EXPECT_EQ((*made)->AcceptWithin(Urgency::URGENT), absl::Hours(2));
  EXPECT_EQ((*made)->AcceptWithin(Urgency::NORMAL), absl::Hours(4));
}

// "Never" stays never, at either end (a walk from the last civil day would
// overflow; found by fuzz_policy).
TEST(WorkingCalendarTest, InfiniteInstantsStayInfinite) {
  EXPECT_EQ(Default().AddWorkingDays(absl::InfiniteFuture(), 3), absl::InfiniteFuture());
  EXPECT_EQ(Default().ExtendWorkingDays(absl::InfiniteFuture(), 3), absl::InfiniteFuture());
  EXPECT_EQ(Default().AddWorkingDays(absl::InfinitePast(), 3), absl::InfinitePast());
}

}  // namespace
}  // namespace hotline::engine
