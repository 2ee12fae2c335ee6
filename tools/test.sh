#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the GoogleTest
# suites, then the embedding example built against the installed package.
# CI runs exactly this.
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
