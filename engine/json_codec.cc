#include "engine/json_codec.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "engine/command_validation.h"
#include "google/protobuf/util/json_util.h"

namespace hotline::engine {
namespace {

// What protobuf's JSON parser lets through and RFC 8259 does not, checked in
// one pass before it runs: raw control bytes (inside a string they must be
// escaped; outside only tab, CR and LF are whitespace), and nesting deeper
// than kMaxCommandJsonDepth. protobuf bounds message nesting but not arrays;
// a bound of our own does not depend on its version.
absl::Status CheckJsonShape(absl::string_view json) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;  // the previous byte in a string was an unescaped '\\'
  for (size_t i = 0; i < json.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(json[i]);
    if (c < 0x20 && (in_string || (c != '\t' && c != '\r' && c != '\n'))) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "malformed command JSON: raw control byte 0x%02x at byte %d%s", c, i,
          in_string ? " inside a string (write it as a \\u escape)" : ""));
    }
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxCommandJsonDepth) {
        return absl::InvalidArgumentError(absl::StrCat(
            "malformed command JSON: nested deeper than ", kMaxCommandJsonDepth,
            " levels at byte ", i));
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return absl::OkStatus();
}

// The byte length of the well-formed UTF-8 sequence at text[i], or 0.
size_t Utf8SequenceAt(absl::string_view text, size_t i) {
  const unsigned char c = static_cast<unsigned char>(text[i]);
  const size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                                : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  return IsValidUtf8(text.substr(i, n)) ? n : 0;
}

}  // namespace

absl::StatusOr<hotline::v1::Command> ParseCommandJson(absl::string_view json) {
  if (absl::Status s = CheckJsonShape(json); !s.ok()) return s;
  hotline::v1::Command command;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  const auto status = google::protobuf::util::JsonStringToMessage(
      std::string(json.data(), json.size()), &command, options);
  if (!status.ok()) {
    // protobuf starts messages about the root with ": ".
    return absl::InvalidArgumentError(absl::StrCat(
        "malformed command JSON: ",
        absl::StripPrefix(absl::string_view(status.message().data(), status.message().size()),
                          ": ")));
  }
  return command;
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string out;
  // Printing a valid message cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

std::string JsonQuote(absl::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      // Valid JSON is UTF-8: a byte that starts no well-formed sequence (a
      // parser's message quoting hostile input) becomes U+FFFD.
      const size_t n = Utf8SequenceAt(text, i);
      if (n == 0) {
        out += "\\ufffd";
      } else {
        out.append(text.data() + i, n);
        i += n - 1;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  return out;
}

}  // namespace hotline::engine
