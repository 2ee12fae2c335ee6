// Feeds: bytes as what `hotline policy publish --file P --calendar C` reads.
// The input is P and C separated by a line "%%"; without one, the whole input
// is tried as both (the two messages share timeZone, holidays and
// extraWorkdays). P -> LoadPolicyFile, C -> LoadHolidayCalendar ->
// MergeHolidayCalendar into P (or into an empty policy) -> SlaPolicy::Make,
// exactly the CLI's order; a policy it accepts is what Decide would publish.
// With an accepted policy, every deadline Decide computes is computed from a
// fixed instant with its WorkingCalendar (accept, handle, extension, review,
// rating, reopen window), for each urgency and appeal type.
//
// Asserts: no crash, hang or sanitizer report; refusals are INVALID_ARGUMENT
// (a bad file or field) or FAILED_PRECONDITION (time zones disagree). An
// accepted time zone is never a path or the machine's zone. The day and
// count limits of an accepted policy are positive ints. A deadline is not
// before its start, and is an instant an event can record: ToProto of it is
// a valid Timestamp (years 0001-9999, nanos 0-999999999), or the ticket's
// events could not be exported as JSON.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/time/time.h"
#include "engine/holiday_calendar.h"
#include "engine/sla_policy.h"
#include "engine/time_util.h"
#include "tests/fuzz/fuzz_file.h"

namespace {

namespace engine = hotline::engine;
using hotline::v1::AppealType;
using hotline::v1::Urgency;

// 2022-05-27T15:00:00+08:00, a Friday afternoon in working time.
const absl::Time kStart = absl::FromUnixSeconds(1653634800);

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_policy: %s\n", what.c_str());
  std::abort();
}

void ExpectRefusal(const absl::Status& s, const char* what) {
  if (s.ok() || s.code() == absl::StatusCode::kInvalidArgument ||
      s.code() == absl::StatusCode::kFailedPrecondition) {
    return;
  }
  Fail(std::string(what) + " refused with an unexpected code: " + s.ToString());
}

// google.protobuf.Timestamp's valid range, as the JSON printer checks it.
void ExpectRecordable(absl::Time deadline, absl::Time start, const std::string& what) {
  if (deadline < start) Fail(what + " is before its start");
  const google::protobuf::Timestamp ts = engine::ToProto(deadline);
  constexpr int64_t kMinSeconds = -62135596800;  // 0001-01-01T00:00:00Z
  constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  if (ts.seconds() < kMinSeconds || ts.seconds() > kMaxSeconds || ts.nanos() < 0 ||
      ts.nanos() > 999999999) {
    Fail(what + " cannot be recorded: Timestamp{" + std::to_string(ts.seconds()) + ", " +
         std::to_string(ts.nanos()) + "}");
  }
}

// What an accepted time zone must never be: a path Abseil would open as a
// file ("/dev/stdin" blocks, "../" climbs out of the zoneinfo directory) or
// a name that takes the zone from the machine ("localtime", "libc:..."),
// which would make deadlines and reports differ between machines.
bool MachineDependentZone(const std::string& name) {
  return name.empty() || name.front() == '/' || name.find("..") != std::string::npos ||
         name.find(':') != std::string::npos || name == "localtime";
}

// Every deadline decide.cc computes with `policy`, from kStart.
void ComputeDeadlines(const engine::SlaPolicy& policy) {
  if (policy.published().has_time_zone() && MachineDependentZone(policy.published().time_zone())) {
    Fail("accepted a time zone that is a path or the machine's: '" +
         policy.published().time_zone() + "'");
  }
  // The limits decide.cc uses as counts: an accepted policy has them positive
  // (a uint32 limit past INT_MAX must not turn into a negative int).
  if (policy.RatingWithinDays() < 1 || policy.MaxExtensionDays() < 1 ||
      policy.MaxExtensions() < 0 || policy.ReopenWindowDays() < 0) {
    Fail("an accepted policy has a negative or zero limit");
  }
  const engine::WorkingCalendar& calendar = policy.calendar();
  for (int u = Urgency::Value_MIN; u <= Urgency::Value_MAX; ++u) {
    if (!Urgency::Value_IsValid(u) || u == Urgency::URGENCY_UNSPECIFIED) continue;
    const auto urgency = static_cast<Urgency::Value>(u);
    const absl::Time accept = calendar.AddWorkingHours(kStart, policy.AcceptWithin(urgency));
    ExpectRecordable(accept, kStart, "accept deadline");
    // (Unless "never": then the walk stops at the calendar's ten-year horizon.)
    if (accept != absl::InfiniteFuture() &&
        calendar.WorkingHoursBetween(kStart, accept) != policy.AcceptWithin(urgency)) {
      Fail("WorkingHoursBetween(start, AddWorkingHours(start, h)) != h");
    }
    for (int t = AppealType::Value_MIN; t <= AppealType::Value_MAX; ++t) {
      if (!AppealType::Value_IsValid(t)) continue;
      const int days = policy.HandleWithinDays(static_cast<AppealType::Value>(t), urgency);
      if (days < 1) Fail("an accepted policy gives " + std::to_string(days) + " days to handle");
      const absl::Time handle = calendar.AddWorkingDays(kStart, days);
      ExpectRecordable(handle, kStart, "handle deadline");
      // An extension starts from the deadline as recorded in the ticket's
      // state (decide.cc), so through a Timestamp, as here.
      const absl::Time recorded = engine::FromProto(engine::ToProto(handle));
      ExpectRecordable(calendar.ExtendWorkingDays(recorded, policy.MaxExtensionDays()), recorded,
                       "extended handle deadline");
    }
  }
  ExpectRecordable(calendar.AddWorkingHours(kStart, policy.ReviewWithin()), kStart,
                   "review deadline");
  ExpectRecordable(calendar.AddWorkingDays(kStart, policy.RatingWithinDays()), kStart,
                   "rating deadline");
  ExpectRecordable(calendar.AddWorkingDays(kStart, policy.ReopenWindowDays()), kStart,
                   "end of the reopen window");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const hotline::fuzz::ScratchFile kPolicyFile("fuzz_policy-policy");
  static const hotline::fuzz::ScratchFile kCalendarFile("fuzz_policy-calendar");
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::string policy_text = input, calendar_text = input;
  if (const size_t cut = input.find("\n%%\n"); cut != std::string::npos) {
    policy_text = input.substr(0, cut);
    calendar_text = input.substr(cut + 4);
  }

  auto policy = engine::LoadPolicyFile(kPolicyFile.Write(policy_text));
  ExpectRefusal(policy.status(), "LoadPolicyFile");
  auto calendar = engine::LoadHolidayCalendar(kCalendarFile.Write(calendar_text));
  ExpectRefusal(calendar.status(), "LoadHolidayCalendar");
  if (!policy.ok() && !calendar.ok()) return 0;

  hotline::v1::Policy published = policy.ok() ? *policy : hotline::v1::Policy();
  if (calendar.ok()) {
    const absl::Status merged = engine::MergeHolidayCalendar(*calendar, &published);
    ExpectRefusal(merged, "MergeHolidayCalendar");
    if (!merged.ok()) return 0;
  }
  auto made = engine::SlaPolicy::Make(published);
  ExpectRefusal(made.status(), "SlaPolicy::Make");
  if (made.ok()) ComputeDeadlines(**made);
  return 0;
}
