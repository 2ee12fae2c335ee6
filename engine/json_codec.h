#ifndef HOTLINE_ENGINE_JSON_CODEC_H_
#define HOTLINE_ENGINE_JSON_CODEC_H_

// The JSON forms of workflow.md and cli.md: commands in (protobuf JSON
// mapping, both field spellings accepted), ticket states and exported
// events out (lowerCamelCase, enums by name, timestamps RFC 3339 UTC).

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/commands.pb.h"
#include "hotline/v1/events.pb.h"
#include "hotline/v1/state.pb.h"

namespace hotline::engine {

// The deepest nesting of objects and arrays a command may have. The deepest
// legal command (a policy's rules) nests 5 levels.
inline constexpr int kMaxCommandJsonDepth = 32;

// Parses one command. INVALID_ARGUMENT with the parser's explanation when
// the text is not JSON (raw control bytes included), nests deeper than
// kMaxCommandJsonDepth, names an unknown field or enum value, or sets more
// than one payload.
absl::StatusOr<hotline::v1::Command> ParseCommandJson(absl::string_view json);

// One line of JSON, with every field present (empty ones as their defaults)
// so that readers need not guess at absent keys.
std::string ToJson(const google::protobuf::Message& message);

// Quotes `text` as a JSON string; bytes that are not UTF-8 become U+FFFD,
// so that the result is always valid JSON.
std::string JsonQuote(absl::string_view text);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_JSON_CODEC_H_
