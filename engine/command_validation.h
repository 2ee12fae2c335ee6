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

// Command ids the engine derives for its own commands (timer firings) start
// with this prefix; a client's command id may not (INVALID_ARGUMENT), so a
// client can never take, and so suppress, a firing.
inline constexpr char kTimerCommandIdPrefix[] = "timer:";

// Every command's and event's `at` lies in [kEarliestAt, kLatestAt)
// (docs/decisions.md): wide enough for any historical import, narrow enough
// that deadlines stay finite and a statistics fold touches few months.
inline constexpr int64_t kEarliestAtUnixSeconds = 0;           // 1970-01-01T00:00:00Z
inline constexpr int64_t kLatestAtUnixSeconds = 7258118400;    // 2200-01-01T00:00:00Z

// INVALID_ARGUMENT naming `field` unless `at` is a valid Timestamp (nanos in
// range) within the window above.
absl::Status CheckAt(absl::string_view field, const google::protobuf::Timestamp& at);

// True when `id` is 1 to max_bytes bytes of [A-Za-z0-9._:-].
bool IsValidId(absl::string_view id, size_t max_bytes);

// True when `text` is well-formed UTF-8.
bool IsValidUtf8(absl::string_view text);

// The stream of TicketDataRead events (record_access commands): who read
// which ticket's data, when.
inline constexpr char kAccessStream[] = "$access";

// The stream of CitizenDataErased events (erase_personal_data commands).
inline constexpr char kErasureStream[] = "$erasure";

// Most tickets one erase_personal_data command erases; a retention run
// over more repeats the command (each erases the next ones).
inline constexpr size_t kMaxTicketsPerErasure = 5000;

// True for the payloads that act on the directory streams ($units,
// $policy) rather than on a ticket.
bool IsDirectoryCommand(const hotline::v1::Command& command);

// Checks everything about `command` that does not depend on stored state.
// INVALID_ARGUMENT names the field (e.g. "receive.content: must not be
// empty"). Does not look at `at` against a clock (the engine does).
absl::Status ValidateCommand(const hotline::v1::Command& command);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_COMMAND_VALIDATION_H_
