#ifndef HOTLINE_BENCH_BENCH_COMMANDS_H_
#define HOTLINE_BENCH_BENCH_COMMANDS_H_

// The one command the benchmarks build by hand: an operator receiving a
// valid noise complaint. Life cycles come from tools/workload instead.

#include <string>

#include "absl/time/time.h"
#include "hotline/v1/commands.pb.h"

namespace hotline::bench {

// `receive` of `ticket` at `at`, command id "r-" + ticket.
hotline::v1::Command ReceiveCommand(const std::string& ticket, absl::Time at);

}  // namespace hotline::bench

#endif  // HOTLINE_BENCH_BENCH_COMMANDS_H_
