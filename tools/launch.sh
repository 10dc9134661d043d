#!/usr/bin/env bash
# Installs what is missing, builds VARScope (Release) and launches the explorer.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)" --target varscope varscope-cli
exec build/app/gui/varscope "$@"
