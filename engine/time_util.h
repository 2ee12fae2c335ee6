#ifndef HOTLINE_ENGINE_TIME_UTIL_H_
#define HOTLINE_ENGINE_TIME_UTIL_H_

// Conversions between absl::Time and google.protobuf.Timestamp, and the
// RFC 3339 forms the contract uses.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace hotline::engine {

absl::Time FromProto(const google::protobuf::Timestamp& ts);
// Instants outside a Timestamp's range, 0001-01-01 to 9999-12-31 UTC
// (InfiniteFuture among them), become its nearest end.
google::protobuf::Timestamp ToProto(absl::Time t);

// RFC 3339 in UTC with as many fractional digits as needed ("...Z").
std::string FormatUtc(absl::Time t);

// RFC 3339 in `zone` with its offset ("2022-05-03T09:15:00+08:00").
std::string FormatLocal(absl::Time t, absl::TimeZone zone);

// Parses RFC 3339 with an offset, or a local date/time ("2022-05-03",
// "2022-05-03T09:15", "2022-05-03 09:15:00") in `zone`. INVALID_ARGUMENT
// names the text when it is neither.
absl::StatusOr<absl::Time> ParseTime(absl::string_view text, absl::TimeZone zone);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_TIME_UTIL_H_
