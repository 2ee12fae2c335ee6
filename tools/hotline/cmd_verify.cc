// hotline verify: the auditor's check of the log and every projection.

#include <cstdio>

#include "absl/strings/escaping.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  auto engine = OpenEngine(flags, /*writable=*/false);
  if (!engine.ok()) return Fail("verify", engine.status());
  auto result = (*engine)->Verify();
  if (!result.ok()) return Fail("verify", result.status());
  const store::ChainReport& chain = result->chain;
  std::printf("hash chain      %llu records checked: sequence gapless from 1, each prev_hash "
              "and SHA-256 hash, stream versions, %llu stream index entries, head\n",
              static_cast<unsigned long long>(chain.records),
              static_cast<unsigned long long>(chain.stream_entries));
  if (!chain.ok()) {
    std::printf("FAULT           sequence %llu: %s\n",
                static_cast<unsigned long long>(chain.fault->sequence),
                chain.fault->what.c_str());
    return kExitFailure;
  }
  std::printf("head            %s\n", absl::BytesToHexString((*engine)->log().head().hash).c_str());
  std::printf("ticket states   %llu compared with a replay of their streams\n",
              static_cast<unsigned long long>(result->tickets));
  std::printf("timer index     %llu entries compared with the replayed states\n",
              static_cast<unsigned long long>(result->timers));
  std::printf("statistics      compared with a refold of the log up to position %llu\n",
              static_cast<unsigned long long>(result->stats_position));
  for (const std::string& fault : result->faults) std::printf("FAULT           %s\n", fault.c_str());
  std::printf("%s\n", result->ok() ? "OK" : "FAILED");
  return result->ok() ? kExitOk : kExitFailure;
}

}  // namespace

Subcommand VerifyCommand() {
  return {"verify", "verify",
          "Check the hash chain, the gapless sequence and the stream index, and that every "
          "maintained projection equals a fresh rebuild; print what was checked and the "
          "first fault.",
          {}, 0, 0, Run};
}

}  // namespace hotline::cli
