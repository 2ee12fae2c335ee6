// hotline stats: what the store holds.

#include <cstdio>

#include "absl/strings/escaping.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  auto engine = OpenEngine(flags, /*writable=*/false);
  if (!engine.ok()) return Fail("stats", engine.status());
  const store::EventLog& log = (*engine)->log();
  uint64_t tickets = 0;
  absl::Status s = log.ScanFamily(store::Family::kState, "",
                                  [&](absl::string_view, absl::string_view) {
                                    ++tickets;
                                    return absl::OkStatus();
                                  });
  if (!s.ok()) return Fail("stats", s);
  const auto directory = (*engine)->directory();
  const store::Head head = log.head();
  std::printf("events          %llu\n", static_cast<unsigned long long>(head.sequence));
  std::printf("tickets         %llu\n", static_cast<unsigned long long>(tickets));
  std::printf("streams         %llu\n",
              static_cast<unsigned long long>(tickets + (directory->units_version() > 0) +
                                              (directory->policy_version() > 0)));
  std::printf("units           %zu\n", directory->units().size());
  std::printf("bytes on disk   %llu\n",
              static_cast<unsigned long long>(log.ApproximateBytes()));
  std::printf("head sequence   %llu\n", static_cast<unsigned long long>(head.sequence));
  std::printf("head hash       %s\n", absl::BytesToHexString(head.hash).c_str());
  return kExitOk;
}

}  // namespace

Subcommand StatsCommand() {
  return {"stats", "stats",
          "Events, tickets, streams, bytes on disk, head sequence and hash.", {}, 0, 0,
          Run};
}

}  // namespace hotline::cli
