#ifndef HOTLINE_TESTS_PROJECTION_CONTENTS_H_
#define HOTLINE_TESTS_PROJECTION_CONTENTS_H_

// Every projection an engine's store keeps — ticket states, the timer index,
// the statistics rows and ticket records — as "family:key" -> value, for
// tests that compare two stores' projections byte for byte.

#include <map>
#include <string>

#include "engine/engine.h"

namespace hotline::testing {

std::map<std::string, std::string> ProjectionContents(const engine::Engine& engine);

}  // namespace hotline::testing

#endif  // HOTLINE_TESTS_PROJECTION_CONTENTS_H_
