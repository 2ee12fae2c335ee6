#ifndef HOTLINE_ENGINE_REPORT_FROM_LOG_H_
#define HOTLINE_ENGINE_REPORT_FROM_LOG_H_

// The monthly report recomputed from the log alone: the reference every
// other way of making it must equal (`hotline report --rebuild`), and the
// way reports as of a past time or log position are made.

#include "absl/status/statusor.h"
#include "engine/monthly_report.h"
#include "store/event_log.h"

namespace hotline::engine {

// Folds the log up to query.up_to_sequence (default: the head) and returns
// the report of metrics.md. The month is taken in the time zone of the last
// policy at a position <= up_to_sequence. INVALID_ARGUMENT for a malformed
// month or an up_to_sequence past the head; DATA_LOSS for an undecodable
// event. Reads the log once, in order; holds one small record per ticket
// in flight (from its first event to its last), not per ticket of the log.
absl::StatusOr<MonthlyReport> ReportFromLog(const store::EventLog& log,
                                            const ReportQuery& query);

// The units (id, latest name) and the time zone of the policy in force at
// log position `up_to_sequence`, from the `$units` and `$policy` streams.
struct DirectoryAt {
  std::vector<std::pair<std::string, std::string>> units;
  std::string time_zone;
};
absl::StatusOr<DirectoryAt> ReadDirectoryAt(const store::EventLog& log, uint64_t up_to_sequence);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_REPORT_FROM_LOG_H_
