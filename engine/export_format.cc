#include "engine/export_format.h"

#include "engine/event_codec.h"
#include "engine/json_codec.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace hotline::engine {
namespace {

// The name of the first google.protobuf.Timestamp in `m` outside the range
// RFC 3339 and so the jsonl form can carry (0001-01-01 to 9999-12-31, nanos
// 0 to 999999999), or empty. The JSON parser refuses such timestamps; the
// binary parser does not, and an event holding one could not be exported as
// jsonl (or printed by history) once imported.
std::string BadTimestamp(const google::protobuf::Message& m) {
  using google::protobuf::FieldDescriptor;
  using google::protobuf::util::TimeUtil;
  const google::protobuf::Reflection* reflection = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const int n = f->is_repeated() ? reflection->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) {
      const google::protobuf::Message& sub = f->is_repeated()
                                                 ? reflection->GetRepeatedMessage(m, f, i)
                                                 : reflection->GetMessage(m, f);
      if (f->message_type() == google::protobuf::Timestamp::descriptor()) {
        const auto* ts = google::protobuf::DynamicCastToGenerated<google::protobuf::Timestamp>(&sub);
        if (ts == nullptr || ts->seconds() < TimeUtil::kTimestampMinSeconds ||
            ts->seconds() > TimeUtil::kTimestampMaxSeconds || ts->nanos() < 0 ||
            ts->nanos() > 999999999) {
          return f->name();
        }
      } else if (std::string bad = BadTimestamp(sub); !bad.empty()) {
        return absl::StrCat(f->name(), ".", bad);
      }
    }
  }
  return "";
}

// The first UTF-8 character of a name, then "**".
void MaskName(std::string* name) {
  if (name->empty()) return;
  size_t first = 1;
  while (first < name->size() && (static_cast<unsigned char>((*name)[first]) & 0xC0) == 0x80) {
    ++first;
  }
  *name = name->substr(0, first) + "**";
}

// All but the first three and last four digits as '*'.
void MaskPhone(std::string* phone) {
  for (size_t i = 3; i + 4 < phone->size(); ++i) (*phone)[i] = '*';
}

// The citizen's name and phone masked, in either version of TicketReceived
// (an export keeps each event as written).
void Redact(hotline::v1::EventEnvelope* e) {
  if (!e->event().has_ticket_received()) return;
  hotline::v1::TicketReceived* received = e->mutable_event()->mutable_ticket_received();
  if (received->has_citizen()) {
    MaskName(received->mutable_citizen()->mutable_name());
    MaskPhone(received->mutable_citizen()->mutable_phone());
  }
  if (received->has_contact()) {
    for (std::string* name : {received->mutable_contact()->mutable_name(),
                              received->mutable_contact()->mutable_first_name(),
                              received->mutable_contact()->mutable_last_name()}) {
      MaskName(name);
    }
    MaskPhone(received->mutable_contact()->mutable_phone());
  }
}

}  // namespace

absl::Status ExportEvents(const store::EventLog& log, std::ostream* out, bool binary,
                          bool redact) {
  google::protobuf::io::OstreamOutputStream raw(out);
  google::protobuf::io::CodedOutputStream coded(&raw);
  hotline::v1::EventEnvelope envelope;
  absl::Status s = log.Scan(1, UINT64_MAX, [&](const store::Record& r) {
    envelope.Clear();
    // As written: an export carries the bytes the hashes cover.
    if (absl::Status d = DecodeStoredEvent(r, &envelope); !d.ok()) return d;
    if (redact) Redact(&envelope);
    if (binary) {
      coded.WriteVarint32(static_cast<uint32_t>(envelope.ByteSizeLong()));
      envelope.SerializeWithCachedSizes(&coded);
    } else {
      const std::string line = ToJson(envelope) + "\n";
      coded.WriteRaw(line.data(), static_cast<int>(line.size()));
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  coded.Trim();
  if (coded.HadError()) return absl::DataLossError("writing the export failed");
  return absl::OkStatus();
}

EnvelopeReader::EnvelopeReader(const std::string& path, bool binary)
    : file_(path, std::ios::binary), binary_(binary) {
  if (binary_) raw_ = std::make_unique<google::protobuf::io::IstreamInputStream>(&file_);
}

absl::StatusOr<std::unique_ptr<EnvelopeReader>> EnvelopeReader::Open(const std::string& path,
                                                                     bool binary) {
  std::unique_ptr<EnvelopeReader> reader(new EnvelopeReader(path, binary));
  if (!reader->file_) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  return reader;
}

absl::StatusOr<bool> EnvelopeReader::Next(hotline::v1::EventEnvelope* out) {
  out->Clear();
  if (binary_) {
    // A CodedInputStream per record keeps its byte limit from accumulating.
    google::protobuf::io::CodedInputStream coded(raw_.get());
    uint32_t size = 0;
    if (!coded.ReadVarint32(&size)) return false;  // end of file
    ++read_;
    const auto limit = coded.PushLimit(static_cast<int>(size));
    if (!out->ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage()) {
      return absl::DataLossError(absl::StrCat("record ", read_, " does not parse"));
    }
    coded.PopLimit(limit);
    if (std::string bad = BadTimestamp(*out); !bad.empty()) {
      return absl::DataLossError(
          absl::StrCat("record ", read_, ": ", bad, " is not a valid timestamp"));
    }
    return true;
  }
  std::string line;
  while (std::getline(file_, line)) {
    ++read_;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const auto status = google::protobuf::util::JsonStringToMessage(line, out);
    if (!status.ok()) {
      return absl::DataLossError(
          absl::StrCat("line ", read_, ": ", std::string(status.message())));
    }
    return true;
  }
  return false;
}

}  // namespace hotline::engine
