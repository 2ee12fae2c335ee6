#ifndef HOTLINE_TOOLS_WORKLOAD_DISTRICT_H_
#define HOTLINE_TOOLS_WORKLOAD_DISTRICT_H_

// The seed's district: its handling units and the appeals its residents
// make, with the proportions the simulator draws from. Data only.

#include <string>
#include <vector>

#include "hotline/v1/enums.pb.h"

namespace hotline::workload {

struct UnitSpec {
  const char* id;
  const char* name;
  hotline::v1::UnitKind::Value kind;
};

// 29 departments, 3 street offices (崇业办 among them) and 金城社区.
const std::vector<UnitSpec>& DistrictUnits();

struct CategorySpec {
  const char* code;                // its Open311 service_code
  const char* name;
  int weight;                      // relative frequency
  std::vector<const char*> units;  // who handles it (ids of DistrictUnits)
  const char* title;               // a typical appeal
};

// Appeal categories of a Chinese district hotline in 2022.
const std::vector<CategorySpec>& DistrictCategories();

template <typename T>
struct Weighted {
  T value;
  int weight;
};

const std::vector<Weighted<hotline::v1::Channel::Value>>& ChannelMix();
const std::vector<Weighted<hotline::v1::AppealType::Value>>& AppealTypeMix();

}  // namespace hotline::workload

#endif  // HOTLINE_TOOLS_WORKLOAD_DISTRICT_H_
