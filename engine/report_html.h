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

// What a page that embeds the report adds to it (a live dashboard).
struct ReportPageOptions {
  // Reload the page every this many seconds (a meta refresh, no script);
  // 0: never.
  int refresh_seconds = 0;
  // HTML placed after the headline figures, as given (escape its text with
  // HtmlEscape).
  std::string extra_html;
};

// `report` is the month shown; `trend` the reports of the months to chart
// (oldest first, usually every month in the log up to this one).
std::string ReportHtml(const MonthlyReport& report, const std::vector<MonthlyReport>& trend,
                       const ReportPageOptions& page = {});

// `text` with <, >, & and " escaped for HTML text and attribute values.
std::string HtmlEscape(const std::string& text);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_REPORT_HTML_H_
