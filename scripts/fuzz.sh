#!/usr/bin/env bash
# Fuzzes every format's parser with libFuzzer (clang-14 from Debian) for FUZZ_SECONDS each
# (default 60). New crashes are written to fuzz/crashes/<format>/; copy a minimised one into
# fuzz/corpus/<format>/ to keep it as a regression case (replayed by `make test`).
#   make fuzz                      # every format, 60 s each
#   FUZZ_SECONDS=600 FUZZ_FORMATS="s3_access" make fuzz
#   FUZZ_JOBS=2 runs two formats at a time (default).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
for p in clang-14 libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev; break; }
done
# Every format in fuzz/CMakeLists.txt, plus regex (its own target with fixed configurations).
FORMATS=${FUZZ_FORMATS:-"$(awk '/^set\(SILT_FUZZ_FORMATS/ {on=1; next} on && /^\)/ {on=0} on {print $1}' fuzz/CMakeLists.txt | tr '\n' ' ')regex"}
GENERIC=$(echo $FORMATS | tr ' ' '\n' | grep -vx regex | tr '\n' ';')
cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
  -DCMAKE_CXX_COMPILER=clang++-14 -DSILT_FUZZ=ON -DSILT_BUILD_TESTS=OFF -DSILT_BUILD_BENCH=OFF \
  "-DSILT_FUZZ_ONLY=${GENERIC:-none}" >/dev/null
for f in $FORMATS; do cmake --build build/fuzz --target "fuzz_$f" -j 2 >/dev/null; done
fuzz_one() {
  local f=$1
  mkdir -p "build/fuzz/corpus-$f" "fuzz/crashes/$f"
  build/fuzz/fuzz/fuzz_"$f" -max_total_time="${FUZZ_SECONDS:-60}" -max_len=4096 \
    -artifact_prefix="fuzz/crashes/$f/" "build/fuzz/corpus-$f" "fuzz/corpus/$f" \
    $( [ -d "src/silt/formats/golden/$f" ] && echo "src/silt/formats/golden/$f" ) \
    > "build/fuzz/$f.log" 2>&1
  echo "$f: $(grep -E '^Done [0-9]+ runs' "build/fuzz/$f.log" || tail -1 "build/fuzz/$f.log")"
}
export -f fuzz_one
echo "fuzzing $FORMATS for ${FUZZ_SECONDS:-60} s each, ${FUZZ_JOBS:-2} at a time"
echo $FORMATS | tr ' ' '\n' | xargs -P "${FUZZ_JOBS:-2}" -I{} bash -c 'fuzz_one {}'
crashes=$(find fuzz/crashes -type f 2>/dev/null | head -20)
if [ -n "$crashes" ]; then
  echo "crashes found (keep a minimised copy under fuzz/corpus/<format>/ once fixed):"
  echo "$crashes"
  exit 1
fi
echo "no crashes"
