#include "engine/directory.h"

#include "engine/event_codec.h"
#include "store/status_macros.h"

namespace hotline::engine {

absl::StatusOr<std::shared_ptr<const Directory>> Directory::Initial() {
  HOTLINE_ASSIGN_OR_RETURN(std::shared_ptr<const SlaPolicy> policy, SlaPolicy::Default());
  return std::shared_ptr<const Directory>(new Directory(std::move(policy)));
}

const hotline::v1::Unit* Directory::FindUnit(const std::string& unit_id) const {
  auto it = units_.find(unit_id);
  return it == units_.end() ? nullptr : &it->second;
}

absl::StatusOr<std::shared_ptr<const Directory>> Directory::With(
    const hotline::v1::Event& event) const {
  auto next = std::shared_ptr<Directory>(new Directory(*this));
  switch (event.payload_case()) {
    case hotline::v1::Event::kUnitRegistered: {
      const auto& e = event.unit_registered();
      hotline::v1::Unit& unit = next->units_[e.unit_id()];
      unit.set_unit_id(e.unit_id());
      unit.set_name(e.name());
      unit.set_kind(e.kind());
      unit.set_active(true);
      ++next->units_version_;
      break;
    }
    case hotline::v1::Event::kUnitUpdated: {
      const auto& e = event.unit_updated();
      hotline::v1::Unit& unit = next->units_[e.unit_id()];
      if (e.has_name()) unit.set_name(e.name());
      if (e.has_active()) unit.set_active(e.active());
      ++next->units_version_;
      break;
    }
    case hotline::v1::Event::kPolicyPublished: {
      auto policy = SlaPolicy::Make(event.policy_published().policy());
      if (!policy.ok()) return policy.status();
      next->policy_ = *std::move(policy);
      ++next->policy_version_;
      break;
    }
    default:
      break;
  }
  return std::shared_ptr<const Directory>(std::move(next));
}

absl::StatusOr<std::shared_ptr<const Directory>> ReadDirectory(const store::EventLog& log,
                                                               uint64_t up_to_sequence) {
  HOTLINE_ASSIGN_OR_RETURN(std::shared_ptr<const Directory> directory, Directory::Initial());
  for (const char* stream : {kUnitsStream, kPolicyStream}) {
    HOTLINE_ASSIGN_OR_RETURN(std::vector<store::Record> records, log.ReadStream(stream));
    for (const store::Record& record : records) {
      if (record.sequence > up_to_sequence) break;
      hotline::v1::EventEnvelope envelope;
      HOTLINE_RETURN_IF_ERROR(DecodeEvent(record, &envelope));
      HOTLINE_ASSIGN_OR_RETURN(directory, directory->With(envelope.event()));
    }
  }
  return directory;
}

}  // namespace hotline::engine
