// hotline export: the whole log as JSON Lines or length-delimited envelopes.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "engine/export_format.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

int Run(const Flags& flags) {
  const std::string format = flags.Get("format").value_or("jsonl");
  if (format != "jsonl" && format != "binary") {
    return Usage(FindSubcommand("export"),
                 absl::InvalidArgumentError("--format: expected jsonl or binary"));
  }
  auto engine = OpenEngine(flags, /*writable=*/false);
  if (!engine.ok()) return Fail("export", engine.status());
  std::ofstream file;
  const std::string path = flags.Get("out").value_or("-");
  if (path != "-") {
    file.open(path, std::ios::binary | std::ios::trunc);
    if (!file) {
      return Usage(FindSubcommand("export"),
                   absl::InvalidArgumentError(absl::StrCat("--out: cannot write ", path)));
    }
  }
  std::ostream& out = file.is_open() ? file : std::cout;
  absl::Status s = engine::ExportEvents((*engine)->log(), &out, format == "binary",
                                        flags.Has("redact"));
  if (!s.ok()) {
    return Fail("export", absl::Status(s.code(), absl::StrCat(path == "-" ? "standard output" : path,
                                                              ": ", s.message())));
  }
  // Standard output is checked in main; a file's last buffer reaches the
  // disk only at close, where a full disk shows.
  if (file.is_open()) {
    errno = 0;
    file.close();
    if (file.fail()) {
      return Fail("export", absl::DataLossError(absl::StrCat(
                                "writing ", path, " failed",
                                errno != 0 ? absl::StrCat(": ", std::strerror(errno)) : "")));
    }
  }
  return kExitOk;
}

}  // namespace

Subcommand ExportCommand() {
  return {"export",
          "export [--out F] [--format jsonl|binary] [--redact]",
          "The whole log in order: JSON Lines of the exported event shape, or "
          "varint-length-delimited EventEnvelope messages.",
          {{"out", true, "write to F instead of standard output"},
           {"format", true, "jsonl (default) or binary"},
           {"redact", false, "mask citizens' names and phone numbers"}},
          0,
          0,
          Run};
}

}  // namespace hotline::cli
