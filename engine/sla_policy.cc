#include "engine/sla_policy.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "engine/command_validation.h"
#include "store/status_macros.h"

namespace hotline::engine {
namespace {

using hotline::v1::AppealType;
using hotline::v1::Policy;
using hotline::v1::Urgency;

constexpr char kDefaultZone[] = "Asia/Shanghai";

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

// INVALID_ARGUMENT unless 1 <= value <= max.
absl::Status CheckLimit(absl::string_view field, uint64_t value, uint64_t max) {
  if (value == 0 || value > max) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be 1 to ", max));
  }
  return absl::OkStatus();
}

absl::Status ValidateRules(const Policy& p) {
  for (int i = 0; i < p.accept_within_hours_size(); ++i) {
    const auto& r = p.accept_within_hours(i);
    const std::string field = absl::StrCat("policy.accept_within_hours[", i, "]");
    if (r.urgency() == Urgency::URGENCY_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": needs an urgency"));
    }
    HOTLINE_RETURN_IF_ERROR(CheckLimit(field + ".hours", r.hours(), kMaxPolicyHours));
  }
  for (int i = 0; i < p.handle_within_days_size(); ++i) {
    const auto& r = p.handle_within_days(i);
    const std::string field = absl::StrCat("policy.handle_within_days[", i, "]");
    if (r.urgency() == Urgency::URGENCY_UNSPECIFIED) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": needs an urgency"));
    }
    HOTLINE_RETURN_IF_ERROR(CheckLimit(field + ".days", r.days(), kMaxPolicyDays));
  }
  if (p.has_review_within_hours()) {
    HOTLINE_RETURN_IF_ERROR(
        CheckLimit("policy.review_within_hours", p.review_within_hours(), kMaxPolicyHours));
  }
  if (p.has_rating_within_days()) {
    HOTLINE_RETURN_IF_ERROR(
        CheckLimit("policy.rating_within_days", p.rating_within_days(), kMaxPolicyDays));
  }
  if (p.has_max_extension_days()) {
    HOTLINE_RETURN_IF_ERROR(
        CheckLimit("policy.max_extension_days", p.max_extension_days(), kMaxPolicyDays));
  }
  if (p.has_reopen_window_days()) {
    HOTLINE_RETURN_IF_ERROR(
        CheckLimit("policy.reopen_window_days", p.reopen_window_days(), kMaxPolicyDays));
  }
  if (p.has_max_extensions() && p.max_extensions() > kMaxPolicyExtensions) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy.max_extensions: must be at most ", kMaxPolicyExtensions));
  }
  return absl::OkStatus();
}

// Categories are Open311 services: codes are ids clients put in URLs and
// forms, names are what Receive.category holds; both unique.
absl::Status ValidateCategories(const Policy& p) {
  if (p.categories_size() > kMaxPolicyCategories) {
    return absl::InvalidArgumentError(
        absl::StrCat("policy.categories: at most ", kMaxPolicyCategories));
  }
  absl::flat_hash_set<std::string> codes, names;
  for (int i = 0; i < p.categories_size(); ++i) {
    const auto& c = p.categories(i);
    const std::string field = absl::StrCat("policy.categories[", i, "]");
    if (!IsValidId(c.code(), kMaxCategoryCodeBytes)) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".code: must be 1 to 64 bytes of [A-Za-z0-9._:-]"));
    }
    if (c.name().empty() || c.name().size() > kMaxCategoryTextBytes ||
        c.description().size() > kMaxCategoryTextBytes ||
        c.group().size() > kMaxCategoryTextBytes || !IsValidUtf8(c.name()) ||
        !IsValidUtf8(c.description()) || !IsValidUtf8(c.group())) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": name must be non-empty; name, description and group valid UTF-8 of at most ",
          kMaxCategoryTextBytes, " bytes"));
    }
    if (!codes.insert(c.code()).second || !names.insert(c.name()).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": code or name used twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::shared_ptr<const SlaPolicy>> SlaPolicy::Default() {
  static const auto* const kDefault =
      new absl::StatusOr<std::shared_ptr<const SlaPolicy>>([]()
          -> absl::StatusOr<std::shared_ptr<const SlaPolicy>> {
        absl::TimeZone zone;
        if (!absl::LoadTimeZone(kDefaultZone, &zone)) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the default policy's time zone '", kDefaultZone,
              "' has no rules on this system: install the tzdata package "
              "(apt-get install tzdata)"));
        }
        return Make(Policy());
      }());
  return *kDefault;
}

absl::StatusOr<std::shared_ptr<const SlaPolicy>> SlaPolicy::Make(
    const Policy& published) {
  const std::string zone_name =
      published.has_time_zone() ? published.time_zone() : kDefaultZone;
  absl::TimeZone zone;
  if (!IsIanaZoneName(zone_name) || !absl::LoadTimeZone(zone_name, &zone)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "policy.time_zone: unknown time zone '", zone_name,
        "' (zone rules come from the system's tzdata package)"));
  }
  if (published.holidays_size() > kMaxCalendarDays ||
      published.extra_workdays_size() > kMaxCalendarDays) {
    return absl::InvalidArgumentError(absl::StrCat(
        "policy.holidays, policy.extra_workdays: at most ", kMaxCalendarDays, " dates each"));
  }
  auto intervals = ParseWorkHours(published);
  if (!intervals.ok()) return intervals.status();
  auto holidays = ParseDays(published.holidays(), "policy.holidays");
  if (!holidays.ok()) return holidays.status();
  auto extra = ParseDays(published.extra_workdays(), "policy.extra_workdays");
  if (!extra.ok()) return extra.status();
  if (absl::Status s = ValidateRules(published); !s.ok()) return s;
  if (absl::Status s = ValidateCategories(published); !s.ok()) return s;
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
    if (rule.appeal_type() == type) return static_cast<int>(rule.days());
    if (rule.appeal_type() == AppealType::APPEAL_TYPE_UNSPECIFIED) {
      any_type = static_cast<int>(rule.days());
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
  return published_.has_rating_within_days()
             ? static_cast<int>(published_.rating_within_days()) : 3;
}
bool SlaPolicy::RequireAccept() const {
  return published_.has_require_accept() ? published_.require_accept() : true;
}
bool SlaPolicy::RateDirectAnswers() const {
  return published_.has_rate_direct_answers() && published_.rate_direct_answers();
}
int SlaPolicy::MaxExtensions() const {
  return published_.has_max_extensions() ? static_cast<int>(published_.max_extensions()) : 1;
}
int SlaPolicy::MaxExtensionDays() const {
  return published_.has_max_extension_days()
             ? static_cast<int>(published_.max_extension_days()) : 10;
}
int SlaPolicy::ReopenWindowDays() const {
  return published_.has_reopen_window_days()
             ? static_cast<int>(published_.reopen_window_days()) : 15;
}

}  // namespace hotline::engine
