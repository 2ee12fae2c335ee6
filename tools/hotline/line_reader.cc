#include "tools/hotline/line_reader.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace hotline::cli {

LineReader::LineReader(int fd, size_t max_bytes) : fd_(fd), max_bytes_(max_bytes) {}

bool LineReader::Fill(uint64_t line) {
  pos_ = 0;
  end_ = 0;
  while (true) {
    const ssize_t n = ::read(fd_, buf_, sizeof buf_);
    if (n > 0) {
      end_ = static_cast<size_t>(n);
      return true;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    status_ = absl::DataLossError(
        absl::StrCat("reading line ", line, " failed: ", std::strerror(errno)));
    return false;
  }
}

bool LineReader::Next(Line* line) {
  line->number = number_ + 1;
  line->length = 0;
  line->too_long = false;
  line->text.clear();
  bool started = false;
  while (true) {
    if (pos_ == end_ && !Fill(line->number)) {
      if (!status_.ok() || !started) return false;
      number_ = line->number;  // a last line without '\n'
      return true;
    }
    started = true;
    const char* start = buf_ + pos_;
    const char* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
    const size_t n = newline != nullptr ? static_cast<size_t>(newline - start) : end_ - pos_;
    line->length += n;
    if (!line->too_long) {
      if (line->length > max_bytes_) {
        // From here on only count: drop what was kept, and its capacity.
        line->too_long = true;
        std::string().swap(line->text);
      } else {
        line->text.append(start, n);
      }
    }
    pos_ += n;
    if (newline != nullptr) {
      ++pos_;
      number_ = line->number;
      return true;
    }
  }
}

}  // namespace hotline::cli
