#!/usr/bin/env bash
# Installs what is missing, builds VARScope and runs every test: the Release build (all
# tests), then the loader and attention tests again under AddressSanitizer + UBSan, and,
# where clang is installed, each libFuzzer target for 10 s (ASan + UBSan too).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh --with-training
jobs=$(nproc)
# ctest runs tests side by side; spinning OpenMP workers would starve each other.
export OMP_WAIT_POLICY=passive

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"

cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVARSCOPE_SANITIZE=ON
cmake --build build-asan -j"$jobs"

echo "== sanitizer run (io, theory, attention) =="
ctest --test-dir build-asan --output-on-failure -j"$jobs"
echo "== release run (all tests) =="
ctest --test-dir build --output-on-failure -j"$jobs"
if command -v clang++ >/dev/null; then
  echo "== fuzz targets (10 s each) =="
  tools/fuzz.sh 10
fi
