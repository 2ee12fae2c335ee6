#!/usr/bin/env bash
# Runs the performance targets of docs/benchmarks.md beside their raw RocksDB
# baselines and prints one line per target with its measure and PASS or MISS.
#
# Builds Release into ./build-release unless BUILD_DIR names a build tree.
# The large log (about 10M events: a year at 1.6M appeals, `hotline
# simulate`) is made once into $BUILD_DIR/bench-data and kept for later runs
# (about 6 minutes the first time; delete the directory to remake it).
# Writes the Google Benchmark JSON to $BUILD_DIR/engine_benchmark.json and
# the summary to $BUILD_DIR/bench-summary.txt. Exits 1 when a target misses.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BUILD_DIR:-}" ]; then
  BUILD_DIR=build-release
  bash tools/install-deps.sh
  cmake --preset release >/dev/null
  cmake --build --preset release --target engine_benchmark hotline
fi
hotline="$BUILD_DIR/tools/hotline/hotline"
large="$BUILD_DIR/bench-data/log-1600k-tickets"

if [ ! -f "$large.done" ]; then
  echo "making the large log in $large (once)"
  rm -rf "$large"
  mkdir -p "$(dirname "$large")"
  "$hotline" simulate --db "$large" --from 2022-01-01 --to 2022-12-31 \
    --tickets-per-year 1600000 --no-sync | tee "$large.done.tmp"
  mv "$large.done.tmp" "$large.done"
fi

out="$BUILD_DIR/engine_benchmark.json"
HOTLINE_BENCH_LARGE_LOG="$large" "$BUILD_DIR/bench/engine_benchmark" \
  --benchmark_out="$out" --benchmark_out_format=json | tee "$BUILD_DIR/engine_benchmark.txt"

# Target 5: peak resident memory of a whole process rebuilding the large log.
/usr/bin/time -v "$hotline" rebuild --db "$large" 2>"$BUILD_DIR/rebuild-time.txt" |
  tee -a "$BUILD_DIR/engine_benchmark.txt"
peak_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$BUILD_DIR/rebuild-time.txt")
large_events=$(awk '/^events/ {print $2; exit}' <("$hotline" stats --db "$large"))

# A benchmark line's items_per_second, in items/s.
rate() {
  grep -E "^$1[ /]" "$BUILD_DIR/engine_benchmark.txt" | head -n1 |
    grep -oE 'items_per_second=[0-9.]+[kMG]?/s' |
    awk -F'[=/]' '{v=$2; m=1; if (v ~ /k$/) m=1e3; if (v ~ /M$/) m=1e6; if (v ~ /G$/) m=1e9;
                   sub(/[kMG]$/, "", v); printf "%.0f", v*m}'
}
# A benchmark line's real time, in microseconds.
micros() {
  grep -E "^$1[ /]" "$BUILD_DIR/engine_benchmark.txt" | head -n1 |
    awk '{v=$2; u=$3; if (u=="ns") v/=1000; if (u=="ms") v*=1000; if (u=="s") v*=1e6; printf "%.1f", v}'
}

verdict() {  # pass?(0/1)
  if [ "$1" -eq 1 ]; then echo PASS; else echo MISS; fi
}
ratio_line() {  # label ours baseline goal
  local ratio ok
  ratio=$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.3f", a / b }')
  ok=$(awk -v r="$ratio" -v g="$4" 'BEGIN { print (r >= g) ? 1 : 0 }')
  printf "%-52s %10s  goal >= %-8s %s\n" "$1" "$ratio" "$4" "$(verdict "$ok")"
}
summary="$BUILD_DIR/bench-summary.txt"
{
  echo
  echo "target                                                    measure"
  ratio_line "1. mixed commands, 1 thread, sync off / raw batch" \
    "$(rate BM_EngineExecuteMixed)" "$(rate BM_RawWriteBatchPerEvent)" 0.5
  ratio_line "2. durable, 64 submitters / raw fsync per event" \
    "$(rate BM_EngineDurable64)" "$(rate BM_RawSyncPerEvent)" 10
  ratio_line "3. rebuild all projections, 1M events / raw scan" \
    "$(rate BM_RebuildAllProjections/1M)" "$(rate BM_RawScanLog/1M)" 0.5
  report_us=$(micros BM_ReportMaintained/large)
  printf "%-52s %8s us  goal < %-9s %s\n" "4. maintained report, ${large_events} events (1.6M tickets)" \
    "$report_us" "10000 us" "$(verdict "$(awk -v t="$report_us" 'BEGIN { print (t < 10000) ? 1 : 0 }')")"
  printf "%-52s %7s MiB  goal < %-9s %s\n" "5. peak RSS, rebuild of ${large_events} events" \
    "$((peak_kib / 1024))" "256 MiB" "$(verdict "$((peak_kib < 256 * 1024 ? 1 : 0))")"
  echo
  echo "growth with the log (1M events -> ${large_events})"
  printf "  raw scan        %12s -> %12s events/s\n" "$(rate BM_RawScanLog/1M)" "$(rate BM_RawScanLog/large)"
  printf "  rebuild         %12s -> %12s events/s\n" "$(rate BM_RebuildAllProjections/1M)" \
    "$(rate BM_RebuildAllProjections/large)"
  printf "  report          %12s -> %12s us\n" "$(micros BM_ReportMaintained/1M)" \
    "$(micros BM_ReportMaintained/large)"
} >"$summary"
cat "$summary"
! grep -q ' MISS$' "$summary"
