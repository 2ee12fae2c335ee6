#include "engine/directory.h"

namespace hotline::engine {

Directory::Directory()
    : policy_(std::shared_ptr<const SlaPolicy>(&SlaPolicy::Default(),
                                               [](const SlaPolicy*) {})) {}

const hotline::v1::Unit* Directory::FindUnit(const std::string& unit_id) const {
  auto it = units_.find(unit_id);
  return it == units_.end() ? nullptr : &it->second;
}

absl::StatusOr<std::shared_ptr<const Directory>> Directory::With(
    const hotline::v1::Event& event) const {
  auto next = std::make_shared<Directory>(*this);
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

}  // namespace hotline::engine
