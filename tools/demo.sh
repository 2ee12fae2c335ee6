#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the demo: one
# ticket through its whole life with the `hotline` command line.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/build.sh
db=$(mktemp -d /tmp/hotline-demo-XXXXXX)
trap 'rm -rf "$db"' EXIT
hotline=build/tools/hotline/hotline
echo "== hotline apply (historical commands, so --backfill)"
$hotline apply --db "$db" --backfill --file examples/commands/one-ticket.jsonl
echo "== hotline show T-000123"
$hotline show T-000123 --db "$db"
echo "== hotline show T-000123 --as-of '2022-05-31 12:00'"
$hotline show T-000123 --db "$db" --as-of '2022-05-31 12:00' | head -3
echo "== hotline history T-000123"
$hotline history T-000123 --db "$db"
echo "== hotline stats"
$hotline stats --db "$db"
