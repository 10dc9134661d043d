#!/bin/sh
# An installed copy works from any folder: `cmake --install` into a fresh prefix, then, run
# from that prefix (not the source or build tree), the CLI finds the shipped model and
# writes an image, and the explorer opens the installed model — the path in its report is
# under the prefix, not the source tree — and generates; the desktop entry and the icon
# are installed; so is varscope-train. Usage: install_test.sh BUILD_DIR XVFB_RUN
set -eu
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/varscope-cli share/varscope/models/fmnist-var.safetensors share/varscope/models/fmnist-var-vae.safetensors \
         share/applications/varscope.desktop share/icons/hicolor/256x256/apps/varscope.png; do
  [ -s "$prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done
cd "$prefix"
unset VARSCOPE_MODELS_DIR
"$prefix/bin/varscope-cli" generate --model fmnist-var --class 1 --seed 1 --out "$prefix/x.png" > "$prefix/log.txt" 2>&1 ||
  { cat "$prefix/log.txt"; exit 1; }
[ -s "$prefix/x.png" ] || { echo "no image written"; exit 1; }
# varscope-train's launcher finds its scripts under share/varscope/train (a refusal needs
# no torch, only numpy).
[ -x "$prefix/bin/varscope-train" ] && [ -s "$prefix/share/varscope/train/varscope_train.py" ] ||
  { echo "varscope-train not installed"; exit 1; }
if /usr/bin/python3 -c "import numpy" 2>/dev/null; then
  if "$prefix/bin/varscope-train" --images "$prefix/no-such-folder" --out x > "$prefix/train.txt" 2>&1; then
    echo "varscope-train accepted a missing folder"; exit 1
  fi
  grep -q "no-such-folder: not a folder" "$prefix/train.txt" || { cat "$prefix/train.txt"; exit 1; }
fi
# The explorer, headless, opens the installed model.
"$2" -a -s "-screen 0 1024x700x24" "$prefix/bin/varscope" --frames 5 --wait-workers 120 --generate \
  --report-json "$prefix/report.json" > "$prefix/gui.txt" 2>&1 || { cat "$prefix/gui.txt"; exit 1; }
grep -q "\"model_path\": \"$prefix/share/varscope/models/" "$prefix/report.json" ||
  { echo "the explorer did not open the installed model:"; cat "$prefix/report.json"; exit 1; }
grep -q '"scales_done": [1-9]' "$prefix/report.json" || { echo "no generation:"; cat "$prefix/report.json"; exit 1; }
echo "installed copy OK in $prefix"
