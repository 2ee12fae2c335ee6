// hotline rebuild: throw the projections away and rebuild them from the log.

#include <cstdio>

#include "absl/time/clock.h"
#include "tools/hotline/cli.h"
#include "tools/hotline/progress.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  // The rebuilt projections are synced once at the end, not per batch.
  engine::EngineOptions options;
  options.sync = false;
  if (absl::Status s = SetUpMasterKey(flags, &options); !s.ok()) {
    return Usage(FindSubcommand("rebuild"), s);
  }
  auto engine = engine::Engine::Open(flags.db(), options);
  if (!engine.ok()) return Fail("rebuild", engine.status());
  Progress progress("rebuilding");
  const absl::Time start = absl::Now();
  absl::Status s = (*engine)->RebuildProjections(
      [&](uint64_t done, uint64_t total) { progress.Update(done, total); });
  progress.Done();
  if (!s.ok()) return Fail("rebuild", s);
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const uint64_t events = (*engine)->log().head().sequence;
  if (absl::Status closed = (*engine)->Close(); !closed.ok()) return Fail("rebuild", closed);
  std::printf("rebuilt ticket states, timer index and statistics from %llu events in %.2f s "
              "(%.0f events/s)\n",
              static_cast<unsigned long long>(events), seconds,
              seconds > 0 ? static_cast<double>(events) / seconds : 0.0);
  return kExitOk;
}

}  // namespace

Subcommand RebuildCommand() {
  return {"rebuild",
          "rebuild",
          "Throw away the ticket states, the timer index and the monthly statistics and "
          "rebuild them from the log alone (after an upgrade, or to repair what verify "
          "reported). Commands must not run meanwhile: it takes the store's lock.",
          {},
          0,
          0,
          Run};
}

}  // namespace hotline::cli
