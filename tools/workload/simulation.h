#ifndef HOTLINE_TOOLS_WORKLOAD_SIMULATION_H_
#define HOTLINE_TOOLS_WORKLOAD_SIMULATION_H_

// Simulated traffic of a district hotline centre through the real command
// path (Engine::Execute): units and the 2022 China-calendar policy, then day
// by day citizens' appeals with whole life cycles — direct answers, returns
// (some rejected), extensions, urges, late replies, rejected replies,
// ratings near 98% satisfied, reopens, merges, withdrawals — and the SLA
// timers fired as days pass. Deterministic for a seed: every random draw
// comes from generators seeded by (seed, day) or (seed, ticket), and events
// run in (time, order of scheduling) order.
//
// Shared by `hotline simulate`, the tests and the benchmarks.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "engine/engine.h"

namespace hotline::workload {

// The engine clock a simulation drives: give Now() to EngineOptions::clock.
class SimClock {
 public:
  absl::Time Now() const { return absl::FromUnixMicros(micros_.load()); }
  void Set(absl::Time t) { micros_.store(absl::ToUnixMicros(t)); }

 private:
  std::atomic<int64_t> micros_{0};
};

struct SimulationOptions {
  absl::CivilDay from;            // first day simulated
  absl::CivilDay to;              // last day simulated (inclusive)
  int tickets_per_year = 6000;
  uint64_t seed = 2022;
  // When set, every command executed is appended here, in order (the timer
  // sweeps are not commands and are left out): benchmarks replay them to
  // time Engine::Execute alone.
  std::vector<hotline::v1::Command>* executed = nullptr;
};

struct SimulationResult {
  uint64_t tickets = 0;       // appeals received
  uint64_t commands = 0;      // commands executed, OK or not
  uint64_t timers_fired = 0;
  // Refused commands by status code name; a correct simulation has none.
  std::map<std::string, uint64_t> refused;
};

// Runs the simulation against `engine`, whose clock must read `clock`. The
// units and the policy are set up on the day before `from` unless the
// directory has them already. Returns what it did; errors are the engine's
// (I/O), not refusals. `progress` gets (days done, days total).
absl::StatusOr<SimulationResult> Simulate(
    engine::Engine* engine, SimClock* clock, const SimulationOptions& options,
    const std::function<void(int64_t, int64_t)>& progress = nullptr);

}  // namespace hotline::workload

#endif  // HOTLINE_TOOLS_WORKLOAD_SIMULATION_H_
