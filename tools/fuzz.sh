#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`: clang-16, ASan + UBSan) and
# runs each for SECONDS (default 10) from a copy of its seed corpus, after
# replaying its saved crashes (tests/fuzz/regressions/<target>/).
#
#   bash tools/fuzz.sh [SECONDS]
#
# Environment: TARGETS="fuzz_policy ..." runs only those; JOBS (default 2)
# compile jobs; NICE (default 10) the niceness of the build and the runs;
# KEEP=1 keeps the work directory (grown corpora, logs) even on success.
# Generated inputs go to a temporary directory, never into the source tree.
# Exits non-zero on the first crash, leak, sanitizer report, timeout or
# out-of-memory, printing the reproducer's path.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
jobs=${JOBS:-2}
nice_level=${NICE:-10}
targets=(${TARGETS:-fuzz_apply_line fuzz_record_decode fuzz_import fuzz_policy fuzz_audit})

# What each target reads is small: a command line, a record, an export or a
# policy file. The export and calendar seeds are under 5 KB.
declare -A max_len=([fuzz_apply_line]=4096 [fuzz_record_decode]=4096
                    [fuzz_import]=8192 [fuzz_policy]=8192 [fuzz_audit]=16384)
# The JSON parser is Debian's uninstrumented libprotobuf, so coverage says
# little about field names and values: the JSON targets get a dictionary.
declare -A dict=([fuzz_apply_line]=-dict=tests/fuzz/hotline.dict [fuzz_record_decode]=
                 [fuzz_import]=-dict=tests/fuzz/hotline.dict [fuzz_policy]=-dict=tests/fuzz/hotline.dict
                 [fuzz_audit]=-dict=tests/fuzz/hotline.dict)

# clang-16 and its libFuzzer runtime come with the project's packages
# (clang 14/15 fail on libstdc++ 12's <ranges>).
bash tools/install-deps.sh

nice -n "$nice_level" cmake --preset fuzz >/dev/null
nice -n "$nice_level" cmake --build --preset fuzz -j "$jobs"

work=$(mktemp -d /tmp/hotline-fuzz-XXXXXX)
# The targets that read a path rewrite a scratch file per input: on ext4 a
# truncate-and-rewrite waits for writeback (7x slower), so use memory.
scratch=$(mktemp -d /dev/shm/hotline-fuzz-XXXXXX 2>/dev/null || mktemp -d "$work/scratch-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export TMPDIR=$scratch
failed=""
for t in "${targets[@]}"; do
  bin=build-fuzz/tests/fuzz/$t
  regressions=tests/fuzz/regressions/$t
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    echo "== $t: replaying $regressions"
    if ! "$bin" -rss_limit_mb=2048 "$regressions"/* >"$work/$t-regressions.log" 2>&1; then
      tail -n 40 "$work/$t-regressions.log"
      echo "FAILED: $t on a saved regression input; log: $work/$t-regressions.log" >&2
      failed=$t
      break
    fi
  fi

  echo "== $t: fuzzing for ${seconds}s"
  mkdir -p "$work/$t/corpus" "$work/$t/artifacts"
  cp tests/fuzz/corpus/$t/* "$work/$t/corpus/"
  status=0
  nice -n "$nice_level" "$bin" "$work/$t/corpus" \
    -max_total_time="$seconds" -max_len="${max_len[$t]}" -rss_limit_mb=2048 -timeout=30 \
    -artifact_prefix="$work/$t/artifacts/" -print_final_stats=1 ${dict[$t]} \
    >"$work/$t.log" 2>&1 || status=$?
  grep -E '^(#[0-9]+[[:space:]]+DONE|Done [0-9]+ runs)' "$work/$t.log" | tail -n 2 || true
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$work/$t.log" || true
  echo "corpus: $(ls "$work/$t/corpus" | wc -l) files"
  if [ "$status" -ne 0 ] || [ -n "$(ls -A "$work/$t/artifacts")" ]; then
    grep -E -A 12 '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz_[a-z_]+: )' "$work/$t.log" | head -n 40 || tail -n 40 "$work/$t.log"
    for a in "$work/$t/artifacts"/*; do
      [ -e "$a" ] && echo "REPRODUCER: $a   (replay: $bin $a; keep: cp it to tests/fuzz/regressions/$t/)"
    done
    echo "FAILED: $t (exit $status); log: $work/$t.log" >&2
    failed=$t
    break
  fi
done

if [ -n "$failed" ]; then
  echo "work directory kept: $work" >&2
  exit 1
fi
if [ "${KEEP:-0}" = 1 ]; then
  echo "work directory kept: $work"
else
  rm -rf "$work"
fi
echo "fuzz: ${#targets[@]} targets, ${seconds}s each, no crash"
