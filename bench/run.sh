#!/usr/bin/env bash
# Runs the performance targets of docs/benchmarks.md beside their raw RocksDB
# baselines and prints one line per target with its measure and PASS or MISS
# (target 8, the cost of each trust feature, has no goal: it prints MEASURED).
#
# Builds Release into ./build-release unless BUILD_DIR names a build tree.
# The large log (about 10M events: a year at 1.6M appeals, `hotline
# simulate`) and a file of 1M `receive` commands are made once into
# $BUILD_DIR/bench-data and kept for later runs (about 15 minutes the first
# time; delete the directory to remake them). Each whole-log tool then runs
# on the large log under /usr/bin/time -v (about 15 minutes). Writes the
# Google Benchmark output to $BUILD_DIR/engine_benchmark.{json,txt} and the
# summary to $BUILD_DIR/bench-summary.txt. Exits 1 when a target misses.
# SKIP_REPLICATION=1 leaves out the 3-node NATS cluster of target 8.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/bench_lib.sh
bench_build engine_benchmark replication_benchmark hotline
hotline="$BUILD_DIR/tools/hotline/hotline"
data="$BUILD_DIR/bench-data"
large="$data/log-1600k-tickets"
work=$(mktemp -d "${TMPDIR:-/tmp}/hotline-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$data"

if [ ! -f "$large.done" ]; then
  echo "making the large log in $large (once)"
  rm -rf "$large"
  "$hotline" simulate --db "$large" --from 2022-01-01 --to 2022-12-31 \
    --tickets-per-year 1600000 --no-sync | tee "$large.done.tmp"
  mv "$large.done.tmp" "$large.done"
fi
commands="$data/receives-1m.jsonl"
if [ ! -f "$commands" ]; then
  echo "writing 1,000,000 receive commands to $commands (once)"
  awk 'BEGIN {
    for (i = 0; i < 1000000; i++)
      printf "{\"commandId\":\"r-%d\",\"ticketId\":\"B%07d\",\"at\":\"2022-03-01T08:00:00+08:00\",\"actor\":{\"id\":\"li\",\"role\":\"OPERATOR\"},\"receive\":{\"channel\":\"PHONE\",\"appealType\":\"COMPLAINT\",\"urgency\":\"NORMAL\",\"category\":\"noise\",\"title\":\"night works\",\"content\":\"building site noise after 22:00\"}}\n", i, i
  }' >"$commands.tmp"
  mv "$commands.tmp" "$commands"
fi

txt="$BUILD_DIR/engine_benchmark.txt"
HOTLINE_BENCH_LARGE_LOG="$large" "$BUILD_DIR/bench/engine_benchmark" \
  --benchmark_out="$BUILD_DIR/engine_benchmark.json" --benchmark_out_format=json | tee "$txt"
if [ -z "${SKIP_REPLICATION:-}" ]; then
  BUILD_DIR="$BUILD_DIR" bash bench/run_replication.sh \
    --benchmark_filter='BM_EngineDurable8Local|BM_EngineDurable8SyncReplicated' | tee -a "$txt"
fi

# Targets 5 and 6: whole tools, each under /usr/bin/time -v. Appends
# "label seconds peak_kib" to $tools.
tools="$work/tools.txt"
timed() {  # label command...
  local label=$1
  shift
  echo "timing: $*"
  local measured
  measured=$(bench_time "$work/out.txt" "$work/time.txt" "$@")
  echo "$label $measured" | tee -a "$tools"
}
timed rebuild "$hotline" rebuild --db "$large"
timed verify "$hotline" verify --db "$large"
timed report-rebuild "$hotline" report --db "$large" --month 2022-06 --rebuild
timed report-as-of "$hotline" report --db "$large" --month 2022-06 --as-of 2022-06-20T00:00:00+08:00
timed export "$hotline" export --db "$large" --format binary --out "$work/export.bin"
timed import "$hotline" import --db "$work/imported" --in "$work/export.bin" --format binary
rm -rf "$work/imported" "$work/export.bin"
timed apply "$hotline" apply --db "$work/applied" --file "$commands" --backfill
rm -rf "$work/applied"
large_events=$(awk '/^events/ {print $2; exit}' <("$hotline" stats --db "$large"))

# A benchmark line's items_per_second, in items/s.
rate() {
  grep -E "^$1[ /]" "$txt" | head -n1 |
    grep -oE 'items_per_second=[0-9.]+[kMG]?/s' |
    awk -F'[=/]' '{v=$2; m=1; if (v ~ /k$/) m=1e3; if (v ~ /M$/) m=1e6; if (v ~ /G$/) m=1e9;
                   sub(/[kMG]$/, "", v); printf "%.0f", v*m}'
}
# A benchmark line's real time, in microseconds.
micros() {
  grep -E "^$1[ /]" "$txt" | head -n1 |
    awk '{v=$2; u=$3; if (u=="ns") v/=1000; if (u=="ms") v*=1000; if (u=="s") v*=1e6; printf "%.1f", v}'
}
tool() {  # label field(2: seconds, 3: peak KiB)
  awk -v l="$1" -v f="$2" '$1 == l { print $f }' "$tools"
}

verdict() {  # pass?(0/1)
  if [ "$1" -eq 1 ]; then echo PASS; else echo MISS; fi
}
ratio_line() {  # label ours baseline goal
  local ratio ok
  ratio=$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.3f", a / b }')
  ok=$(awk -v r="$ratio" -v g="$4" 'BEGIN { print (r >= g) ? 1 : 0 }')
  printf "%-60s %10s  goal >= %-8s %s\n" "$1" "$ratio" "$4" "$(verdict "$ok")"
}
cost_line() {  # label with without
  printf "%-60s %9s%%  %s\n" "$1" \
    "$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.1f", 100 * (1 - a / b) }')" MEASURED
}
summary="$BUILD_DIR/bench-summary.txt"
{
  echo
  echo "target                                                           measure"
  ratio_line "1. mixed commands, 1 thread, sync off / raw batch" \
    "$(rate BM_EngineExecuteMixed)" "$(rate BM_RawWriteBatchPerEvent)" 0.5
  ratio_line "2. durable, 8 submitters, 256 in flight / raw fsync per event" \
    "$(rate BM_EngineAsyncDurable8x256)" "$(rate BM_RawSyncPerEvent)" 10
  ratio_line "2. durable, 1 submitter, 256 in flight / raw fsync per event" \
    "$(rate BM_EngineAsyncDurable1x256)" "$(rate BM_RawSyncPerEvent)" 10
  ratio_line "3. rebuild all projections, 1M events / raw scan" \
    "$(rate BM_RebuildAllProjections/1M)" "$(rate BM_RawScanLog/1M)" 0.5
  ratio_line "3. rebuild per-event speed, ${large_events} events / 1M" \
    "$(rate BM_RebuildAllProjections/large)" "$(rate BM_RebuildAllProjections/1M)" 0.8
  report_us=$(micros BM_ReportMaintained/large)
  printf "%-60s %8s us  goal < %-9s %s\n" "4. maintained report, ${large_events} events" \
    "$report_us" "10000 us" "$(verdict "$(awk -v t="$report_us" 'BEGIN { print (t < 10000) ? 1 : 0 }')")"
  for op in rebuild verify report-rebuild report-as-of export import; do
    peak_kib=$(tool "$op" 3)
    printf "%-60s %7s MiB  goal < %-9s %s\n" \
      "5. peak RSS, $op, ${large_events} events ($(tool "$op" 2) s)" \
      "$((peak_kib / 1024))" "256 MiB" "$(verdict "$((peak_kib < 256 * 1024 ? 1 : 0))")"
  done
  apply_rate=$(awk -v s="$(tool apply 2)" 'BEGIN { printf "%.0f", 1000000 / s }')
  ratio_line "6. apply 1M receives, sync on ($apply_rate cmd/s) / raw fsync per event" \
    "$apply_rate" "$(rate BM_RawSyncPerEvent)" 10
  cost_line "8. Merkle tree, mixed commands" \
    "$(rate BM_EngineExecuteMixed)" "$(rate BM_EngineExecuteMixedNoTree)"
  cost_line "8. Merkle tree, durable, 8 submitters" \
    "$(rate BM_EngineDurable8)" "$(rate BM_EngineDurable8NoTree)"
  cost_line "8. sealing personal data, mixed commands" \
    "$(rate BM_EngineExecuteMixedSealed)" "$(rate BM_EngineExecuteMixed)"
  cost_line "8. sealing personal data, durable, 8 submitters" \
    "$(rate BM_EngineDurable8Sealed)" "$(rate BM_EngineDurable8)"
  if [ -z "${SKIP_REPLICATION:-}" ]; then
    cost_line "8. sync replication (3-node NATS), durable, 8 submitters" \
      "$(rate BM_EngineDurable8SyncReplicated)" "$(rate BM_EngineDurable8Local)"
  fi
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
