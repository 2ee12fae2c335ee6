#ifndef HOTLINE_STORE_STATUS_MACROS_H_
#define HOTLINE_STORE_STATUS_MACROS_H_

// Status propagation helpers. Debian's Abseil (20220623) has no
// status_macros.h, so the two macros every caller needs are written once here.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define HOTLINE_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    if (::absl::Status hotline_status_ = (expr);       \
        !hotline_status_.ok()) {                       \
      return hotline_status_;                          \
    }                                                  \
  } while (false)

#define HOTLINE_CONCAT_INNER_(a, b) a##b
#define HOTLINE_CONCAT_(a, b) HOTLINE_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status from
// the enclosing function, otherwise moves the value into `lhs`, which may be a
// declaration (`auto x`) or an existing variable.
#define HOTLINE_ASSIGN_OR_RETURN(lhs, rexpr)                                \
  HOTLINE_ASSIGN_OR_RETURN_IMPL_(HOTLINE_CONCAT_(hotline_or_, __LINE__), \
                                 lhs, rexpr)

#define HOTLINE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                   \
  if (!tmp.ok()) return std::move(tmp).status();        \
  lhs = std::move(tmp).value()

#endif  // HOTLINE_STORE_STATUS_MACROS_H_
