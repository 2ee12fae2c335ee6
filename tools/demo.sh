#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
db=$(mktemp -d /tmp/hotline-demo-XXXXXX)
trap 'rm -rf "$db"' EXIT
build/examples/log_roundtrip/log_roundtrip "$db/db"
