#include "engine/envelope_reader.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"

namespace hotline::engine {

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
