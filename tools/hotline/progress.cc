#include "tools/hotline/progress.h"

#include <unistd.h>

#include <cstdio>

#include "absl/time/clock.h"

namespace hotline::cli {

Progress::Progress(std::string label) : label_(std::move(label)), enabled_(isatty(2)) {}

void Progress::Update(uint64_t done, uint64_t total) {
  if (!enabled_ || total == 0) return;
  const int64_t now = absl::ToUnixMillis(absl::Now());
  if (done < total && now - last_draw_ms_ < 100) return;
  last_draw_ms_ = now;
  constexpr int kWidth = 40;
  const int filled = static_cast<int>(kWidth * done / total);
  std::fprintf(stderr, "\r%s [%s%s] %3d%% %llu/%llu", label_.c_str(),
               std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
               static_cast<int>(100 * done / total), static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total));
  drawn_ = true;
}

void Progress::Done() {
  if (drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

}  // namespace hotline::cli
