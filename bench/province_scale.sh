#!/usr/bin/env bash
# Issue 17's target 7, measured once and written down (docs/benchmarks.md),
# not part of bench/run.sh: a province's year, 2022 at 17,000,000 appeals
# (over 100M events; 16M would fall short of it by the steps lost at the
# quarters' ends, below), made with `hotline simulate`, then its rebuild,
# verify, disk size, peak RSS and monthly report latency.
#
# The year is simulated a quarter at a time into one store, so that the
# work survives an interrupted run: a quarter that completed leaves
# $log.q<N>.done; a quarter cut short is thrown away by restoring the
# hard-linked backup taken before it (the first, by starting afresh). Appeals still open at a quarter's end
# get no further steps (the simulator starts afresh each quarter); their
# SLA timers still fire. Run again to go on where it stopped.
#
# QUARTERS=N (1 to 4, default 4) stops after the first N quarters and
# measures the store there, reporting the last month simulated: the year's
# simulate alone takes about four hours on a 2-core machine, longer than a
# session that keeps no files. A later run with a larger N goes on from the
# quarters done and measures again.
#
# Uses BUILD_DIR's `hotline` (default build-release, built like
# bench/run.sh). Writes every measurement to $BUILD_DIR/bench-data/
# province-2022.txt. The year needs about 25 GB of disk and several hours of
# both cores.
set -euo pipefail
quarters_wanted=${QUARTERS:-4}
case "$quarters_wanted" in
  1 | 2 | 3 | 4) ;;
  *)
    echo "province_scale.sh: QUARTERS must be 1, 2, 3 or 4, not '$quarters_wanted'" >&2
    exit 2
    ;;
esac
cd "$(dirname "$0")/.."
source bench/bench_lib.sh
bench_build hotline engine_benchmark
hotline="$BUILD_DIR/tools/hotline/hotline"
data="$BUILD_DIR/bench-data"
log="$data/province-2022"
results="$data/province-2022.txt"
mkdir -p "$data"

# label command...: runs it, then records the last lines it printed, its
# wall time and its peak RSS.
timed() {
  local label=$1
  shift
  local measured
  measured=$(bench_time "$data/out.txt" "$data/time.txt" "$@")
  tail -n 2 "$data/out.txt" | tee -a "$results"
  echo "$label: ${measured% *} s, peak RSS $((${measured#* } / 1024)) MiB" | tee -a "$results"
}

quarters=("2022-01-01 2022-03-31" "2022-04-01 2022-06-30" "2022-07-01 2022-09-30"
  "2022-10-01 2022-12-31")
for q in $(seq 1 "$quarters_wanted"); do
  [ -f "$log.q$q.done" ] && continue
  if [ -d "$log.before-q$q" ]; then  # an earlier run stopped inside this quarter
    rm -rf "$log"
    mv "$log.before-q$q" "$log"
  elif [ "$q" -eq 1 ]; then  # nothing before the first quarter to go back to
    rm -rf "$log"
  fi
  if [ -d "$log" ]; then "$hotline" backup --db "$log" --to "$log.before-q$q" >/dev/null; fi
  read -r from to <<<"${quarters[$((q - 1))]}"
  echo "quarter $q: simulating $from .. $to" | tee -a "$results"
  timed "simulate q$q" "$hotline" simulate --db "$log" --from "$from" --to "$to" \
    --tickets-per-year 17000000 --no-sync
  touch "$log.q$q.done"
  rm -rf "$log.before-q$q"
done

month=$(printf '2022-%02d' $((quarters_wanted * 3)))
measured="$log.measured-q$quarters_wanted"
if [ ! -f "$measured" ]; then
  {
    echo "measuring the first $quarters_wanted quarter(s), report month $month"
    echo "store: $(du -sb "$log" | cut -f1) bytes on disk"
    "$hotline" stats --db "$log"
  } | tee -a "$results"
  timed rebuild "$hotline" rebuild --db "$log"
  timed "report $month --rebuild" "$hotline" report --db "$log" --month "$month" --rebuild
  # The maintained report's latency beside a raw scan of the same log, as
  # bench/run.sh measures it on the 10M-event log.
  HOTLINE_BENCH_LARGE_LOG="$log" HOTLINE_BENCH_REPORT_MONTH="$month" \
    "$BUILD_DIR/bench/engine_benchmark" \
    --benchmark_filter='BM_RawScanLog/large|BM_ReportMaintained/large' | tee -a "$results"
  timed verify "$hotline" verify --db "$log"  # the longest, last
  touch "$measured"
fi
cat "$results"
