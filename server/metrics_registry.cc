#include "server/metrics_registry.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace hotline::server {
namespace {

// Nine significant digits: bounds print as written (0.00025), sums of
// latencies keep nanoseconds.
std::string Number(double v) { return absl::StrFormat("%.9g", v); }

std::vector<double> LatencyBounds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
          2.5,    5,       10};
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1) {}

void Histogram::Observe(double value) {
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  double sum = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(sum, sum + value, std::memory_order_relaxed)) {
  }
}

std::string Histogram::Render(const std::string& name, const std::string& help) const {
  std::string out = absl::StrCat("# HELP ", name, " ", help, "\n# TYPE ", name, " histogram\n");
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i].load(std::memory_order_relaxed);
    absl::StrAppend(&out, name, "_bucket{le=\"", i < bounds_.size() ? Number(bounds_[i]) : "+Inf",
                    "\"} ", cumulative, "\n");
  }
  // _count equals the +Inf bucket, as the format requires, even while
  // observations race with rendering.
  absl::StrAppend(&out, name, "_sum ", Number(sum_.load(std::memory_order_relaxed)), "\n", name,
                  "_count ", cumulative, "\n");
  return out;
}

ServiceMetrics::ServiceMetrics()
    : append_latency_(LatencyBounds()),
      group_commit_size_({1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}),
      fsync_latency_(LatencyBounds()) {}

void ServiceMetrics::CommandDone(absl::StatusCode code, absl::Duration latency) {
  const int i = static_cast<int>(code);
  commands_[i >= 0 && i < kCodes ? i : static_cast<int>(absl::StatusCode::kUnknown)]++;
  append_latency_.Observe(absl::ToDoubleSeconds(latency));
}

void ServiceMetrics::GroupCommitted(size_t appends, absl::Duration write_time, bool synced) {
  group_commit_size_.Observe(static_cast<double>(appends));
  if (synced) fsync_latency_.Observe(absl::ToDoubleSeconds(write_time));
}

std::string ServiceMetrics::Render() const {
  std::string out =
      "# HELP hotline_commands_total Commands executed, by outcome (the engine's status code).\n"
      "# TYPE hotline_commands_total counter\n";
  for (int i = 0; i < kCodes; ++i) {
    absl::StrAppend(&out, "hotline_commands_total{code=\"",
                    absl::StatusCodeToString(static_cast<absl::StatusCode>(i)), "\"} ",
                    commands_[i].load(std::memory_order_relaxed), "\n");
  }
  absl::StrAppend(
      &out,
      append_latency_.Render("hotline_append_latency_seconds",
                             "Time to execute a command: decide, append, and fsync with sync on."),
      group_commit_size_.Render("hotline_group_commit_size",
                                "Appends written by one group commit (one WriteBatch)."),
      fsync_latency_.Render("hotline_fsync_latency_seconds",
                            "Time of one synced group write: the WAL append and its fsync."),
      "# HELP hotline_timer_firings_total Deadlines the service's timer loop fired.\n"
      "# TYPE hotline_timer_firings_total counter\nhotline_timer_firings_total ",
      timer_firings_.load(std::memory_order_relaxed), "\n");
  return out;
}

std::string RenderGauge(const std::string& name, const std::string& help, double value) {
  return absl::StrCat("# HELP ", name, " ", help, "\n# TYPE ", name, " gauge\n", name, " ",
                      Number(value), "\n");
}

}  // namespace hotline::server
