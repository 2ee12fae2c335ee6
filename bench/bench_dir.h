#ifndef HOTLINE_BENCH_BENCH_DIR_H_
#define HOTLINE_BENCH_BENCH_DIR_H_

#include <string>

namespace hotline::bench {

// A fresh directory under $TMPDIR (or /tmp) for one benchmark's database,
// removed when the process exits.
std::string FreshDir(const std::string& name);

}  // namespace hotline::bench

#endif  // HOTLINE_BENCH_BENCH_DIR_H_
