// Builds hotline's HolidayCalendar (engine/calendars/) from holiday-cn year
// files: holiday_cn_to_calendar YEAR.json... > engine/calendars/china.json
//
// Days off become `holidays`, weekend working days `extraWorkdays`; the
// notices each file cites become `sources`. See docs/sla.md for adding a year.

#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "google/protobuf/util/json_util.h"
#include "hotline/v1/calendar.pb.h"
#include "holiday_cn.pb.h"  // generated beside this target

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: holiday_cn_to_calendar YEAR.json...\n");
    return 2;
  }
  std::set<int> years;
  std::set<std::string> off, on, sources;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i]);
    std::stringstream text;
    text << in.rdbuf();
    hotline::tools::HolidayCnYear year;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;  // "$schema", "$id"
    if (!in || !google::protobuf::util::JsonStringToMessage(text.str(), &year, options).ok()) {
      std::fprintf(stderr, "holiday_cn_to_calendar: cannot parse %s\n", argv[i]);
      return 1;
    }
    years.insert(year.year());
    for (const auto& day : year.days()) (day.is_off_day() ? off : on).insert(day.date());
    sources.insert(year.papers().begin(), year.papers().end());
  }
  hotline::v1::HolidayCalendar calendar;
  calendar.set_time_zone("Asia/Shanghai");
  for (int y : years) calendar.add_years(y);
  for (const auto& d : off) calendar.add_holidays(d);
  for (const auto& d : on) calendar.add_extra_workdays(d);
  for (const auto& s : sources) calendar.add_sources(s);
  std::string json;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(calendar, &json, print);
  std::printf("%s", json.c_str());
  return 0;
}
