// hotline export: the whole log as JSON Lines or length-delimited envelopes.

#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "engine/event_codec.h"
#include "engine/json_codec.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"
#include "tools/hotline/cli.h"

namespace hotline::cli {
namespace {

// Masks all but the first character of a name (UTF-8 aware) and all but the
// first three and last four digits of a phone number.
void Redact(hotline::v1::EventEnvelope* e) {
  if (!e->event().has_ticket_received()) return;
  auto* citizen = e->mutable_event()->mutable_ticket_received()->mutable_citizen();
  std::string name = citizen->name();
  if (!name.empty()) {
    size_t first = 1;
    while (first < name.size() && (static_cast<unsigned char>(name[first]) & 0xC0) == 0x80) {
      ++first;
    }
    citizen->set_name(name.substr(0, first) + "**");
  }
  std::string phone = citizen->phone();
  for (size_t i = 3; i + 4 < phone.size(); ++i) phone[i] = '*';
  citizen->set_phone(phone);
}

int Run(const Flags& flags) {
  const std::string format = flags.Get("format").value_or("jsonl");
  if (format != "jsonl" && format != "binary") {
    return Usage(FindSubcommand("export"),
                 absl::InvalidArgumentError("--format: expected jsonl or binary"));
  }
  auto engine = OpenEngine(flags, /*writable=*/false);
  if (!engine.ok()) return Fail("export", engine.status());
  std::ofstream file;
  if (auto out = flags.Get("out"); out.has_value() && *out != "-") {
    file.open(*out, std::ios::binary | std::ios::trunc);
    if (!file) {
      return Usage(FindSubcommand("export"),
                   absl::InvalidArgumentError(absl::StrCat("--out: cannot write ", *out)));
    }
  }
  std::ostream& out = file.is_open() ? file : std::cout;
  google::protobuf::io::OstreamOutputStream raw(&out);
  google::protobuf::io::CodedOutputStream coded(&raw);
  const bool redact = flags.Has("redact");
  hotline::v1::EventEnvelope envelope;
  absl::Status s = (*engine)->log().Scan(1, UINT64_MAX, [&](const store::Record& r) {
    envelope.Clear();
    if (absl::Status d = engine::DecodeEvent(r, &envelope); !d.ok()) return d;
    if (redact) Redact(&envelope);
    if (format == "jsonl") {
      const std::string line = engine::ToJson(envelope) + "\n";
      coded.WriteRaw(line.data(), static_cast<int>(line.size()));
    } else {
      coded.WriteVarint32(static_cast<uint32_t>(envelope.ByteSizeLong()));
      envelope.SerializeWithCachedSizes(&coded);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return Fail("export", s);
  coded.Trim();
  if (coded.HadError()) return Fail("export", absl::DataLossError("write failed"));
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
