#include "server/engine_gauges.h"

#include "absl/strings/str_cat.h"
#include "hotline/v1/state.pb.h"
#include "server/metrics_registry.h"

namespace hotline::server {

std::string EngineGauges::Render() {
  absl::MutexLock lock(&mu_);
  const store::EventLog& log = engine_->log();
  const uint64_t head = log.head().sequence;
  std::string out = RenderGauge("hotline_events", "Events in the log (its head sequence).",
                                static_cast<double>(head));
  const absl::Time now = absl::Now();
  if (now - open_tickets_at_ >= open_tickets_every_) {
    uint64_t open = 0;
    absl::Status s = log.ScanFamily(
        store::Family::kState, "", [&](absl::string_view, absl::string_view value) {
          hotline::v1::TicketState state;
          if (state.ParseFromArray(value.data(), static_cast<int>(value.size())) &&
              state.state() != hotline::v1::TicketStatus::CLOSED) {
            ++open;
          }
          return absl::OkStatus();
        });
    if (s.ok()) {
      open_tickets_ = open;
      open_tickets_at_ = now;
    } else {
      ++errors_;
    }
  }
  absl::StrAppend(&out, RenderGauge("hotline_open_tickets",
                                    "Tickets not closed (counted at most once a second).",
                                    static_cast<double>(open_tickets_)));
  if (auto overdue = engine_->Overdue(engine_->Now()); overdue.ok()) {
    absl::StrAppend(&out, RenderGauge("hotline_overdue_deadlines",
                                      "Deadlines owed and passed now.",
                                      static_cast<double>(overdue->size())));
  } else {
    ++errors_;
  }
  if (auto folded = log.ReadCheckpoint(engine::StatsProjection::kCheckpoint); folded.ok()) {
    absl::StrAppend(
        &out, RenderGauge("hotline_statistics_lag_events",
                          "Events committed but not yet in the saved statistics projection.",
                          static_cast<double>(head > *folded ? head - *folded : 0)));
  } else {
    ++errors_;
  }
  absl::StrAppend(&out,
                  "# HELP hotline_gauge_errors_total Gauges that could not be read.\n"
                  "# TYPE hotline_gauge_errors_total counter\nhotline_gauge_errors_total ",
                  errors_, "\n");
  return out;
}

}  // namespace hotline::server
