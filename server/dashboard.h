#ifndef HOTLINE_SERVER_DASHBOARD_H_
#define HOTLINE_SERVER_DASHBOARD_H_

// The centre's live dashboard (GET /): this month's report page (the
// renderer of `hotline report --format html`, with its charts) and the
// deadlines overdue now, reloading itself. One self-contained page: no
// scripts, stylesheets or fonts from anywhere; no citizen data.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "engine/engine.h"

namespace hotline::server {

// Overdue deadlines listed at most (the count is always shown).
inline constexpr size_t kDashboardOverdueRows = 200;
// Seconds between reloads.
inline constexpr int kDashboardRefreshSeconds = 30;

// The page as of `now`: the report of now's month in the policy's zone.
absl::StatusOr<std::string> DashboardPage(engine::Engine& engine, absl::Time now);

}  // namespace hotline::server

#endif  // HOTLINE_SERVER_DASHBOARD_H_
