# Sourced by bench/run.sh and bench/province_scale.sh (from the checkout's
# top directory): the build tree they use and how they time a whole tool.

# Leaves BUILD_DIR as given, or sets it to build-release and builds there
# (installing the packages first) the targets named.
bench_build() {
  if [ -z "${BUILD_DIR:-}" ]; then
    BUILD_DIR=build-release
    bash tools/install-deps.sh
    cmake --preset release >/dev/null
    cmake --build --preset release --target "$@"
  fi
}

# bench_time OUT TIMES command...: runs the command under /usr/bin/time -v,
# its standard output to OUT and the time report to TIMES, and prints
# "SECONDS PEAK_KIB". On failure prints the report on standard error and
# exits 2 (call it as `x=$(bench_time ...)` so that set -e stops there).
bench_time() {
  local out=$1 times=$2
  shift 2
  /usr/bin/time -v "$@" >"$out" 2>"$times" || {
    cat "$times" >&2
    exit 2
  }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
    /Maximum resident set size/ { k = $2 }
    END { printf "%.1f %d\n", s, k }' "$times"
}
