#ifndef HOTLINE_ENGINE_REPORT_PROTO_H_
#define HOTLINE_ENGINE_REPORT_PROTO_H_

// The monthly report as a hotline.v1.MonthlyReport message, for programs
// that take the report over the wire rather than as text.

#include "engine/monthly_report.h"
#include "hotline/v1/report.pb.h"

namespace hotline::engine {

// Every counter row of `report` (rows without a contribution are absent,
// i.e. all zeros; units listed with their latest names), plus `json`: the
// exact bytes of ReportJson(report).
hotline::v1::MonthlyReport ReportProto(const MonthlyReport& report);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_REPORT_PROTO_H_
