// hotline apply: commands from JSON Lines, one result line each.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
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

absl::StatusOr<engine::ExecuteResult> ApplyLine(engine::Engine& engine,
                                                const LineReader::Line& line,
                                                std::string* command_id) {
  if (line.too_long) {
    return absl::ResourceExhaustedError(
        absl::StrCat("line ", line.number, ": ", line.length, " bytes, over the limit of ",
                     kMaxApplyLineBytes, " bytes a line; not parsed"));
  }
  auto command = engine::ParseCommandJson(line.text);
  if (!command.ok()) return command.status();
  *command_id = command->command_id();
  return engine.Execute(*command);
}

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
  LineReader::Line line;
  size_t refused = 0;
  while (reader.Next(&line)) {
    if (!line.too_long && absl::StripAsciiWhitespace(line.text).empty()) continue;
    std::string command_id;
    absl::StatusOr<engine::ExecuteResult> result = ApplyLine(**engine, line, &command_id);
    if (!result.ok()) ++refused;
    const std::string out = ResultLine(line.number, command_id, result);
    // A caller that cannot see results must not have more commands applied
    // blind: stop at the first line whose result could not be written. Each
    // line is flushed so that a program feeding a pipe sees its result.
    if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() ||
        std::fflush(stdout) != 0) {
      return Fail("apply", absl::UnavailableError(absl::StrCat(
                               "cannot write the result of line ", line.number,
                               " to standard output (", std::strerror(errno),
                               "); lines after it were not applied")));
    }
  }
  if (!reader.status().ok()) return Fail("apply", reader.status());
  if (absl::Status closed = (*engine)->Close(); !closed.ok()) return Fail("apply", closed);
  return refused > 0 ? kExitRefused : kExitOk;
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
