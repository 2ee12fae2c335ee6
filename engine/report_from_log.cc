#include "engine/report_from_log.h"

#include "absl/strings/str_cat.h"
#include "engine/directory.h"
#include "engine/ticket_streams_fold.h"
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
  HOTLINE_RETURN_IF_ERROR(FoldTicketStreams<hotline::v1::StatsTrack>(
      log, up_to,
      [&](const store::Record&, const hotline::v1::EventEnvelope& event,
          hotline::v1::StatsTrack* track) {
        FoldStatsEvent(event, track, &sink);
        return absl::OkStatus();
      },
      [&](const std::string&, hotline::v1::StatsTrack* track) {
        // A ticket still owing a reply at the end of the log owes it from
        // its last event on.
        if (track->owing()) {
          sink.Owed(track->lead_unit(), FromProto(track->last_at()), absl::InfiniteFuture(),
                    FromProto(track->handle_deadline()));
        }
        return absl::OkStatus();
      }));
  return report;
}

}  // namespace hotline::engine
