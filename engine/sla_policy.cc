#include "engine/sla_policy.h"

#include <climits>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"

namespace hotline::engine {
namespace {

using hotline::v1::AppealType;
using hotline::v1::Policy;
using hotline::v1::Urgency;

constexpr char kDefaultZone[] = "Asia/Shanghai";

// A published uint32 limit as the int count the calendar takes. Past
// INT_MAX it would wrap negative (a limit of 3000000000 days became a
// deadline the next day); saturated, it is a deadline never reached.
int Count(uint32_t limit) {
  return limit > static_cast<uint32_t>(INT_MAX) ? INT_MAX : static_cast<int>(limit);
}

// True for an IANA time zone name: '/'-separated parts of [A-Za-z0-9_+-]
// ("Asia/Shanghai", "Etc/GMT-8", "UTC"). Abseil opens any other name as a
// path ("/dev/stdin" would block; "../" leaves the zoneinfo directory) and
// takes "localtime" and "libc:..." from the machine, which would make
// deadlines and reports differ from one machine to another.
bool IsIanaZoneName(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.back() == '/' || name == "localtime") {
    return false;
  }
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '+' || c == '-' || (c == '/' && name[i - 1] != '/');
    if (!ok) return false;
  }
  return true;
}

// "HH:MM" -> minutes after midnight, 00:00 to 24:00.
absl::StatusOr<int> ParseClock(const std::string& text, const std::string& field) {
  int h = 0, m = 0;
  if (text.size() != 5 || text[2] != ':' ||
      sscanf(text.c_str(), "%2d:%2d", &h, &m) != 2 || h < 0 || h > 24 ||
      m < 0 || m > 59 || (h == 24 && m != 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": '", text, "' is not a time of day HH:MM"));
  }
  return h * 60 + m;
}

absl::StatusOr<absl::flat_hash_set<absl::CivilDay>> ParseDays(
    const google::protobuf::RepeatedPtrField<std::string>& days,
    const std::string& field) {
  absl::flat_hash_set<absl::CivilDay> out;
  for (int i = 0; i < days.size(); ++i) {
    absl::CivilDay day;
    if (!absl::ParseCivilTime(days[i], &day)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, "[", i, "]: '", days[i], "' is not a date YYYY-MM-DD"));
    }
    out.insert(day);
  }
  return out;
}

absl::StatusOr<std::vector<WorkingCalendar::Interval>> ParseWorkHours(
    const Policy& policy) {
  std::vector<WorkingCalendar::Interval> out;
  if (policy.work_hours().empty()) {
    return std::vector<WorkingCalendar::Interval>{{9 * 60, 12 * 60},
                                                  {13 * 60 + 30, 17 * 60 + 30}};
  }
  for (int i = 0; i < policy.work_hours_size(); ++i) {
    const std::string field = absl::StrCat("policy.work_hours[", i, "]");
    auto start = ParseClock(policy.work_hours(i).start(), field + ".start");
    if (!start.ok()) return start.status();
    auto end = ParseClock(policy.work_hours(i).end(), field + ".end");
    if (!end.ok()) return end.status();
    if (*start >= *end || (!out.empty() && *start < out.back().end_minute)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": intervals must be non-empty, in order and not overlap"));
    }
    out.push_back({*start, *end});
  }
  return out;
}

absl::Status ValidateRules(const Policy& p) {
  for (int i = 0; i < p.accept_within_hours_size(); ++i) {
    const auto& r = p.accept_within_hours(i);
    if (r.urgency() == Urgency::URGENCY_UNSPECIFIED || r.hours() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "policy.accept_within_hours[", i, "]: needs an urgency and hours > 0"));
    }
  }
  for (int i = 0; i < p.handle_within_days_size(); ++i) {
    const auto& r = p.handle_within_days(i);
    if (r.urgency() == Urgency::URGENCY_UNSPECIFIED || r.days() == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "policy.handle_within_days[", i, "]: needs an urgency and days > 0"));
    }
  }
  if (p.has_review_within_hours() && p.review_within_hours() == 0) {
    return absl::InvalidArgumentError("policy.review_within_hours: must be > 0");
  }
  if (p.has_rating_within_days() && p.rating_within_days() == 0) {
    return absl::InvalidArgumentError("policy.rating_within_days: must be > 0");
  }
  if (p.has_max_extension_days() && p.max_extension_days() == 0) {
    return absl::InvalidArgumentError("policy.max_extension_days: must be > 0");
  }
  return absl::OkStatus();
}

}  // namespace

const SlaPolicy& SlaPolicy::Default() {
  static const SlaPolicy* const kDefault = [] {
    auto made = Make(Policy());
    return new SlaPolicy(**made);
  }();
  return *kDefault;
}

absl::StatusOr<std::shared_ptr<const SlaPolicy>> SlaPolicy::Make(
    const Policy& published) {
  const std::string zone_name =
      published.has_time_zone() ? published.time_zone() : kDefaultZone;
  absl::TimeZone zone;
  if (!IsIanaZoneName(zone_name) || !absl::LoadTimeZone(zone_name, &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy.time_zone: unknown time zone '", zone_name, "'"));
  }
  auto intervals = ParseWorkHours(published);
  if (!intervals.ok()) return intervals.status();
  auto holidays = ParseDays(published.holidays(), "policy.holidays");
  if (!holidays.ok()) return holidays.status();
  auto extra = ParseDays(published.extra_workdays(), "policy.extra_workdays");
  if (!extra.ok()) return extra.status();
  if (absl::Status s = ValidateRules(published); !s.ok()) return s;
  return std::shared_ptr<const SlaPolicy>(new SlaPolicy(
      published, WorkingCalendar(zone, *std::move(intervals),
                                 *std::move(holidays), *std::move(extra))));
}

absl::Duration SlaPolicy::AcceptWithin(Urgency::Value urgency) const {
  for (const auto& rule : published_.accept_within_hours()) {
    if (rule.urgency() == urgency) return absl::Hours(rule.hours());
  }
  return absl::Hours(urgency == Urgency::URGENT ? 1 : 4);
}

int SlaPolicy::HandleWithinDays(AppealType::Value type,
                                Urgency::Value urgency) const {
  // A published rule replaces the default rule with the same (type, urgency)
  // and keeps the rest; a rule naming the type beats one for every type.
  int any_type = -1;
  for (const auto& rule : published_.handle_within_days()) {
    if (rule.urgency() != urgency) continue;
    if (rule.appeal_type() == type) return Count(rule.days());
    if (rule.appeal_type() == AppealType::APPEAL_TYPE_UNSPECIFIED) {
      any_type = Count(rule.days());
    }
  }
  if (urgency == Urgency::NORMAL) {
    if (type == AppealType::CONSULTATION) return 3;
    if (type == AppealType::SUGGESTION) return 10;
  }
  if (any_type > 0) return any_type;
  return urgency == Urgency::URGENT ? 1 : 5;
}

absl::Duration SlaPolicy::ReviewWithin() const {
  return absl::Hours(published_.has_review_within_hours()
                         ? published_.review_within_hours() : 8);
}
int SlaPolicy::RatingWithinDays() const {
  return published_.has_rating_within_days() ? Count(published_.rating_within_days()) : 3;
}
bool SlaPolicy::RequireAccept() const {
  return published_.has_require_accept() ? published_.require_accept() : true;
}
bool SlaPolicy::RateDirectAnswers() const {
  return published_.has_rate_direct_answers() && published_.rate_direct_answers();
}
int SlaPolicy::MaxExtensions() const {
  return published_.has_max_extensions() ? Count(published_.max_extensions()) : 1;
}
int SlaPolicy::MaxExtensionDays() const {
  return published_.has_max_extension_days() ? Count(published_.max_extension_days()) : 10;
}
int SlaPolicy::ReopenWindowDays() const {
  return published_.has_reopen_window_days() ? Count(published_.reopen_window_days()) : 15;
}

}  // namespace hotline::engine
