#include "tests/projection_contents.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace hotline::testing {

std::map<std::string, std::string> ProjectionContents(const engine::Engine& engine) {
  std::map<std::string, std::string> all;
  for (auto family : {store::Family::kState, store::Family::kProjections}) {
    EXPECT_TRUE(engine.log()
                    .ScanFamily(family, "",
                                [&](absl::string_view k, absl::string_view v) {
                                  all[absl::StrCat(static_cast<int>(family), ":", k)] =
                                      std::string(v);
                                  return absl::OkStatus();
                                })
                    .ok());
  }
  return all;
}

}  // namespace hotline::testing
