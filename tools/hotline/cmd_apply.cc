// hotline apply: commands from JSON Lines, one result line each.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "engine/async_executor.h"
#include "absl/strings/strip.h"
#include "engine/json_codec.h"
#include "tools/hotline/cli.h"
#include "tools/hotline/replication_flags.h"
#include "tools/hotline/line_reader.h"

namespace hotline::cli {
namespace {

// The longest line apply reads (docs/operations.md, "Limits"). The largest
// legal commands fit with room to spare: a receive with 64 KiB of content
// even if every byte is written as a \u escape (384 KiB), a policy with
// 20,000 holidays and 20,000 extra workdays (about 520 KiB).
constexpr size_t kMaxApplyLineBytes = 1 << 20;

std::string ResultLine(uint64_t line, const std::string& command_id,
                       const absl::StatusOr<engine::ExecuteResult>& result) {
  const absl::Status& status = result.status();
  return absl::StrCat(
      "{\"line\":", line, ",\"commandId\":", engine::JsonQuote(command_id),
      ",\"ok\":", status.ok() ? "true" : "false", ",\"code\":\"",
      absl::StatusCodeToString(status.code()), "\",\"message\":",
      engine::JsonQuote(status.message()),
      ",\"firstSequence\":", result.ok() ? result->first_sequence : 0,
      ",\"eventCount\":", result.ok() ? result->event_count : 0, "}\n");
}

absl::StatusOr<hotline::v1::Command> ParseLine(const LineReader::Line& line) {
  if (line.too_long) {
    return absl::ResourceExhaustedError(
        absl::StrCat("line ", line.number, ": ", line.length, " bytes, over the limit of ",
                     kMaxApplyLineBytes, " bytes a line; not parsed"));
  }
  return engine::ParseCommandJson(line.text);
}

// Prints results in line order as they arrive (from the executor's threads),
// each flushed at once, so that a program feeding a pipe sees every result
// as soon as its line and those before it are done.
class ResultPrinter {
 public:
  // The result of the `slot`-th command (from 0), on input line `line`.
  void Put(uint64_t slot, uint64_t line, const std::string& command_id,
           const absl::StatusOr<engine::ExecuteResult>& result) {
    absl::MutexLock lock(&mu_);
    if (!result.ok()) ++refused_;
    ready_[slot] = {line, ResultLine(line, command_id, result)};
    for (auto it = ready_.find(next_); it != ready_.end(); it = ready_.find(next_)) {
      const std::string& text = it->second.second;
      // A caller that cannot see results must not have more commands
      // applied blind: after a failed write, the reader stops.
      if (!failed_ && (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() ||
                       std::fflush(stdout) != 0)) {
        failed_ = true;
        failed_line_ = it->second.first;
        failed_because_ = std::strerror(errno);
      }
      ready_.erase(it);
      ++next_;
    }
  }
  bool failed() const {
    absl::MutexLock lock(&mu_);
    return failed_;
  }
  uint64_t failed_line() const {
    absl::MutexLock lock(&mu_);
    return failed_line_;
  }
  std::string failed_because() const {
    absl::MutexLock lock(&mu_);
    return failed_because_;
  }
  uint64_t refused() const {
    absl::MutexLock lock(&mu_);
    return refused_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<uint64_t, std::pair<uint64_t, std::string>> ready_ ABSL_GUARDED_BY(mu_);
  uint64_t next_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t refused_ ABSL_GUARDED_BY(mu_) = 0;
  bool failed_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t failed_line_ ABSL_GUARDED_BY(mu_) = 0;
  std::string failed_because_ ABSL_GUARDED_BY(mu_);
};

int Run(const Flags& flags) {
  const std::string file = flags.Get("file").value_or("-");
  int fd = STDIN_FILENO;
  if (file != "-") {
    fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return Usage(FindSubcommand("apply"),
                   absl::InvalidArgumentError(absl::StrCat("--file: cannot read ", file, ": ",
                                                           std::strerror(errno))));
    }
  }
  auto engine = OpenEngine(flags, /*writable=*/true, flags.Has("backfill"));
  if (!engine.ok()) return Fail("apply", engine.status());

  LineReader reader(fd, kMaxApplyLineBytes);
  ResultPrinter printer;
  {
    // Up to 256 lines in flight share each group commit (one fsync); a
    // ticket's lines still run in order, and results print in line order.
    engine::AsyncExecutor executor(engine->get());
    LineReader::Line line;
    uint64_t index = 0;
    while (!printer.failed() && reader.Next(&line)) {
      if (!line.too_long && absl::StripAsciiWhitespace(line.text).empty()) continue;
      const uint64_t slot = index++;
      const uint64_t number = line.number;
      absl::StatusOr<hotline::v1::Command> command = ParseLine(line);
      if (!command.ok()) {
        printer.Put(slot, number, "", command.status());
        continue;
      }
      const std::string command_id = command->command_id();
      executor.Submit(*std::move(command),
                      [&printer, slot, number, command_id](
                          const absl::StatusOr<engine::ExecuteResult>& result) {
                        printer.Put(slot, number, command_id, result);
                      });
    }
  }
  if (printer.failed()) {
    return Fail("apply", absl::UnavailableError(absl::StrCat(
                             "cannot write the result of line ", printer.failed_line(),
                             " to standard output (", printer.failed_because(),
                             "); lines after those then in flight (at most 256) were not "
                             "applied")));
  }
  if (!reader.status().ok()) return Fail("apply", reader.status());
  if (absl::Status closed = (*engine)->Close(); !closed.ok()) return Fail("apply", closed);
  return printer.refused() > 0 ? kExitRefused : kExitOk;
}

}  // namespace

Subcommand ApplyCommand() {
  return WithReplicationFlags(
      {"apply",
          "apply [--file F|-] [--backfill]",
          absl::StrCat("Apply commands from JSON Lines (one Command per line); print one JSON "
                       "result per line. Refused lines do not stop the rest. A line may hold ",
                       kMaxApplyLineBytes, " bytes; a longer one is refused "
                       "(RESOURCE_EXHAUSTED) without being read into memory."),
          {{"file", true, "read commands from F; - (default) reads standard input"},
           {"backfill", false, "accept `at` far in the past (historical imports)"}},
          0,
          0,
          Run},
      /*promote=*/true);
}

}  // namespace hotline::cli
