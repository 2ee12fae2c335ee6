#ifndef HOTLINE_SERVER_ENGINE_GAUGES_H_
#define HOTLINE_SERVER_ENGINE_GAUGES_H_

// The gauges of /metrics read off the engine at scrape time: events in the
// log, open tickets, overdue deadlines, and how far the statistics
// projection trails the log.

#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "engine/engine.h"

namespace hotline::server {

class EngineGauges {
 public:
  // Open tickets are counted by a pass over every ticket state (a district's
  // few thousand: milliseconds), at most once per `open_tickets_every` so
  // that a flood of scrapes costs no more; the other gauges are read fresh.
  explicit EngineGauges(engine::Engine* engine,
                        absl::Duration open_tickets_every = absl::Seconds(1))
      : engine_(engine), open_tickets_every_(open_tickets_every) {}

  // The gauges in the Prometheus text format; a gauge that cannot be read
  // is left out (and its error is in hotline_gauge_errors_total).
  std::string Render();

 private:
  engine::Engine* engine_;
  const absl::Duration open_tickets_every_;
  absl::Mutex mu_;
  absl::Time open_tickets_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint64_t open_tickets_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t errors_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace hotline::server

#endif  // HOTLINE_SERVER_ENGINE_GAUGES_H_
