#include "engine/monthly_report.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/json_codec.h"
#include "engine/time_util.h"

namespace hotline::engine {
namespace {

// Counters of the by_category / by_appeal_type rows.
constexpr Counter kBreakdownCounters[] = {kReceived,  kCompleted,          kCompletedOnTime,
                                          kRated,     kSatisfied,          kBasicallySatisfied,
                                          kDissatisfied, kResolved};

// num / den rounded half away from zero to `decimals` places, or null.
// Counters are never negative, so "away from zero" is "up" here.
std::string Ratio(int64_t num, int64_t den, int decimals) {
  if (den == 0) return "null";
  int64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const __int128 scaled = (static_cast<__int128>(num) * scale * 2 + den) / (2 * den);
  const int64_t whole = static_cast<int64_t>(scaled / scale);
  std::string frac = std::to_string(static_cast<int64_t>(scaled % scale));
  frac.insert(0, decimals - frac.size(), '0');
  return absl::StrCat(whole, ".", frac);
}

// Milliseconds as hours, to 7 decimals (finer than a millisecond), trailing
// zeros dropped.
std::string Hours(int64_t millis) {
  std::string s = Ratio(millis, 3600000, 7);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

struct Rates {
  std::string response, on_time, satisfaction, resolution, mean_hours;
};

Rates RatesOf(const Counters& c) {
  return {Ratio(c[kAcceptedOnTime], c[kDispatchedRequiringAccept], 4),
          Ratio(c[kCompletedOnTime], c[kCompleted], 4),
          Ratio(c[kSatisfied] + c[kBasicallySatisfied], c[kRated], 4),
          Ratio(c[kResolved], c[kRated], 4),
          Ratio(c[kHandleMillisSum], c[kCompleted] * 3600000, 2)};
}

std::string Value(const Counters& c, int i) {
  return i == kHandleMillisSum ? Hours(c[i]) : std::to_string(c[i]);
}

// "received":1,...,"mean_handle_hours":2.50 (no braces).
std::string CounterFields(const Counters& c) {
  std::string out;
  for (int i = 0; i < kDispatchedRequiringAccept; ++i) {
    absl::StrAppend(&out, i ? "," : "", "\"", CounterName(static_cast<Counter>(i)), "\":", Value(c, i));
  }
  const Rates r = RatesOf(c);
  absl::StrAppend(&out, ",\"response_rate\":", r.response, ",\"on_time_rate\":", r.on_time,
                  ",\"satisfaction_rate\":", r.satisfaction,
                  ",\"resolution_rate\":", r.resolution,
                  ",\"mean_handle_hours\":", r.mean_hours);
  return out;
}

const Counters& Row(const MonthlyReport& report, RowKind kind, const std::string& key) {
  static const Counters kZero{};
  auto it = report.rows.find(RowKey{kind, key});
  return it == report.rows.end() ? kZero : it->second;
}

// The rows of one breakdown with a non-zero counter, by key (code points:
// UTF-8 byte order is code point order).
std::vector<std::pair<std::string, const Counters*>> Breakdown(const MonthlyReport& report,
                                                               RowKind kind) {
  std::vector<std::pair<std::string, const Counters*>> out;
  for (const auto& [key, counters] : report.rows) {
    if (key.kind != kind) continue;
    if (std::any_of(counters.begin(), counters.end(), [](int64_t v) { return v != 0; })) {
      out.emplace_back(key.key, &counters);
    }
  }
  return out;  // std::map order: by key bytes
}

// Display width of UTF-8 text in a terminal: East Asian wide characters 2.
size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = text[i];
    uint32_t cp = c;
    size_t n = 1;
    if (c >= 0xF0) {
      cp = c & 0x07, n = 4;
    } else if (c >= 0xE0) {
      cp = c & 0x0F, n = 3;
    } else if (c >= 0xC0) {
      cp = c & 0x1F, n = 2;
    }
    for (size_t k = 1; k < n && i + k < text.size(); ++k) cp = (cp << 6) | (text[i + k] & 0x3F);
    i += n;
    const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                      (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x20000;
    width += wide ? 2 : 1;
  }
  return width;
}

std::string Pad(const std::string& text, size_t width, bool right_align) {
  const size_t w = DisplayWidth(text);
  const std::string fill(w < width ? width - w : 0, ' ');
  return right_align ? fill + text : text + fill;
}

std::string Percent(const std::string& ratio) {
  if (ratio == "null") return "-";
  // "0.9812" -> "98.12%" without floating point.
  const size_t dot = ratio.find('.');
  std::string digits = ratio.substr(0, dot) + ratio.substr(dot + 1);  // 4 decimals
  while (digits.size() > 3 && digits[0] == '0') digits.erase(0, 1);
  return digits.substr(0, digits.size() - 2) + "." + digits.substr(digits.size() - 2) + "%";
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

absl::StatusOr<absl::CivilMonth> ParseMonth(const std::string& month) {
  absl::CivilMonth m;
  if (month.size() != 7 || !absl::ParseCivilTime(month, &m)) {
    return absl::InvalidArgumentError(absl::StrCat("month '", month, "': expected YYYY-MM"));
  }
  return m;
}

MonthWindow WindowOf(absl::CivilMonth month, absl::TimeZone zone,
                     std::optional<absl::Time> as_of) {
  MonthWindow w;
  w.start = zone.At(absl::CivilSecond(month)).pre;
  w.end = zone.At(absl::CivilSecond(month + 1)).pre;
  w.as_of = as_of.value_or(w.end);
  w.snapshot = std::min(w.as_of, w.end);
  return w;
}

void ReportSink::Add(absl::Time anchor, absl::Time at, const RowKey& row, Counter counter,
                     int64_t delta) {
  const MonthWindow& w = report_->window;
  if (anchor < w.start || anchor >= w.end || at >= w.as_of) return;
  report_->rows[row][counter] += delta;
}

void ReportSink::Owed(const std::string& unit, absl::Time from, absl::Time to,
                      absl::Time deadline) {
  const absl::Time s = report_->window.snapshot;
  if (!(from < s && s <= to && deadline < s)) return;
  report_->rows[RowKey{RowKind::kTotal, ""}][kOverdueOpen] += 1;
  report_->rows[RowKey{RowKind::kUnit, unit}][kOverdueOpen] += 1;
}

std::string ReportJson(const MonthlyReport& r) {
  std::string out = absl::StrCat(
      "{\"month\":", JsonQuote(r.month), ",\"as_of\":\"", FormatLocal(r.window.as_of, r.zone),
      "\",\"up_to_sequence\":", r.up_to_sequence, ",\"time_zone\":", JsonQuote(r.time_zone),
      ",\n\"total\":{", CounterFields(Row(r, RowKind::kTotal, "")), "},\n\"centre\":{",
      CounterFields(Row(r, RowKind::kCentre, "")), "},\n\"units\":[");
  for (size_t i = 0; i < r.units.size(); ++i) {
    const auto& [id, name] = r.units[i];
    absl::StrAppend(&out, i ? "," : "", "\n{\"unit_id\":", JsonQuote(id),
                    ",\"name\":", JsonQuote(name), ",",
                    CounterFields(Row(r, RowKind::kUnit, id)), "}");
  }
  auto breakdown = [&](RowKind kind, const char* section, const char* key_name) {
    absl::StrAppend(&out, "],\n\"", section, "\":[");
    bool first = true;
    for (const auto& [key, c] : Breakdown(r, kind)) {
      absl::StrAppend(&out, first ? "" : ",", "\n{\"", key_name, "\":", JsonQuote(key));
      first = false;
      if (kind == RowKind::kChannel) {
        absl::StrAppend(&out, ",\"received\":", (*c)[kReceived], "}");
        continue;
      }
      for (Counter k : kBreakdownCounters) {
        absl::StrAppend(&out, ",\"", CounterName(k), "\":", (*c)[k]);
      }
      const Rates rates = RatesOf(*c);
      absl::StrAppend(&out, ",\"on_time_rate\":", rates.on_time,
                      ",\"satisfaction_rate\":", rates.satisfaction,
                      ",\"resolution_rate\":", rates.resolution, "}");
    }
  };
  breakdown(RowKind::kCategory, "by_category", "category");
  breakdown(RowKind::kAppealType, "by_appeal_type", "appeal_type");
  breakdown(RowKind::kChannel, "by_channel", "channel");
  absl::StrAppend(&out, "]}\n");
  return out;
}

std::string ReportCsv(const MonthlyReport& r) {
  std::string out = "unit_id,name";
  for (int i = 0; i < kDispatchedRequiringAccept; ++i) absl::StrAppend(&out, ",", CounterName(static_cast<Counter>(i)));
  absl::StrAppend(&out, ",response_rate,on_time_rate,satisfaction_rate,resolution_rate,"
                        "mean_handle_hours\n");
  auto line = [&](const std::string& id, const std::string& name, const Counters& c) {
    absl::StrAppend(&out, CsvField(id), ",", CsvField(name));
    for (int i = 0; i < kDispatchedRequiringAccept; ++i) absl::StrAppend(&out, ",", Value(c, i));
    const Rates rates = RatesOf(c);
    for (const std::string* v : {&rates.response, &rates.on_time, &rates.satisfaction,
                                 &rates.resolution, &rates.mean_hours}) {
      absl::StrAppend(&out, ",", *v == "null" ? "" : *v);
    }
    out += "\n";
  };
  for (const auto& [id, name] : r.units) line(id, name, Row(r, RowKind::kUnit, id));
  line("centre", "centre", Row(r, RowKind::kCentre, ""));
  line("total", "total", Row(r, RowKind::kTotal, ""));
  return out;
}

std::string ReportTable(const MonthlyReport& r) {
  const Counters& total = Row(r, RowKind::kTotal, "");
  const Rates tr = RatesOf(total);
  std::string out = absl::StrCat(
      "月分析 ", r.month, "  (", r.time_zone, ", as of ", FormatLocal(r.window.as_of, r.zone),
      ", log position ", r.up_to_sequence, ")\n\n",
      "受理 received ", total[kReceived], "   即时办结 answered directly ",
      total[kAnsweredDirectly], "   派单 dispatched ", total[kDispatched], "   办结 completed ",
      total[kCompleted], "   回访 rated ", total[kRated], " (+", total[kUnreachable],
      " unreachable)\n",
      "响应率 response ", Percent(tr.response), "   按时办结率 on time ", Percent(tr.on_time),
      "   满意率 satisfaction ", Percent(tr.satisfaction), "   解决率 resolution ",
      Percent(tr.resolution), "   平均办理时长 mean hours ", tr.mean_hours == "null" ? "-" : tr.mean_hours,
      "\n\n");
  const std::vector<std::string> header = {"单位 unit", "派单", "退单", "办结", "按时",
                                           "超期未办", "延期", "督办", "重办", "回访",
                                           "响应率", "按时办结率", "满意率", "解决率"};
  std::vector<std::vector<std::string>> table = {header};
  auto add = [&](const std::string& name, const Counters& c) {
    const Rates rates = RatesOf(c);
    table.push_back({name, std::to_string(c[kDispatched]), std::to_string(c[kReturned]),
                     std::to_string(c[kCompleted]), std::to_string(c[kCompletedOnTime]),
                     std::to_string(c[kOverdueOpen]), std::to_string(c[kExtensionsApproved]),
                     std::to_string(c[kUrged]), std::to_string(c[kReopened]),
                     std::to_string(c[kRated]), Percent(rates.response), Percent(rates.on_time),
                     Percent(rates.satisfaction), Percent(rates.resolution)});
  };
  for (const auto& [id, name] : r.units) add(name, Row(r, RowKind::kUnit, id));
  add("中心 centre (direct answers)", Row(r, RowKind::kCentre, ""));
  add("合计 total", total);
  std::vector<size_t> widths(header.size(), 0);
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  }
  for (const auto& row : table) {
    for (size_t i = 0; i < row.size(); ++i) {
      absl::StrAppend(&out, i ? "  " : "", Pad(row[i], widths[i], i > 0));
    }
    out += "\n";
  }
  std::vector<std::string> categories;
  for (const auto& [key, c] : Breakdown(r, RowKind::kCategory)) {
    categories.push_back(absl::StrCat(key, " ", (*c)[kReceived]));
  }
  absl::StrAppend(&out, "\n诉求类别 received by category: ", absl::StrJoin(categories, ", "), "\n");
  return out;
}

}  // namespace hotline::engine
