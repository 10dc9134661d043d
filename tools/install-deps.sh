#!/usr/bin/env bash
# Installs, from Debian packages only, whatever VARScope needs that this machine lacks.
# Idempotent: when everything is present it changes nothing and needs no network.
# Works as root or through sudo. `--with-training` adds what tools/train, varscope-train
# and their tests need (PyTorch with a threaded OpenBLAS — without it torch is ~30x
# slower —, PIL to read the user's images, and the Fashion-MNIST data set).
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  # core
  libeigen3-dev libstb-dev zlib1g-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # explorer (Dear ImGui 1.86 + GLFW + OpenGL through libepoxy) and its headless tests
  libimgui-dev libglfw3-dev libepoxy-dev fonts-dejavu-core xvfb xauth
)
if [ "${1:-}" = "--with-training" ]; then
  packages+=(python3 python3-numpy python3-torch python3-pil libopenblas0-pthread dataset-fashion-mnist)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
