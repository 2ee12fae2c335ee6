#ifndef HOTLINE_SERVER_METRICS_REGISTRY_H_
#define HOTLINE_SERVER_METRICS_REGISTRY_H_

// Counters and histograms of the service, rendered in the Prometheus text
// exposition format (version 0.0.4). Lock-free to update: they are bumped on
// every command and every group commit.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace hotline::server {

// A cumulative histogram with fixed upper bounds.
class Histogram {
 public:
  // `bounds`: the buckets' upper bounds, ascending, in the rendered unit.
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);
  // `name`_bucket{le=...}, `name`_sum and `name`_count lines with HELP/TYPE.
  std::string Render(const std::string& name, const std::string& help) const;

 private:
  const std::vector<double> bounds_;
  std::vector<std::atomic<uint64_t>> counts_;  // per bucket, plus +Inf last
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// What the service counts (see docs/service.md for each metric).
class ServiceMetrics {
 public:
  ServiceMetrics();

  // A command executed for a caller (gRPC Execute, an Open311 POST) with
  // its outcome and how long Engine::Execute took.
  void CommandDone(absl::StatusCode code, absl::Duration latency);
  // A group commit of the store (EngineOptions::on_group_commit).
  void GroupCommitted(size_t appends, absl::Duration write_time, bool synced);
  // Deadlines the service's timer loop fired.
  void TimersFired(size_t count) { timer_firings_ += count; }

  // The counters and histograms as Prometheus text.
  std::string Render() const;

 private:
  static constexpr int kCodes = 17;  // absl::StatusCode 0..16
  std::array<std::atomic<uint64_t>, kCodes> commands_{};
  std::atomic<uint64_t> timer_firings_{0};
  Histogram append_latency_;
  Histogram group_commit_size_;
  Histogram fsync_latency_;
};

// "# HELP/# TYPE" and one sample line of a gauge.
std::string RenderGauge(const std::string& name, const std::string& help, double value);

}  // namespace hotline::server

#endif  // HOTLINE_SERVER_METRICS_REGISTRY_H_
