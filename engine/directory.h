#ifndef HOTLINE_ENGINE_DIRECTORY_H_
#define HOTLINE_ENGINE_DIRECTORY_H_

// The directory: units (承办单位) from the `$units` stream and the SLA policy
// in force from the `$policy` stream. An immutable snapshot; applying an
// event makes a new one. Safe to share between threads.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "engine/sla_policy.h"
#include "store/event_log.h"
#include "hotline/v1/events.pb.h"
#include "hotline/v1/state.pb.h"

namespace hotline::engine {

inline constexpr char kUnitsStream[] = "$units";
inline constexpr char kPolicyStream[] = "$policy";

class Directory {
 public:
  // No units, the default policy (SlaPolicy::Default, whose error it
  // returns), both streams at version 0.
  static absl::StatusOr<std::shared_ptr<const Directory>> Initial();

  // The unit, or nullptr when none is registered under `unit_id`.
  const hotline::v1::Unit* FindUnit(const std::string& unit_id) const;
  // Every registered unit, active or not, ordered by unit id.
  const std::map<std::string, hotline::v1::Unit>& units() const { return units_; }
  const SlaPolicy& policy() const { return *policy_; }

  uint64_t units_version() const { return units_version_; }
  uint64_t policy_version() const { return policy_version_; }

  // The directory after `event` (UnitRegistered, UnitUpdated or
  // PolicyPublished; others leave it unchanged). INVALID_ARGUMENT when a
  // published policy does not validate (a log written by this library never
  // holds one).
  absl::StatusOr<std::shared_ptr<const Directory>> With(
      const hotline::v1::Event& event) const;

 private:
  explicit Directory(std::shared_ptr<const SlaPolicy> policy) : policy_(std::move(policy)) {}

  std::map<std::string, hotline::v1::Unit> units_;
  std::shared_ptr<const SlaPolicy> policy_;
  uint64_t units_version_ = 0;
  uint64_t policy_version_ = 0;
};

// The directory as the log's `$units` and `$policy` streams leave it after
// the record at `up_to_sequence` (the whole log by default). DATA_LOSS for an
// undecodable event; Initial's and With's errors.
absl::StatusOr<std::shared_ptr<const Directory>> ReadDirectory(
    const store::EventLog& log, uint64_t up_to_sequence = UINT64_MAX);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_DIRECTORY_H_
