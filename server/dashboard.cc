#include "server/dashboard.h"

#include "absl/strings/str_cat.h"
#include "engine/report_html.h"
#include "engine/report_trend.h"
#include "engine/time_util.h"
#include "store/status_macros.h"

namespace hotline::server {

absl::StatusOr<std::string> DashboardPage(engine::Engine& engine, absl::Time now) {
  const std::shared_ptr<const engine::Directory> directory = engine.directory();
  const absl::TimeZone zone = directory->policy().calendar().zone();
  const std::string month = absl::FormatTime("%Y-%m", now, zone);
  HOTLINE_ASSIGN_OR_RETURN(engine::MonthlyReport report, engine.Report({month}));
  HOTLINE_ASSIGN_OR_RETURN(std::vector<engine::MonthlyReport> trend,
                           engine::ReportTrend(engine, month));
  HOTLINE_ASSIGN_OR_RETURN(std::vector<engine::TimerEntry> overdue, engine.Overdue(now));

  engine::ReportPageOptions page;
  page.refresh_seconds = kDashboardRefreshSeconds;
  page.extra_html = absl::StrCat("<h2>超期未办 overdue now (", overdue.size(), ", as of ",
                                 engine::FormatLocal(now, zone),
                                 ")</h2><table id=overdue><tr><th>ticket</th><th>deadline</th>"
                                 "<th>kind</th><th>unit</th></tr>");
  for (size_t i = 0; i < overdue.size() && i < kDashboardOverdueRows; ++i) {
    const engine::TimerEntry& t = overdue[i];
    const hotline::v1::Unit* unit = directory->FindUnit(t.lead_unit);
    absl::StrAppend(&page.extra_html, "<tr><td>", engine::HtmlEscape(t.ticket_id), "</td><td>",
                    engine::FormatLocal(t.deadline, zone), "</td><td>",
                    hotline::v1::DeadlineKind::Value_Name(t.kind), "</td><td>",
                    engine::HtmlEscape(unit != nullptr ? unit->name() : t.lead_unit),
                    "</td></tr>");
  }
  absl::StrAppend(&page.extra_html, "</table>");
  return engine::ReportHtml(report, trend, page);
}

}  // namespace hotline::server
