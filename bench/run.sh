#!/usr/bin/env bash
# Runs the performance targets of docs/benchmarks.md beside their raw RocksDB
# baselines and prints one line per target with its ratio and PASS or MISS.
# Builds Release into ./build-release unless BUILD_DIR names a build tree.
# Writes the Google Benchmark JSON to $BUILD_DIR/engine_benchmark.json.
# Exits 1 when a measured target misses.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BUILD_DIR:-}" ]; then
  BUILD_DIR=build-release
  bash tools/install-deps.sh
  cmake --preset release >/dev/null
  cmake --build --preset release --target engine_benchmark
fi
out="$BUILD_DIR/engine_benchmark.json"
"$BUILD_DIR/bench/engine_benchmark" --benchmark_out="$out" --benchmark_out_format=json |
  tee "$BUILD_DIR/engine_benchmark.txt"

# items_per_second of a benchmark line, in items/s.
rate() {
  grep -E "^$1[ /]" "$BUILD_DIR/engine_benchmark.txt" | head -n1 |
    grep -oE 'items_per_second=[0-9.]+[kMG]?/s' |
    awk -F'[=/]' '{v=$2; m=1; if (v ~ /k$/) m=1e3; if (v ~ /M$/) m=1e6; if (v ~ /G$/) m=1e9;
                   sub(/[kMG]$/, "", v); printf "%.0f", v*m}'
}
# Real time of a benchmark line, in microseconds.
micros() {
  grep -E "^$1[ /]" "$BUILD_DIR/engine_benchmark.txt" | head -n1 |
    awk '{v=$2; u=$3; if (u=="ns") v/=1000; if (u=="ms") v*=1000; if (u=="s") v*=1e6; printf "%.1f", v}'
}

miss=0
check() {  # name ours baseline goal (ratio must be >= goal)
  local ratio
  ratio=$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.3f", a / b }')
  if awk -v r="$ratio" -v g="$4" 'BEGIN { exit !(r >= g) }'; then
    printf "%-58s %8s  (goal >= %s)  PASS\n" "$1" "$ratio" "$4"
  else
    printf "%-58s %8s  (goal >= %s)  MISS\n" "$1" "$ratio" "$4"
    miss=1
  fi
}
echo
echo "target                                                     ratio"
check "1. mixed commands, sync off, 1 thread / raw batch per event" \
  "$(rate BM_EngineExecuteMixed)" "$(rate BM_RawWriteBatchPerEvent)" 0.5
check "2. durable, 64 submitters / raw fsync per event" \
  "$(rate BM_EngineDurable64)" "$(rate BM_RawSyncPerEvent)" 10
check "3. rebuild all projections / raw scan" \
  "$(rate BM_RebuildAllProjections)" "$(rate BM_RawScanBigLog)" 0.5
report_us=$(micros BM_ReportMaintainedBigLog)
if awk -v t="$report_us" 'BEGIN { exit !(t < 10000) }'; then
  printf "%-58s %8s  (goal < 10000 us; ~160k tickets, not 1M)  PASS\n" "4. maintained report, us" "$report_us"
else
  printf "%-58s %8s  (goal < 10000 us)  MISS\n" "4. maintained report, us" "$report_us"
  miss=1
fi
echo "5. peak RSS rebuilding 10M events                          not measured yet"
exit $miss
