#ifndef HOTLINE_ENGINE_SLA_POLICY_H_
#define HOTLINE_ENGINE_SLA_POLICY_H_

// The SLA policy in force (sla.md): a published hotline.v1.Policy with the
// defaults filled in, its working calendar, and the time limits it sets.
// Immutable once made; share it between threads freely.

#include <memory>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/working_calendar.h"
#include "hotline/v1/policy.pb.h"

namespace hotline::engine {

// Bounds of a policy's numbers (sla.md is silent; docs/decisions.md).
inline constexpr uint32_t kMaxPolicyHours = 24 * 366;  // accept, review
inline constexpr uint32_t kMaxPolicyDays = 366;        // handle, rating, extension, reopen
inline constexpr uint32_t kMaxPolicyExtensions = 100;
inline constexpr int kMaxCalendarDays = 20000;         // holidays, extra workdays
inline constexpr int kMaxPolicyCategories = 1000;
inline constexpr size_t kMaxCategoryCodeBytes = 64;
inline constexpr size_t kMaxCategoryTextBytes = 1024;  // name, description, group

class SlaPolicy {
 public:
  // The policy of sla.md's defaults, in force before any PolicyPublished.
  // FAILED_PRECONDITION naming the zone and the tzdata package when the
  // system has no rules for its time zone (Asia/Shanghai).
  static absl::StatusOr<std::shared_ptr<const SlaPolicy>> Default();

  // The policy `published` describes, unset fields taking the defaults.
  // INVALID_ARGUMENT names the first bad field (unknown time zone or one
  // that is not an IANA name such as a path or "localtime", malformed
  // "HH:MM" or date, overlapping or unordered work hours, a rule without
  // urgency, a zero limit or one past its bound below, more than
  // kMaxCalendarDays holidays or extra workdays, a category whose code is
  // not an id or whose code or name repeats). The bounds keep every
  // deadline finite and the calendar's walks short.
  static absl::StatusOr<std::shared_ptr<const SlaPolicy>> Make(
      const hotline::v1::Policy& published);

  const hotline::v1::Policy& published() const { return published_; }
  const WorkingCalendar& calendar() const { return calendar_; }

  // Working hours to sign for a dispatched ticket of this urgency.
  absl::Duration AcceptWithin(hotline::v1::Urgency::Value urgency) const;
  // Working days to reply: the rule naming (type, urgency), else the rule
  // for every type of that urgency.
  int HandleWithinDays(hotline::v1::AppealType::Value type,
                       hotline::v1::Urgency::Value urgency) const;
  absl::Duration ReviewWithin() const;
  int RatingWithinDays() const;
  bool RequireAccept() const;
  bool RateDirectAnswers() const;
  int MaxExtensions() const;
  int MaxExtensionDays() const;
  int ReopenWindowDays() const;

 private:
  SlaPolicy(hotline::v1::Policy published, WorkingCalendar calendar)
      : published_(std::move(published)), calendar_(std::move(calendar)) {}

  hotline::v1::Policy published_;
  WorkingCalendar calendar_;
};

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_SLA_POLICY_H_
