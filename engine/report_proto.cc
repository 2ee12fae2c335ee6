#include "engine/report_proto.h"

#include <algorithm>

#include "engine/time_util.h"

namespace hotline::engine {
namespace {

// Counters' fields are numbered as the Counter enum, from 1.
void Fill(const Counters& counters, hotline::v1::Counters* out) {
  const auto* descriptor = out->GetDescriptor();
  const auto* reflection = out->GetReflection();
  for (int i = 0; i < kCounterCount; ++i) {
    reflection->SetUInt64(out, descriptor->FindFieldByNumber(i + 1),
                          static_cast<uint64_t>(std::max<int64_t>(0, counters[i])));
  }
}

}  // namespace

hotline::v1::MonthlyReport ReportProto(const MonthlyReport& report) {
  hotline::v1::MonthlyReport out;
  out.set_month(report.month);
  out.set_as_of(FormatLocal(report.window.as_of, report.zone));
  out.set_up_to_sequence(report.up_to_sequence);
  out.set_time_zone(report.time_zone);
  auto row = [&](RowKind kind, const std::string& key) {
    static const Counters kZero{};
    auto it = report.rows.find(RowKey{kind, key});
    return it == report.rows.end() ? kZero : it->second;
  };
  Fill(row(RowKind::kTotal, ""), out.mutable_total());
  Fill(row(RowKind::kCentre, ""), out.mutable_centre());
  for (const auto& [id, name] : report.units) {
    hotline::v1::UnitRow* unit = out.add_units();
    unit->set_unit_id(id);
    unit->set_name(name);
    Fill(row(RowKind::kUnit, id), unit->mutable_counters());
  }
  for (const auto& [key, counters] : report.rows) {
    hotline::v1::KeyedRow* keyed = key.kind == RowKind::kCategory     ? out.add_by_category()
                                   : key.kind == RowKind::kAppealType ? out.add_by_appeal_type()
                                   : key.kind == RowKind::kChannel    ? out.add_by_channel()
                                                                      : nullptr;
    if (keyed == nullptr) continue;
    keyed->set_key(key.key);
    Fill(counters, keyed->mutable_counters());
  }
  out.set_json(ReportJson(report));
  return out;
}

}  // namespace hotline::engine
