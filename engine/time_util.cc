#include "engine/time_util.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace hotline::engine {

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  // A Timestamp holds 0001-01-01 to 9999-12-31 (else it does not print as
  // JSON, and exports and history lose the event). Commands and imports are
  // refused before an instant outside it could be recorded (the `at`
  // window, the policy bounds, Decide's refusal of an unreachable deadline);
  // this last guard keeps any other instant printable.
  const absl::Time first = absl::FromUnixSeconds(-62135596800);  // 0001-01-01T00:00:00Z
  const absl::Time last = absl::FromUnixSeconds(253402300799) + absl::Nanoseconds(999999999);
  if (t < first) t = first;
  if (t > last) t = last;
  google::protobuf::Timestamp ts;
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

std::string FormatLocal(absl::Time t, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*S%Ez", t, zone);
}

absl::StatusOr<absl::Time> ParseTime(absl::string_view text, absl::TimeZone zone) {
  const std::string s(text);
  absl::Time t;
  std::string err;
  if (absl::ParseTime(absl::RFC3339_full, s, &t, &err)) return t;
  for (const char* format : {"%Y-%m-%d%ET%H:%M:%E*S", "%Y-%m-%d %H:%M:%E*S",
                             "%Y-%m-%d%ET%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"}) {
    if (absl::ParseTime(format, s, zone, &t, &err)) return t;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "time '", text, "': expected RFC 3339 with an offset or a local date/time"));
}

}  // namespace hotline::engine
