#!/usr/bin/env bash
# Runs bench/replication_benchmark against a 3-node JetStream cluster that it
# starts on loopback (distinct ports and store directories, cluster routes)
# and stops at the end. Uses the build tree $BUILD_DIR (default ./build).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
work=$(mktemp -d /tmp/hotline-nats-bench-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

base=$((20000 + RANDOM % 20000))
routes="nats://127.0.0.1:$((base + 11)),nats://127.0.0.1:$((base + 12)),nats://127.0.0.1:$((base + 13))"
urls=""
for i in 1 2 3; do
  nats-server -js -a 127.0.0.1 -p $((base + i)) -n "n$i" -sd "$work/n$i" \
    --cluster_name hotline-bench --cluster "nats://127.0.0.1:$((base + 10 + i))" \
    --routes "$routes" -l "$work/n$i.log" &
  pids+=($!)
  disown  # no "Killed" job notice when the cleanup kills it
  urls="${urls:+$urls,}nats://127.0.0.1:$((base + i))"
done
sleep 3  # routes connect and the JetStream meta group elects a leader
HOTLINE_NATS_URLS="$urls" "$BUILD_DIR/bench/replication_benchmark" "$@"
