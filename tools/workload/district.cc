#include "tools/workload/district.h"

namespace hotline::workload {

using hotline::v1::AppealType;
using hotline::v1::Channel;
using hotline::v1::UnitKind;

const std::vector<UnitSpec>& DistrictUnits() {
  static const auto* const kUnits = new std::vector<UnitSpec>{
      {"D01", "区发展和改革局", UnitKind::DEPARTMENT},
      {"D02", "区教育局", UnitKind::DEPARTMENT},
      {"D03", "区公安分局", UnitKind::DEPARTMENT},
      {"D04", "区民政局", UnitKind::DEPARTMENT},
      {"D05", "区司法局", UnitKind::DEPARTMENT},
      {"D06", "区财政局", UnitKind::DEPARTMENT},
      {"D07", "区人力资源和社会保障局", UnitKind::DEPARTMENT},
      {"D08", "区自然资源局", UnitKind::DEPARTMENT},
      {"D09", "区生态环境局", UnitKind::DEPARTMENT},
      {"D10", "区住房和城乡建设局", UnitKind::DEPARTMENT},
      {"D11", "区城市管理局", UnitKind::DEPARTMENT},
      {"D12", "区交通运输局", UnitKind::DEPARTMENT},
      {"D13", "区水务局", UnitKind::DEPARTMENT},
      {"D14", "区农业农村局", UnitKind::DEPARTMENT},
      {"D15", "区商务局", UnitKind::DEPARTMENT},
      {"D16", "区文化广电旅游局", UnitKind::DEPARTMENT},
      {"D17", "区卫生健康局", UnitKind::DEPARTMENT},
      {"D18", "区应急管理局", UnitKind::DEPARTMENT},
      {"D19", "区审计局", UnitKind::DEPARTMENT},
      {"D20", "区市场监督管理局", UnitKind::DEPARTMENT},
      {"D21", "区统计局", UnitKind::DEPARTMENT},
      {"D22", "区医疗保障局", UnitKind::DEPARTMENT},
      {"D23", "区信访局", UnitKind::DEPARTMENT},
      {"D24", "区退役军人事务局", UnitKind::DEPARTMENT},
      {"D25", "区城管执法局", UnitKind::DEPARTMENT},
      {"D26", "区供电公司", UnitKind::DEPARTMENT},
      {"D27", "区燃气公司", UnitKind::DEPARTMENT},
      {"D28", "区自来水公司", UnitKind::DEPARTMENT},
      {"D29", "区政务服务和大数据局", UnitKind::DEPARTMENT},
      {"S01", "崇业办", UnitKind::SUBDISTRICT},
      {"S02", "新华办", UnitKind::SUBDISTRICT},
      {"S03", "东山办", UnitKind::SUBDISTRICT},
      {"C01", "金城社区", UnitKind::COMMUNITY},
  };
  return *kUnits;
}

const std::vector<CategorySpec>& DistrictCategories() {
  static const auto* const kCategories = new std::vector<CategorySpec>{
      {"housing", "住房保障", 9, {"D10", "D08", "D04"}, "公租房申请进度咨询"},
      {"cityscape", "市容市貌", 12, {"D11", "D25", "S01", "S02", "S03"}, "小区门口占道经营"},
      {"environment", "环境保护", 8, {"D09", "D25"}, "餐馆油烟扰民"},
      {"property", "物业管理", 12, {"D10", "S01", "S02", "S03", "C01"}, "物业不作为电梯长期停运"},
      {"utilities", "水电气暖", 11, {"D26", "D27", "D28", "D13"}, "小区突然停水未通知"},
      {"consumer", "消费维权", 8, {"D20", "D15"}, "预付卡商家跑路"},
      {"conduct", "作风效能", 3, {"D29", "D23", "D07"}, "窗口办事人员态度差"},
      {"wages", "欠薪社保", 6, {"D07", "D22"}, "工地拖欠农民工工资"},
      {"noise", "噪音扰民", 11, {"D09", "D03", "D25"}, "夜间施工噪音扰民"},
      {"epidemic", "疫情防控", 10, {"D17", "S01", "S02", "S03", "C01"}, "核酸检测点设置咨询"},
      {"transport", "交通出行", 6, {"D12", "D03"}, "公交线路调整建议"},
      {"education", "教育", 4, {"D02"}, "学位申请咨询"},
  };
  return *kCategories;
}

const std::vector<Weighted<Channel::Value>>& ChannelMix() {
  static const auto* const kMix = new std::vector<Weighted<Channel::Value>>{
      {Channel::PHONE, 62}, {Channel::WECHAT, 12}, {Channel::APP, 9}, {Channel::WEB, 8},
      {Channel::MESSAGE_BOARD, 6}, {Channel::EMAIL, 2}, {Channel::OTHER, 1}};
  return *kMix;
}

const std::vector<Weighted<AppealType::Value>>& AppealTypeMix() {
  static const auto* const kMix = new std::vector<Weighted<AppealType::Value>>{
      {AppealType::COMPLAINT, 38},  {AppealType::CONSULTATION, 30},
      {AppealType::REQUEST_FOR_HELP, 16}, {AppealType::REPORT, 8},
      {AppealType::SUGGESTION, 6},  {AppealType::PRAISE, 2}};
  return *kMix;
}

}  // namespace hotline::workload
