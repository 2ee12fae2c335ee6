#!/usr/bin/env bash
# Installs what is missing, then configures and builds hotline in ./build
# (tests and benchmarks included). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default
