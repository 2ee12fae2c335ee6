#include "engine/report_from_log.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "engine/directory.h"
#include "engine/event_codec.h"
#include "engine/time_util.h"
#include "store/status_macros.h"

namespace hotline::engine {

absl::StatusOr<DirectoryAt> ReadDirectoryAt(const store::EventLog& log,
                                            uint64_t up_to_sequence) {
  HOTLINE_ASSIGN_OR_RETURN(std::shared_ptr<const Directory> directory,
                           ReadDirectory(log, up_to_sequence));
  DirectoryAt out;
  for (const auto& [id, unit] : directory->units()) out.units.emplace_back(id, unit.name());
  out.time_zone = directory->policy().calendar().zone().name();
  return out;
}

absl::StatusOr<MonthlyReport> ReportFromLog(const store::EventLog& log,
                                            const ReportQuery& query) {
  HOTLINE_ASSIGN_OR_RETURN(absl::CivilMonth month, ParseMonth(query.month));
  const uint64_t head = log.head().sequence;
  const uint64_t up_to = query.up_to_sequence.value_or(head);
  if (up_to > head) {
    return absl::InvalidArgumentError(
        absl::StrCat("up_to_sequence ", up_to, " is past the log's head ", head));
  }
  HOTLINE_ASSIGN_OR_RETURN(DirectoryAt directory, ReadDirectoryAt(log, up_to));
  MonthlyReport report;
  report.month = query.month;
  report.up_to_sequence = up_to;
  report.time_zone = directory.time_zone;
  if (!absl::LoadTimeZone(report.time_zone, &report.zone)) {
    return absl::DataLossError(absl::StrCat("unknown time zone ", report.time_zone));
  }
  report.window = WindowOf(month, report.zone, query.as_of);
  report.units = std::move(directory.units);

  ReportSink sink(&report);
  absl::flat_hash_map<std::string, hotline::v1::StatsTrack> tracks;
  hotline::v1::EventEnvelope envelope;
  HOTLINE_RETURN_IF_ERROR(log.Scan(1, up_to, [&](const store::Record& record) {
    if (record.stream_id.starts_with('$')) return absl::OkStatus();
    envelope.Clear();
    HOTLINE_RETURN_IF_ERROR(DecodeEvent(record, &envelope));
    FoldStatsEvent(envelope, &tracks[record.stream_id], &sink);
    return absl::OkStatus();
  }));
  // Tickets still owing a reply at the end of the log owe it from their
  // last event on.
  for (const auto& [id, track] : tracks) {
    if (!track.owing()) continue;
    sink.Owed(track.lead_unit(), FromProto(track.last_at()), absl::InfiniteFuture(),
              FromProto(track.handle_deadline()));
  }
  return report;
}

}  // namespace hotline::engine
