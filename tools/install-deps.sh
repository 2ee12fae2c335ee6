#!/usr/bin/env bash
# Installs the Debian packages hotline builds and tests with, only those that
# are missing. Idempotent; needs root (or sudo) when something is missing.
set -euo pipefail

packages=(
  g++ cmake make
  libabsl-dev libprotobuf-dev protobuf-compiler librocksdb-dev
  libgtest-dev libgmock-dev libbenchmark-dev libssl-dev
  tzdata
  clang-16 libclang-rt-16-dev  # fuzzing (tools/fuzz.sh); older clangs fail on libstdc++ 12
  time  # /usr/bin/time -v: peak memory in bench/run.sh
  # hotline serve: gRPC and cpp-httplib (with the libraries its .pc names)
  libgrpc++-dev protobuf-compiler-grpc libcpp-httplib-dev pkg-config
  zlib1g-dev libbrotli-dev
  # the service's tests: real clients (Python gRPC, curl) and a real browser
  python3 python3-grpcio python3-protobuf curl openssl chromium-headless-shell
  # replication: the NATS C client, and real NATS servers for its tests
  libnats-dev nats-server
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root to install ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
