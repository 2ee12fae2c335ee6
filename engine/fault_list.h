#ifndef HOTLINE_ENGINE_FAULT_LIST_H_
#define HOTLINE_ENGINE_FAULT_LIST_H_

// Internal: the lines a verification reports, bounded. A store whose every
// projection is wrong would otherwise give a line per ticket, and the
// auditor's check would hold the whole store's worth of lines in memory.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace hotline::engine {

class FaultList {
 public:
  // At most this many lines are kept; the rest are counted.
  static constexpr size_t kKept = 100;

  void Add(std::string line) {
    if (lines_.size() < kKept) {
      lines_.push_back(std::move(line));
    } else {
      ++more_;
    }
  }

  // The lines kept, then one that counts those that were not.
  std::vector<std::string> Take() && {
    if (more_ > 0) lines_.push_back(absl::StrCat(more_, " more faults not listed"));
    return std::move(lines_);
  }

 private:
  std::vector<std::string> lines_;
  uint64_t more_ = 0;
};

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_FAULT_LIST_H_
