#ifndef HOTLINE_ENGINE_UNTIL_SETTLED_H_
#define HOTLINE_ENGINE_UNTIL_SETTLED_H_

// Internal: the retry of a command whose ticket changed between deciding
// and appending (optimistic concurrency). Not part of the API.

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace hotline::engine {

// Attempts at one command whose ticket keeps changing underneath it.
inline constexpr int kMaxSettleAttempts = 64;

// Calls `attempt(fresh)` — an absl::StatusOr<std::optional<T>> — until it
// returns a value or an error. nullopt means "moved on meanwhile: decide
// again"; `fresh` is false on the first call only, so that a retry decides
// on the stored state rather than a cached one. ABORTED naming `what` after
// kMaxSettleAttempts.
template <typename T, typename Attempt>
absl::StatusOr<T> UntilSettled(absl::string_view what, Attempt attempt) {
  for (int n = 1; n <= kMaxSettleAttempts; ++n) {
    absl::StatusOr<std::optional<T>> done = attempt(n > 1);
    if (!done.ok()) return done.status();
    if (done->has_value()) return **std::move(done);
  }
  return absl::AbortedError(absl::StrCat(what, " kept changing during ",
                                         kMaxSettleAttempts, " attempts; try again"));
}

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_UNTIL_SETTLED_H_
