#include "engine/holiday_calendar.h"

#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/util/json_util.h"

namespace hotline::engine {

// engine/calendars/china.json, embedded at build time (china_calendar_data.cc).
extern const char kChinaCalendarJson[];

namespace {

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Status ParseJson(const std::string& json, const std::string& source,
                       google::protobuf::Message* out) {
  const auto status = google::protobuf::util::JsonStringToMessage(json, out);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": ", std::string(status.message())));
  }
  return absl::OkStatus();
}

absl::Status ParseJsonFile(const std::string& path, google::protobuf::Message* out) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseJson(*text, path, out);
}

absl::Status CheckDates(const std::string& path, const char* field,
                        const google::protobuf::RepeatedPtrField<std::string>& dates) {
  for (int i = 0; i < dates.size(); ++i) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(dates[i], &day)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", field, "[", i, "]: '", dates[i], "' is not YYYY-MM-DD"));
    }
  }
  return absl::OkStatus();
}

void MergeDates(const google::protobuf::RepeatedPtrField<std::string>& add,
                google::protobuf::RepeatedPtrField<std::string>* into) {
  std::set<std::string> all(into->begin(), into->end());
  all.insert(add.begin(), add.end());
  into->Clear();
  for (const std::string& d : all) *into->Add() = d;
}

}  // namespace

absl::StatusOr<hotline::v1::HolidayCalendar> ParseHolidayCalendar(const std::string& json,
                                                                  const std::string& source) {
  hotline::v1::HolidayCalendar calendar;
  if (absl::Status s = ParseJson(json, source, &calendar); !s.ok()) return s;
  if (absl::Status s = CheckDates(source, "holidays", calendar.holidays()); !s.ok()) return s;
  if (absl::Status s = CheckDates(source, "extraWorkdays", calendar.extra_workdays()); !s.ok()) {
    return s;
  }
  return calendar;
}

absl::StatusOr<hotline::v1::HolidayCalendar> LoadHolidayCalendar(const std::string& path) {
  auto text = ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseHolidayCalendar(*text, path);
}

const hotline::v1::HolidayCalendar& ChinaHolidayCalendar() {
  static const auto* const kChina = [] {
    auto parsed = ParseHolidayCalendar(kChinaCalendarJson, "engine/calendars/china.json");
    // Checked by china_calendar_test; a broken build-time copy is a bug.
    return new hotline::v1::HolidayCalendar(parsed.ok() ? *parsed
                                                        : hotline::v1::HolidayCalendar());
  }();
  return *kChina;
}

absl::Status MergeHolidayCalendar(const hotline::v1::HolidayCalendar& calendar,
                                  hotline::v1::Policy* policy) {
  if (!calendar.time_zone().empty()) {
    if (policy->has_time_zone() && policy->time_zone() != calendar.time_zone()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the calendar's dates are local to ", calendar.time_zone(),
          " but the policy's time zone is ", policy->time_zone()));
    }
    policy->set_time_zone(calendar.time_zone());
  }
  MergeDates(calendar.holidays(), policy->mutable_holidays());
  MergeDates(calendar.extra_workdays(), policy->mutable_extra_workdays());
  return absl::OkStatus();
}

absl::StatusOr<hotline::v1::Policy> LoadPolicyFile(const std::string& path) {
  hotline::v1::Policy policy;
  if (absl::Status s = ParseJsonFile(path, &policy); !s.ok()) return s;
  return policy;
}

}  // namespace hotline::engine
