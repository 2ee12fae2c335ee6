#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the GoogleTest
# suites, the embedding example built against the installed package, the
# suites again under AddressSanitizer + UndefinedBehaviorSanitizer, and a
# short run of each fuzz target. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
ctest --test-dir build --output-on-failure -j2

# The package as another project sees it: install to a temporary prefix,
# build examples/embed with find_package(hotline), run it.
prefix=$(mktemp -d /tmp/hotline-prefix-XXXXXX)
trap 'rm -rf "$prefix"' EXIT
cmake --install build --prefix "$prefix" >/dev/null
cmake -S examples/embed -B "$prefix/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/build" -j2 >/dev/null
"$prefix/build/embed_example" "$prefix/db"
echo "embed example: built against the installed package and ran"

# The whole suite under ASan + UBSan (preset `asan`): any report fails a test.
cmake --preset asan >/dev/null
cmake --build --preset asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --preset asan

# Each libFuzzer target for a short while, after replaying its saved crashes
# (long runs: bash tools/fuzz.sh SECONDS).
bash tools/fuzz.sh 15
