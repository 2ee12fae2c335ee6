#ifndef HOTLINE_ENGINE_REPORT_TREND_H_
#define HOTLINE_ENGINE_REPORT_TREND_H_

// The months a report page charts beside its own month.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/engine.h"
#include "engine/monthly_report.h"

namespace hotline::engine {

// The reports of the months with appeals among the twelve up to `month`
// ("YYYY-MM"), oldest first, from the maintained statistics.
// INVALID_ARGUMENT for a malformed month; otherwise Engine::Report's errors.
absl::StatusOr<std::vector<MonthlyReport>> ReportTrend(Engine& engine, const std::string& month);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_REPORT_TREND_H_
