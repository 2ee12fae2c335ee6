// The shipped calendar of China's holidays (engine/calendars/china.json):
// it is exactly what the converter makes of ../shared/data/holidays-cn, and
// every 2022 holiday block and 调休 working day of 2022.json behaves as the
// State Council notice says (dates written out here by hand from the file).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/holiday_calendar.h"
#include "engine/sla_policy.h"
#include "engine/time_util.h"
#include "gtest/gtest.h"

namespace hotline::engine {
namespace {

const std::string kShipped = std::string(HOTLINE_SOURCE_DIR) + "/engine/calendars/china.json";

absl::Time At(const std::string& local) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &tz));
  return *ParseTime(local, tz);
}

std::shared_ptr<const SlaPolicy> ChinaPolicy() {
  auto calendar = LoadHolidayCalendar(kShipped);
  EXPECT_TRUE(calendar.ok()) << calendar.status();
  hotline::v1::Policy policy;
  EXPECT_TRUE(MergeHolidayCalendar(*calendar, &policy).ok());
  auto made = SlaPolicy::Make(policy);
  EXPECT_TRUE(made.ok()) << made.status();
  return *made;
}

TEST(ChinaCalendarTest, ShippedFileIsTheConversionOfTheSharedData) {
  const std::string shared = std::string(HOTLINE_SOURCE_DIR) + "/../shared/data/holidays-cn";
  if (!std::filesystem::exists(shared)) GTEST_SKIP() << "no " << shared;
  std::string command = std::string(HOTLINE_CALENDAR_TOOL);
  for (int year = 2020; year <= 2026; ++year) {
    command += " " + shared + "/" + std::to_string(year) + ".json";
  }
  FILE* pipe = popen(command.c_str(), "r");
  std::string made;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) made.append(buf, n);
  ASSERT_EQ(pclose(pipe), 0);
  std::ifstream in(kShipped);
  std::stringstream shipped;
  shipped << in.rdbuf();
  EXPECT_EQ(made, shipped.str()) << "regenerate engine/calendars/china.json (docs/sla.md)";
}

TEST(ChinaCalendarTest, BuiltInCopyEqualsTheShippedFile) {
  auto file = LoadHolidayCalendar(kShipped);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(ChinaHolidayCalendar().SerializeAsString(), file->SerializeAsString());
  EXPECT_EQ(ChinaHolidayCalendar().years_size(), 7);
}

TEST(ChinaCalendarTest, Every2022HolidayAndAdjustedWorkingDay) {
  const auto policy = ChinaPolicy();
  const WorkingCalendar& c = policy->calendar();
  // isOffDay true in 2022.json, by block.
  auto day = [](const char* text) {
    absl::CivilDay d;
    EXPECT_TRUE(absl::ParseCivilTime(text, &d)) << text;
    return d;
  };
  // isOffDay true in 2022.json, by block.
  for (const char* d : {"2022-01-01", "2022-01-02", "2022-01-03",                // 元旦
                        "2022-01-31", "2022-02-01", "2022-02-02", "2022-02-03",
                        "2022-02-04", "2022-02-05", "2022-02-06",                // 春节
                        "2022-04-03", "2022-04-04", "2022-04-05",                // 清明节
                        "2022-04-30", "2022-05-01", "2022-05-02", "2022-05-03",
                        "2022-05-04",                                            // 劳动节
                        "2022-06-03", "2022-06-04", "2022-06-05",                // 端午节
                        "2022-09-10", "2022-09-11", "2022-09-12",                // 中秋节
                        "2022-10-01", "2022-10-02", "2022-10-03", "2022-10-04",
                        "2022-10-05", "2022-10-06", "2022-10-07"}) {             // 国庆节
    EXPECT_FALSE(c.IsWorkingDay(day(d))) << d;
  }
  // isOffDay false: weekend days worked (调休).
  for (const char* d : {"2022-01-29", "2022-01-30", "2022-04-02", "2022-04-24",
                        "2022-05-07", "2022-10-08", "2022-10-09"}) {
    EXPECT_TRUE(c.IsWorkingDay(day(d))) << d;
  }
  EXPECT_TRUE(c.IsWorkingDay(absl::CivilDay(2022, 6, 6)));
  EXPECT_FALSE(c.IsWorkingDay(absl::CivilDay(2022, 6, 11)));  // an ordinary Saturday
}

TEST(ChinaCalendarTest, DeadlinesAcrossEvery2022Block) {
  const auto policy = ChinaPolicy();
  const WorkingCalendar& c = policy->calendar();
  // sla.md's worked example: Fri 05-27 16:00 + 5 -> 05-30 .. 06-02, 06-06.
  EXPECT_EQ(c.AddWorkingDays(At("2022-05-27 16:00"), 5), At("2022-06-07 00:00"));
  EXPECT_EQ(c.AddWorkingDays(At("2022-06-02 16:00"), 1), At("2022-06-07 00:00"));
  // 元旦 (Sat-Mon): Fri 2021-12-31 + 1 -> Tue 01-04.
  EXPECT_EQ(c.AddWorkingDays(At("2021-12-31 16:00"), 1), At("2022-01-05 00:00"));
  // 春节, worked Sat 01-29 and Sun 01-30, off 01-31 .. 02-06.
  EXPECT_EQ(c.AddWorkingDays(At("2022-01-28 16:00"), 1), At("2022-01-30 00:00"));
  EXPECT_EQ(c.AddWorkingDays(At("2022-01-28 16:00"), 3), At("2022-02-08 00:00"));
  // 清明节, worked Sat 04-02, off 04-03 .. 04-05.
  EXPECT_EQ(c.AddWorkingDays(At("2022-04-01 16:00"), 1), At("2022-04-03 00:00"));
  EXPECT_EQ(c.AddWorkingDays(At("2022-04-01 16:00"), 2), At("2022-04-07 00:00"));
  // 劳动节, worked Sun 04-24 and Sat 05-07, off 04-30 .. 05-04.
  EXPECT_EQ(c.AddWorkingDays(At("2022-04-22 16:00"), 1), At("2022-04-25 00:00"));
  EXPECT_EQ(c.AddWorkingDays(At("2022-04-29 16:00"), 1), At("2022-05-06 00:00"));
  EXPECT_EQ(c.AddWorkingDays(At("2022-04-29 16:00"), 3), At("2022-05-08 00:00"));
  // 中秋节 (Sat-Mon): Fri 09-09 + 1 -> Tue 09-13.
  EXPECT_EQ(c.AddWorkingDays(At("2022-09-09 16:00"), 1), At("2022-09-14 00:00"));
  // 国庆节, off 10-01 .. 10-07, worked Sat 10-08 and Sun 10-09.
  EXPECT_EQ(c.AddWorkingDays(At("2022-09-30 16:00"), 1), At("2022-10-09 00:00"));
  EXPECT_EQ(c.AddWorkingDays(At("2022-09-30 16:00"), 3), At("2022-10-11 00:00"));
  // Working hours skip a block too: Thu 06-02 16:00 + 4 h -> Mon 06-06 11:30.
  EXPECT_EQ(c.AddWorkingHours(At("2022-06-02 16:00"), absl::Hours(4)), At("2022-06-06 11:30"));
  // ... and run on an adjusted working Saturday: Fri 09-30 15:00 + 4 h -> 10-08 10:30.
  EXPECT_EQ(c.AddWorkingHours(At("2022-09-30 15:00"), absl::Hours(4)), At("2022-10-08 10:30"));
}

}  // namespace
}  // namespace hotline::engine
