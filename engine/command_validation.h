#ifndef HOTLINE_ENGINE_COMMAND_VALIDATION_H_
#define HOTLINE_ENGINE_COMMAND_VALIDATION_H_

// Shape checks of a command that need no state: required fields, lengths,
// UTF-8, identifier syntax, enum values. Pure.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "hotline/v1/commands.pb.h"

namespace hotline::engine {

// Limits of the contract (workflow.md) and the ones this library chose where
// it is silent (docs/decisions.md).
inline constexpr size_t kMaxCommandIdBytes = 128;
inline constexpr size_t kMaxTicketIdBytes = 64;
inline constexpr size_t kMaxContentBytes = 64 * 1024;  // any free text
inline constexpr size_t kMaxShortTextBytes = 512;      // titles, names, places
inline constexpr size_t kMaxTagBytes = 64;             // categories, phones

// True when `id` is 1 to max_bytes bytes of [A-Za-z0-9._:-].
bool IsValidId(absl::string_view id, size_t max_bytes);

// True when `text` is well-formed UTF-8.
bool IsValidUtf8(absl::string_view text);

// True for the payloads that act on the directory streams ($units,
// $policy) rather than on a ticket.
bool IsDirectoryCommand(const hotline::v1::Command& command);

// Checks everything about `command` that does not depend on stored state.
// INVALID_ARGUMENT names the field (e.g. "receive.content: must not be
// empty"). Does not look at `at` against a clock (the engine does).
absl::Status ValidateCommand(const hotline::v1::Command& command);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_COMMAND_VALIDATION_H_
