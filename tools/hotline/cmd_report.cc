// hotline report: the monthly report of metrics.md.

#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "engine/monthly_report.h"
#include "engine/report_html.h"
#include "engine/json_codec.h"
#include "engine/report_trend.h"
#include "engine/audit_proof.h"
#include "tools/hotline/checkpoint_files.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

// The signed checkpoint of the log prefix the report counted, which binds
// a published report to it (docs/audit.md).
absl::StatusOr<std::string> CheckpointOf(const engine::Engine& engine, const std::string& key_file,
                                         uint64_t up_to_sequence) {
  absl::StatusOr<store::SignerKey> key = LoadSignerKey(key_file);
  if (!key.ok()) return key.status();
  return engine::SignedCheckpoint(engine.log(), *key, std::nullopt, up_to_sequence);
}

// `text` in `format` with the checkpoint note: a last JSON key
// "checkpoint", or a footer of the page or table.
std::string WithCheckpoint(const std::string& text, const std::string& format,
                           const std::string& note) {
  if (format == "json") {
    return absl::StrCat(text.substr(0, text.rfind('}')), ",\"checkpoint\":",
                        engine::JsonQuote(note), "}\n");
  }
  if (format == "html") {
    return absl::StrCat(text.substr(0, text.rfind("</body>")),
                        "<h2>signed checkpoint of this log prefix</h2><pre id=checkpoint>",
                        engine::HtmlEscape(note), "</pre></body></html>\n");
  }
  return absl::StrCat(text, "\nsigned checkpoint of this log prefix:\n", note);
}

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("report");
  if (!flags.Has("month")) return Usage(self, absl::InvalidArgumentError("--month is required"));
  const std::string format = flags.Get("format").value_or("table");
  if (format == "csv" && flags.Has("checkpoint-key")) {
    return Usage(self, absl::InvalidArgumentError(
                           "--checkpoint-key: a CSV has no place for a checkpoint; use json, "
                           "html or table"));
  }
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
  if (flags.Has("checkpoint-key")) {
    absl::StatusOr<std::string> note =
        CheckpointOf(**engine, *flags.Get("checkpoint-key"), report->up_to_sequence);
    if (!note.ok()) return Fail("report", note.status());
    text = WithCheckpoint(text, format, *note);
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

}  // namespace

Subcommand ReportCommand() {
  return {"report",
          "report --month YYYY-MM [--as-of T] [--up-to-sequence N] "
          "[--format table|csv|json|html] [--rebuild] [--checkpoint-key FILE]",
          "The monthly report (月分析) of metrics.md. By default from the maintained "
          "statistics; --rebuild, --as-of and --up-to-sequence recompute it from the log "
          "alone, to the same bytes.",
          {{"month", true, "the month, local to the policy's time zone (required)"},
           {"as-of", true, "count only events before T (default: the month's end)"},
           {"up-to-sequence", true, "only the log up to position N (default: all)"},
           {"format", true, "table (default), csv, json, or html (one page with charts)"},
           {"rebuild", false, "recompute from the log alone"},
           {"checkpoint-key", true,
            "sign the checkpoint of the log prefix counted and embed it (json, html, table)"}},
          0,
          0,
          Run};
}

}  // namespace hotline::cli
