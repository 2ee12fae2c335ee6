#include "engine/report_trend.h"

#include "absl/time/civil_time.h"
#include "store/status_macros.h"

namespace hotline::engine {

absl::StatusOr<std::vector<MonthlyReport>> ReportTrend(Engine& engine, const std::string& month) {
  HOTLINE_ASSIGN_OR_RETURN(const absl::CivilMonth last, ParseMonth(month));
  std::vector<MonthlyReport> out;
  for (absl::CivilMonth m = last - 11; m <= last; ++m) {
    HOTLINE_ASSIGN_OR_RETURN(MonthlyReport report, engine.Report({absl::FormatCivilTime(m)}));
    auto total = report.rows.find(RowKey{RowKind::kTotal, ""});
    if (total != report.rows.end() && total->second[kReceived] > 0) {
      out.push_back(std::move(report));
    }
  }
  return out;
}

}  // namespace hotline::engine
