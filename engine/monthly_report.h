#ifndef HOTLINE_ENGINE_MONTHLY_REPORT_H_
#define HOTLINE_ENGINE_MONTHLY_REPORT_H_

// The monthly report of metrics.md (月分析): its query, its numbers, and its
// three printed forms. Printing is deterministic: the same report gives the
// same bytes on any machine (sorted rows, integer arithmetic for rates).

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "engine/stats_fold.h"

namespace hotline::engine {

struct ReportQuery {
  std::string month;                       // "YYYY-MM", local to the policy's zone
  std::optional<absl::Time> as_of;         // default: the month's end
  std::optional<uint64_t> up_to_sequence;  // default: the log's head
};

// The instants a report counts between, in its time zone.
struct MonthWindow {
  absl::Time start;     // M_start
  absl::Time end;       // M_end
  absl::Time as_of;     // events before it count
  absl::Time snapshot;  // min(as_of, M_end): when overdue_open is taken
};

// Parses "YYYY-MM"; INVALID_ARGUMENT names the text otherwise.
absl::StatusOr<absl::CivilMonth> ParseMonth(const std::string& month);

// The window of `month` in `zone` for `as_of` (nullopt: the month's end).
MonthWindow WindowOf(absl::CivilMonth month, absl::TimeZone zone,
                     std::optional<absl::Time> as_of);

struct MonthlyReport {
  std::string month;
  MonthWindow window;
  uint64_t up_to_sequence = 0;
  std::string time_zone;
  absl::TimeZone zone;
  // Every row with a contribution; absent rows are all zeros.
  std::map<RowKey, Counters> rows;
  // Units registered at a position <= up_to_sequence: (id, latest name),
  // sorted by id.
  std::vector<std::pair<std::string, std::string>> units;
};

// Collects contributions for one report (one month, one as_of).
class ReportSink : public StatsSink {
 public:
  explicit ReportSink(MonthlyReport* report) : report_(report) {}
  void Add(absl::Time anchor, absl::Time at, const RowKey& row, Counter counter,
           int64_t delta) override;
  void Owed(const std::string& unit, absl::Time from, absl::Time to,
            absl::Time deadline) override;

 private:
  MonthlyReport* report_;
};

// The JSON of metrics.md: stable key order, counters as integers, rates with
// four decimals (half away from zero) or null, mean_handle_hours with two.
std::string ReportJson(const MonthlyReport& report);
// One row per unit (then the centre and the total), header first.
std::string ReportCsv(const MonthlyReport& report);
// Aligned columns for people; Chinese names line up by display width.
std::string ReportTable(const MonthlyReport& report);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_MONTHLY_REPORT_H_
