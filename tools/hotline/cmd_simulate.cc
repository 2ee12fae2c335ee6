// hotline simulate: synthetic traffic of a district centre.

#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/hotline/cli.h"
#include "tools/hotline/replication_flags.h"
#include "tools/hotline/progress.h"
#include "tools/workload/simulation.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const Subcommand& self = FindSubcommand("simulate");
  workload::SimulationOptions options;
  if (!flags.Has("from") || !absl::ParseCivilTime(*flags.Get("from"), &options.from)) {
    return Usage(self, absl::InvalidArgumentError("--from: expected a date YYYY-MM-DD"));
  }
  if (!flags.Has("to") || !absl::ParseCivilTime(*flags.Get("to"), &options.to)) {
    return Usage(self, absl::InvalidArgumentError("--to: expected a date YYYY-MM-DD"));
  }
  if (options.to < options.from) {
    return Usage(self, absl::InvalidArgumentError("--to is before --from"));
  }
  // Room for a province (about 20M appeals a year, 120M events); the
  // simulator holds the appeals in flight, a few GiB at the bound.
  constexpr int kMaxTicketsPerYear = 50000000;
  if (auto n = flags.Get("tickets-per-year");
      n && (!absl::SimpleAtoi(*n, &options.tickets_per_year) || options.tickets_per_year <= 0 ||
            options.tickets_per_year > kMaxTicketsPerYear)) {
    return Usage(self, absl::InvalidArgumentError(
                           absl::StrCat("--tickets-per-year: expected 1 to ", kMaxTicketsPerYear)));
  }
  if (auto s = flags.Get("seed"); s && !absl::SimpleAtoi(*s, &options.seed)) {
    return Usage(self, absl::InvalidArgumentError("--seed: expected a number"));
  }
  workload::SimClock clock;
  engine::EngineOptions engine_options;
  engine_options.clock = [&clock] { return clock.Now(); };
  engine_options.sync = !flags.Has("no-sync");
  // A province keeps hundreds of thousands of appeals in flight: caches of
  // the engine's default size would send most commands to the store for
  // their ticket's state and stream version (19% of the time of 4 days at
  // 17M appeals a year). They fill only as far as the traffic needs.
  engine_options.ticket_cache_entries = 1 << 20;
  engine_options.stream_cache_entries = 1 << 20;
  if (absl::Status s = SetUpMasterKey(flags, &engine_options); !s.ok()) {
    return Usage(FindSubcommand("simulate"), s);
  }
  if (absl::Status s = SetUpReplication(flags, &engine_options); !s.ok()) {
    return absl::IsInvalidArgument(s) ? Usage(FindSubcommand("simulate"), s) : Fail("simulate", s);
  }
  auto engine = engine::Engine::Open(flags.db(), engine_options);
  if (!engine.ok()) return Fail("simulate", engine.status());
  Progress progress("simulating days");
  auto result = workload::Simulate(engine->get(), &clock, options,
                                   [&](int64_t done, int64_t total) {
                                     progress.Update(done, total);
                                   });
  progress.Done();
  if (!result.ok()) return Fail("simulate", result.status());
  std::printf("simulated %s .. %s: %llu tickets, %llu commands, %llu timers fired, head %llu\n",
              flags.Get("from")->c_str(), flags.Get("to")->c_str(),
              static_cast<unsigned long long>(result->tickets),
              static_cast<unsigned long long>(result->commands),
              static_cast<unsigned long long>(result->timers_fired),
              static_cast<unsigned long long>((*engine)->log().head().sequence));
  for (const auto& [code, count] : result->refused) {
    std::printf("refused %s: %llu\n", code.c_str(), static_cast<unsigned long long>(count));
  }
  return result->refused.empty() ? kExitOk : kExitRefused;
}

}  // namespace

Subcommand SimulateCommand() {
  return WithReplicationFlags(
      {"simulate",
          "simulate --from DATE --to DATE [--tickets-per-year N] [--seed S] [--no-sync]",
          "Realistic synthetic traffic of a district centre (33 units, the 2022 China "
          "calendar policy, whole ticket life cycles, timers fired daily) through the real "
          "command path. Deterministic for a seed; a progress bar on a terminal.",
          {{"from", true, "first day, YYYY-MM-DD (required)"},
           {"to", true, "last day, YYYY-MM-DD (required)"},
           {"tickets-per-year", true, "appeals a year (default 6000)"},
           {"seed", true, "the random seed (default 2022)"},
           {"no-sync", false, "do not fsync each command (faster; for throwaway stores)"}},
          0,
          0,
          Run},
      /*promote=*/false);
}

}  // namespace hotline::cli
