// hotline apply: commands from JSON Lines, one result line each.

#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "engine/json_codec.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

std::string ResultLine(size_t line, const std::string& command_id,
                       const absl::StatusOr<engine::ExecuteResult>& result) {
  const absl::Status& status = result.status();
  return absl::StrCat(
      "{\"line\":", line, ",\"commandId\":", engine::JsonQuote(command_id),
      ",\"ok\":", status.ok() ? "true" : "false", ",\"code\":\"",
      absl::StatusCodeToString(status.code()), "\",\"message\":",
      engine::JsonQuote(status.message()),
      ",\"firstSequence\":", result.ok() ? result->first_sequence : 0,
      ",\"eventCount\":", result.ok() ? result->event_count : 0, "}");
}

int Run(const Flags& flags) {
  const std::string file = flags.Get("file").value_or("-");
  std::ifstream in_file;
  if (file != "-") {
    in_file.open(file);
    if (!in_file) {
      return Usage(FindSubcommand("apply"),
                   absl::InvalidArgumentError(absl::StrCat("--file: cannot read ", file)));
    }
  }
  std::istream& in = file == "-" ? std::cin : in_file;
  auto engine = OpenEngine(flags, /*writable=*/true, flags.Has("backfill"));
  if (!engine.ok()) return Fail("apply", engine.status());

  size_t refused = 0;
  std::string text;
  for (size_t line = 1; std::getline(in, text); ++line) {
    if (absl::StripAsciiWhitespace(text).empty()) continue;
    absl::StatusOr<engine::ExecuteResult> result;
    std::string command_id;
    if (auto command = engine::ParseCommandJson(text); command.ok()) {
      command_id = command->command_id();
      result = (*engine)->Execute(*command);
    } else {
      result = command.status();
    }
    if (!result.ok()) ++refused;
    std::printf("%s\n", ResultLine(line, command_id, result).c_str());
  }
  return refused > 0 ? kExitRefused : kExitOk;
}

}  // namespace

Subcommand ApplyCommand() {
  return {"apply",
          "apply [--file F|-] [--backfill]",
          "Apply commands from JSON Lines (one Command per line); print one JSON "
          "result per line. Refused lines do not stop the rest.",
          {{"file", true, "read commands from F; - (default) reads standard input"},
           {"backfill", false, "accept `at` far in the past (historical imports)"}},
          0,
          0,
          Run};
}

}  // namespace hotline::cli
