#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan, -DVARSCOPE_FUZZ=ON) in build-fuzz/ and
# runs each for SECONDS (default 60) from its seeds: the committed corpora and the files
# tools/make_hostile_inputs.py writes. New inputs that reach new code are kept in
# build-fuzz/corpus/<target>/ (seeded again next time); a finding stops the run with the
# crashing input saved as build-fuzz/findings/<target>/crash-*.
#   tools/fuzz.sh [SECONDS] [TARGET...]     targets: fuzz_image fuzz_json fuzz_pickle fuzz_safetensors
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_image fuzz_json fuzz_pickle fuzz_safetensors)

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVARSCOPE_FUZZ=ON \
  -DVARSCOPE_BUILD_GUI=OFF -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build build-fuzz --target "${targets[@]}"

hostile=build-fuzz/hostile
python3 tools/make_hostile_inputs.py "$hostile" assets/models >/dev/null
declare -A seeds=(
  [fuzz_image]="$hostile/images"
  [fuzz_json]="$hostile/json tests/data/hostile_safetensors"
  [fuzz_pickle]="tests/data/hostile_pickle/raw tests/data/hostile_pickle tests/data/pth_crafted"
  [fuzz_safetensors]="tests/data/hostile_safetensors tests/data/hostile_safetensors/valid"
)
for target in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$target" "build-fuzz/findings/$target"
  echo "== $target, ${seconds} s =="
  # 2 GiB of RSS and 1 GiB per allocation: a decoder that asks for more is a finding.
  log="build-fuzz/findings/$target/last_run.log"
  status=0
  # shellcheck disable=SC2086
  "build-fuzz/tests/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -timeout=10 -print_final_stats=1 -artifact_prefix="build-fuzz/findings/$target/" \
    "build-fuzz/corpus/$target" ${seeds[$target]} >"$log" 2>&1 || status=$?
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|Test unit written)" "$log" || true
  [ "$status" -eq 0 ] || { echo "$target: finding (exit $status), see $log"; exit 1; }
done
