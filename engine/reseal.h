#ifndef HOTLINE_ENGINE_RESEAL_H_
#define HOTLINE_ENGINE_RESEAL_H_

// Reseal: a log whose personal data was written in the clear (before
// sealing, or without a master key) copied into a new store with every
// personal field sealed (docs/personal-data.md, "Events written before
// sealing"). Every event keeps its position, stream, version, command id,
// times, actor and business fields; its bytes, and so its hash and every
// hash after it, change. The two logs are linked by a statement naming both
// tree heads, which the operator signs.

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "engine/personal_data.h"
#include "store/event_log.h"
#include "store/signed_note.h"

namespace hotline::engine {

struct ResealResult {
  store::TreeHead from;     // the source log's tree head (default origin)
  store::TreeHead to;       // the new log's
  uint64_t sealed = 0;      // events whose personal fields were sealed now
  uint64_t kept_sealed = 0; // events already sealed whose key is gone: copied as they were
};

// Copies `from` (read through `from_keys`, the source's personal data, so
// that fields it sealed are sealed again under the new store's keys) into
// a new store at `to_path` sealed under `master_key` (32 bytes), then
// rebuilds the new store's projections. The source's chain is verified
// first: DATA_LOSS naming its first fault. FAILED_PRECONDITION when
// `to_path` holds a store. `progress` gets (events done, events total).
absl::StatusOr<ResealResult> Reseal(const store::EventLog& from, const PersonalData& from_keys,
                                    const std::string& to_path, const std::string& master_key,
                                    const std::function<void(uint64_t, uint64_t)>& progress);

// The statement linking the two logs, to sign (store::SignNote):
//   "hotline reseal\nfrom <origin> <size> <base64 root>\nto <origin> <size> <base64 root>\n"
std::string ResealStatement(const ResealResult& result);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_RESEAL_H_
