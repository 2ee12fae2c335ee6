// hotline report: the monthly report of metrics.md.

#include <cstdio>

#include "absl/strings/numbers.h"
#include "engine/monthly_report.h"
#include "engine/report_html.h"
#include "engine/report_trend.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("report");
  if (!flags.Has("month")) return Usage(self, absl::InvalidArgumentError("--month is required"));
  const std::string format = flags.Get("format").value_or("table");
  if (format != "table" && format != "csv" && format != "json" && format != "html") {
    return Usage(self, absl::InvalidArgumentError("--format: expected table, csv, json or html"));
  }
  engine::ReportQuery query;
  query.month = *flags.Get("month");
  if (auto month = engine::ParseMonth(query.month); !month.ok()) {
    return Usage(self, month.status());
  }
  if (auto n = flags.Get("up-to-sequence")) {
    uint64_t value = 0;
    if (!absl::SimpleAtoi(*n, &value)) {
      return Usage(self, absl::InvalidArgumentError("--up-to-sequence: expected a number"));
    }
    query.up_to_sequence = value;
  }
  auto engine = OpenEngine(flags, /*writable=*/false);
  if (!engine.ok()) return Fail("report", engine.status());
  if (flags.Has("as-of")) {
    auto as_of = ParseTimeFlag(flags, "as-of", **engine);
    if (!as_of.ok()) return Usage(self, as_of.status());
    query.as_of = *as_of;
  }
  auto report = (*engine)->Report(query, flags.Has("rebuild"));
  if (!report.ok()) {
    if (report.status().code() == absl::StatusCode::kInvalidArgument) {
      return Usage(self, report.status());
    }
    return Fail("report", report.status());
  }
  std::string text;
  if (format == "html") {
    auto trend = engine::ReportTrend(**engine, query.month);
    if (!trend.ok()) return Fail("report", trend.status());
    text = engine::ReportHtml(*report, *trend);
  } else {
    text = format == "json"  ? engine::ReportJson(*report)
           : format == "csv" ? engine::ReportCsv(*report)
                             : engine::ReportTable(*report);
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace

Subcommand ReportCommand() {
  return {"report",
          "report --month YYYY-MM [--as-of T] [--up-to-sequence N] "
          "[--format table|csv|json|html] [--rebuild]",
          "The monthly report (月分析) of metrics.md. By default from the maintained "
          "statistics; --rebuild, --as-of and --up-to-sequence recompute it from the log "
          "alone, to the same bytes.",
          {{"month", true, "the month, local to the policy's time zone (required)"},
           {"as-of", true, "count only events before T (default: the month's end)"},
           {"up-to-sequence", true, "only the log up to position N (default: all)"},
           {"format", true, "table (default), csv, json, or html (one page with charts)"},
           {"rebuild", false, "recompute from the log alone"}},
          0,
          0,
          Run};
}

}  // namespace hotline::cli
