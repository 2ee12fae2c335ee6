#include "engine/report_html.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/time_util.h"

namespace hotline::engine {
namespace {

const Counters& RowOf(const MonthlyReport& r, RowKind kind, const std::string& key = "") {
  static const Counters kZero{};
  auto it = r.rows.find(RowKey{kind, key});
  return it == r.rows.end() ? kZero : it->second;
}

// num/den in basis points (0..10000), or -1 when den is 0.
int64_t Bp(int64_t num, int64_t den) { return den == 0 ? -1 : (num * 10000 + den / 2) / den; }

std::string Pct(int64_t bp) {
  if (bp < 0) return "–";
  return absl::StrCat(bp / 100, ".", bp % 100 < 10 ? "0" : "", bp % 100, "%");
}

std::string Tile(const std::string& label, const std::string& value) {
  return absl::StrCat("<div class=tile><div class=v>", value, "</div><div class=l>", label,
                      "</div></div>");
}

// Horizontal bars: one row per label, up to two series in basis points or counts.
std::string Bars(const std::vector<std::string>& labels,
                 const std::vector<std::vector<int64_t>>& series,
                 const std::vector<std::string>& colors, int64_t max, bool percent) {
  const int label_w = 190, bar_w = 420, row_h = 14 * static_cast<int>(series.size()) + 8;
  const int height = row_h * static_cast<int>(labels.size()) + 10;
  std::string svg = absl::StrCat("<svg width=", label_w + bar_w + 80, " height=", height,
                                 " role=img font-size=12>");
  for (size_t i = 0; i < labels.size(); ++i) {
    const int y = static_cast<int>(i) * row_h + 5;
    absl::StrAppend(&svg, "<text x=", label_w - 6, " y=", y + row_h / 2 + 4,
                    " text-anchor=end>", HtmlEscape(labels[i]), "</text>");
    for (size_t s = 0; s < series.size(); ++s) {
      const int64_t v = series[s][i];
      const int w = v <= 0 || max <= 0 ? 0 : static_cast<int>(v * bar_w / max);
      const int by = y + static_cast<int>(s) * 14 + 2;
      absl::StrAppend(&svg, "<rect x=", label_w, " y=", by, " width=", w,
                      " height=12 fill=\"", colors[s], "\"/><text x=", label_w + w + 4,
                      " y=", by + 10, ">", percent ? Pct(v) : std::to_string(v), "</text>");
    }
  }
  return svg + "</svg>";
}

std::string Trend(const std::vector<MonthlyReport>& months) {
  const int w = 640, h = 220, left = 50, bottom = 30, top = 20;
  const int n = static_cast<int>(months.size());
  if (n == 0) return "";
  int64_t max_received = 1;
  for (const auto& m : months) max_received = std::max(max_received, RowOf(m, RowKind::kTotal)[kReceived]);
  const int step = (w - left - 20) / std::max(1, n);
  std::string svg = absl::StrCat("<svg width=", w, " height=", h, " role=img font-size=11>");
  // Volume bars against the left scale; rates as lines against 0..100%.
  std::string on_time = "", satisfied = "";
  for (int i = 0; i < n; ++i) {
    const Counters& t = RowOf(months[i], RowKind::kTotal);
    const int x = left + i * step;
    // Bars use the lower 60% so the rate lines above them stay readable.
    const int bar_h = static_cast<int>(t[kReceived] * (h - top - bottom) * 6 / 10 / max_received);
    absl::StrAppend(&svg, "<rect x=", x + 4, " y=", h - bottom - bar_h, " width=", step - 8,
                    " height=", bar_h, " fill=\"#c9d8ef\"/><text x=", x + step / 2, " y=",
                    h - bottom + 14, " text-anchor=middle>", months[i].month.substr(2),
                    "</text><text x=", x + step / 2, " y=", h - bottom - bar_h - 3,
                    " text-anchor=middle fill=\"#555\">", t[kReceived], "</text>");
    auto point = [&](int64_t bp, std::string* line) {
      if (bp < 0) return;
      const int y = h - bottom - static_cast<int>(bp * (h - top - bottom) / 10000);
      absl::StrAppend(line, line->empty() ? "M" : " L", x + step / 2, " ", y);
    };
    point(Bp(t[kCompletedOnTime], t[kCompleted]), &on_time);
    point(Bp(t[kSatisfied] + t[kBasicallySatisfied], t[kRated]), &satisfied);
  }
  absl::StrAppend(&svg, "<path d=\"", on_time, "\" stroke=\"#2b6cb0\" stroke-width=2 fill=none/>",
                  "<path d=\"", satisfied, "\" stroke=\"#2f855a\" stroke-width=2 fill=none/>",
                  "<text x=", left, " y=12>bars: received per month · lines: ",
                  "<tspan fill=\"#2b6cb0\">on-time rate</tspan>, ",
                  "<tspan fill=\"#2f855a\">satisfaction rate</tspan> (0–100%)</text></svg>");
  return svg;
}

}  // namespace

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string ReportHtml(const MonthlyReport& r, const std::vector<MonthlyReport>& trend,
                       const ReportPageOptions& page) {
  const Counters& t = RowOf(r, RowKind::kTotal);
  std::string html = absl::StrCat(
      "<!doctype html><html lang=zh><head><meta charset=utf-8>",
      page.refresh_seconds > 0
          ? absl::StrCat("<meta http-equiv=refresh content=", page.refresh_seconds, ">")
          : "",
      "<title>月分析 ", r.month,
      "</title><style>body{font-family:sans-serif;margin:24px;color:#222}"
      ".tiles{display:flex;gap:12px;flex-wrap:wrap}.tile{border:1px solid #ddd;border-radius:6px;"
      "padding:10px 16px;min-width:110px}.v{font-size:24px;font-weight:bold}.l{color:#666;font-size:12px}"
      "table{border-collapse:collapse;font-size:13px}td,th{border-bottom:1px solid #eee;padding:3px 8px;"
      "text-align:right}td:first-child,th:first-child{text-align:left}h2{margin-top:28px}"
      ".legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}</style></head><body>",
      "<h1>12345 热线月分析 ", r.month, "</h1><p>", HtmlEscape(r.time_zone), " · as of ",
      FormatLocal(r.window.as_of, r.zone), " · log position ", r.up_to_sequence, "</p>",
      "<div class=tiles>", Tile("受理 received", std::to_string(t[kReceived])),
      Tile("即时办结 answered directly", std::to_string(t[kAnsweredDirectly])),
      Tile("派单 dispatched", std::to_string(t[kDispatched])),
      Tile("办结 completed", std::to_string(t[kCompleted])),
      Tile("响应率 response", Pct(Bp(t[kAcceptedOnTime], t[kDispatchedRequiringAccept]))),
      Tile("按时办结率 on time", Pct(Bp(t[kCompletedOnTime], t[kCompleted]))),
      Tile("满意率 satisfaction", Pct(Bp(t[kSatisfied] + t[kBasicallySatisfied], t[kRated]))),
      Tile("解决率 resolution", Pct(Bp(t[kResolved], t[kRated]))),
      Tile("超期未办 overdue", std::to_string(t[kOverdueOpen])), "</div>", page.extra_html);

  std::vector<std::string> names;
  std::vector<std::vector<int64_t>> rates(2);
  for (const auto& [id, name] : r.units) {
    const Counters& c = RowOf(r, RowKind::kUnit, id);
    if (c[kCompleted] == 0 && c[kRated] == 0) continue;
    names.push_back(name);
    rates[0].push_back(Bp(c[kCompletedOnTime], c[kCompleted]));
    rates[1].push_back(Bp(c[kSatisfied] + c[kBasicallySatisfied], c[kRated]));
  }
  absl::StrAppend(&html, "<h2>各单位按时办结率与满意率 on-time and satisfaction by unit</h2>",
                  "<div class=legend><span style=\"background:#2b6cb0\"></span>on time",
                  "<span style=\"background:#2f855a\"></span>satisfaction</div>",
                  Bars(names, rates, {"#2b6cb0", "#2f855a"}, 10000, true));

  std::vector<std::pair<int64_t, std::string>> categories;
  for (const auto& [key, c] : r.rows) {
    if (key.kind == RowKind::kCategory && c[kReceived] > 0) {
      categories.emplace_back(-c[kReceived], key.key);
    }
  }
  std::sort(categories.begin(), categories.end());
  std::vector<std::string> labels;
  std::vector<std::vector<int64_t>> volume(1);
  int64_t max_volume = 1;
  for (const auto& [neg, name] : categories) {
    labels.push_back(name);
    volume[0].push_back(-neg);
    max_volume = std::max(max_volume, -neg);
  }
  absl::StrAppend(&html, "<h2>诉求类别 volume by category</h2>",
                  Bars(labels, volume, {"#dd6b20"}, max_volume, false),
                  "<h2>月度趋势 trend</h2>", Trend(trend),
                  "<h2>单位明细 units</h2><table><tr><th>单位</th><th>派单</th><th>退单</th>"
                  "<th>办结</th><th>按时</th><th>超期未办</th><th>延期</th><th>督办</th>"
                  "<th>回访</th><th>响应率</th><th>按时办结率</th><th>满意率</th><th>解决率</th></tr>");
  for (const auto& [id, name] : r.units) {
    const Counters& c = RowOf(r, RowKind::kUnit, id);
    absl::StrAppend(&html, "<tr><td>", HtmlEscape(name), "</td><td>", c[kDispatched], "</td><td>",
                    c[kReturned], "</td><td>", c[kCompleted], "</td><td>", c[kCompletedOnTime],
                    "</td><td>", c[kOverdueOpen], "</td><td>", c[kExtensionsApproved],
                    "</td><td>", c[kUrged], "</td><td>", c[kRated], "</td><td>",
                    Pct(Bp(c[kAcceptedOnTime], c[kDispatchedRequiringAccept])), "</td><td>",
                    Pct(Bp(c[kCompletedOnTime], c[kCompleted])), "</td><td>",
                    Pct(Bp(c[kSatisfied] + c[kBasicallySatisfied], c[kRated])), "</td><td>",
                    Pct(Bp(c[kResolved], c[kRated])), "</td></tr>");
  }
  absl::StrAppend(&html, "</table><p style=\"color:#888;font-size:12px\">Generated by hotline "
                         "from the event log; the same log gives the same page.</p></body></html>\n");
  return html;
}

}  // namespace hotline::engine
