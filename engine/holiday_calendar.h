#ifndef HOTLINE_ENGINE_HOLIDAY_CALENDAR_H_
#define HOTLINE_ENGINE_HOLIDAY_CALENDAR_H_

// Loading a HolidayCalendar file and merging it into a Policy. Shipped
// calendars: engine/calendars/ (installed under share/hotline/calendars).

#include <string>

#include "absl/status/statusor.h"
#include "hotline/v1/calendar.pb.h"
#include "hotline/v1/policy.pb.h"

namespace hotline::engine {

// Reads a HolidayCalendar from a JSON file. NOT_FOUND when the file cannot
// be read; INVALID_ARGUMENT naming the file when it does not parse or a date
// is malformed.
absl::StatusOr<hotline::v1::HolidayCalendar> LoadHolidayCalendar(const std::string& path);

// Parses a HolidayCalendar from JSON text; INVALID_ARGUMENT names `source`.
absl::StatusOr<hotline::v1::HolidayCalendar> ParseHolidayCalendar(const std::string& json,
                                                                  const std::string& source);

// The shipped calendar of China's holidays and adjusted working days
// (engine/calendars/china.json, built into the library).
const hotline::v1::HolidayCalendar& ChinaHolidayCalendar();

// Adds the calendar's holidays and extra working days to `policy` (union,
// sorted, without repeats) and sets its time zone when it has none.
// FAILED_PRECONDITION when the policy names another time zone.
absl::Status MergeHolidayCalendar(const hotline::v1::HolidayCalendar& calendar,
                                  hotline::v1::Policy* policy);

// Reads a Policy from a JSON file (the JSON of sla.md). NOT_FOUND /
// INVALID_ARGUMENT as above.
absl::StatusOr<hotline::v1::Policy> LoadPolicyFile(const std::string& path);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_HOLIDAY_CALENDAR_H_
