#ifndef HOTLINE_TOOLS_HOTLINE_PROGRESS_H_
#define HOTLINE_TOOLS_HOTLINE_PROGRESS_H_

// A progress bar on standard error when it is a terminal; silent otherwise
// (piped, redirected, CI), so logs and captured output stay clean.

#include <cstdint>
#include <string>

namespace hotline::cli {

class Progress {
 public:
  explicit Progress(std::string label);
  // Redraws at most a few times a second.
  void Update(uint64_t done, uint64_t total);
  // Ends the bar's line.
  void Done();

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  int64_t last_draw_ms_ = 0;
};

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_HOTLINE_PROGRESS_H_
