#ifndef HOTLINE_TOOLS_HOTLINE_LINE_READER_H_
#define HOTLINE_TOOLS_HOTLINE_LINE_READER_H_

// Reads text one line at a time with a bound on what it keeps in memory: a
// line longer than the bound is skipped to its newline in fixed-size chunks,
// counted but never stored, so a hostile input of one endless line costs
// max_bytes of memory, not its length.

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace hotline::cli {

class LineReader {
 public:
  // Reads from the file descriptor `fd` (not owned; not closed). A line may
  // hold up to `max_bytes` bytes, not counting its '\n'. Reads with read(2),
  // so a line is returned as soon as it has arrived: a program feeding
  // `hotline apply` through a pipe gets each result before it sends more.
  LineReader(int fd, size_t max_bytes);
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  struct Line {
    uint64_t number = 0;   // from 1
    uint64_t length = 0;   // bytes, without the '\n'; counted also when too long
    bool too_long = false; // length > max_bytes: `text` is empty
    std::string text;      // without the '\n'
  };

  // The next line into *line (a last line without '\n' counts). False at the
  // end of the input or on a read error; then status() tells which.
  bool Next(Line* line);

  // OK, or DATA_LOSS naming the line where reading failed (errno's text).
  const absl::Status& status() const { return status_; }

 private:
  // Refills buf_; false at the end of the input or on an error (status_
  // then names `line`).
  bool Fill(uint64_t line);

  int fd_;
  size_t max_bytes_;
  uint64_t number_ = 0;
  absl::Status status_;
  char buf_[64 * 1024];
  size_t pos_ = 0;
  size_t end_ = 0;
};

}  // namespace hotline::cli

#endif  // HOTLINE_TOOLS_HOTLINE_LINE_READER_H_
