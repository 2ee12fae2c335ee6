#ifndef HOTLINE_ENGINE_REPORT_HTML_H_
#define HOTLINE_ENGINE_REPORT_HTML_H_

// The monthly report as one self-contained HTML page (no scripts, no
// network: inline CSS and SVG): headline figures, per-unit on-time and
// satisfaction rates, volume by category, the trend across months, and the
// unit table. Deterministic: geometry from integer arithmetic.

#include <string>
#include <vector>

#include "engine/monthly_report.h"

namespace hotline::engine {

// `report` is the month shown; `trend` the reports of the months to chart
// (oldest first, usually every month in the log up to this one).
std::string ReportHtml(const MonthlyReport& report, const std::vector<MonthlyReport>& trend);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_REPORT_HTML_H_
