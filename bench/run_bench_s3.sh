#!/usr/bin/env bash
# S3 benchmark, in one run on one machine: a Ceph RGW started on 127.0.0.1 by
# scripts/test-servers/rgw.sh (memstore: objects live in RAM) and the AWS SDK for JavaScript
# (tests/sdk) as the peer. Prints a Markdown table; docs/BENCHMARKS.md records results and
# this command.
#
#   bash bench/run_bench_s3.sh                        # 1 GiB
#   BENCH_BYTES=256MiB BENCH_RUNS=1 bash bench/run_bench_s3.sh   # a quicker look
#
# Rows (median of BENCH_RUNS, default 3):
#   convert local    silt convert --format s3_access, local folder -> local folder
#   convert s3       the same objects read from s3:// (streamed with read-ahead) -> local folder
#   convert s3->s3   ... and the Parquet output uploaded to s3:// too
#   upload silt      silt cp <1 GiB file> s3://...  (multipart, 16 MiB parts, 8 in flight)
#   upload sdk       @aws-sdk/lib-storage Upload, its defaults (8 MiB parts, 4 in flight)
#   upload sdk 16x8  the same with silt's part size and concurrency
set -euo pipefail
cd "$(dirname "$0")/.."
SILT=$(realpath build/release/silt)
DATA=${BENCH_DATA:-bench-data}
OUT=${BENCH_OUT:-bench-out}/s3
BYTES=${BENCH_BYTES:-1GiB}
RUNS=${BENCH_RUNS:-3}
RGW_DIR=${BENCH_RGW_DIR:-$(realpath -m build/bench-rgw)}
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null

if [ ! -f "$DATA/large/.done-$BYTES-0" ]; then
  rm -rf "$DATA/large"
  "$SILT" gen s3_access --output "$DATA/large" --bytes "$BYTES" --objects 0 --days 3 --prefix "" >/dev/null
  touch "$DATA/large/.done-$BYTES-0"
fi
mkdir -p "$OUT"
# The server keeps objects in RAM, and RGW frees overwritten data only at its next garbage
# collection (hours later): each section gets a fresh server, with room for what it writes.
export SILT_RGW_MEM_BYTES=${SILT_RGW_MEM_BYTES:-6442450944}
fresh_server() {
  bash scripts/test-servers/rgw.sh start "$RGW_DIR" >&2
  # shellcheck source=/dev/null
  . "$RGW_DIR/env"
  export AWS_ENDPOINT_URL=$SILT_TEST_S3_ENDPOINT
  B=$SILT_TEST_S3_BUCKET
}
trap 'bash scripts/test-servers/rgw.sh stop "$RGW_DIR" >&2' EXIT
bash tests/sdk/install.sh
head -c "$(numfmt --from=iec "${BYTES%iB}")" /dev/urandom >"$OUT/upload.bin"
SIZE=$(stat -c %s "$OUT/upload.bin")
RAW=$(du -sb "$DATA/large" | cut -f1)

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# time_runs <command...>: "<median wall seconds> <median CPU seconds of the command>" over RUNS
time_runs() {
  local t=() c=()
  for _ in $(seq "$RUNS"); do
    rm -rf "$OUT/parquet"
    /usr/bin/time -f "%e %U %S" -o "$OUT/time" "$@" >/dev/null 2>"$OUT/err" || { cat "$OUT/err" >&2; exit 1; }
    read -r wall user sys <"$OUT/time"
    t+=("$wall")
    c+=("$(echo "$user + $sys" | bc)")
  done
  echo "$(printf '%s\n' "${t[@]}" | median) $(printf '%s\n' "${c[@]}" | median)"
}
row() {  # what, bytes, "seconds cpu"
  local secs cpu
  read -r secs cpu <<<"$3"
  printf '| %s | %s | %.2f s | %.0f MB/s | %.2f s |\n' "$1" "$(numfmt --to=iec "$2")B" "$secs" \
    "$(echo "$2 / 1000000 / $secs" | bc -l)" "$cpu"
}

echo "machine: $(nproc) cores; $("$SILT" --version); RGW $(radosgw --version 2>/dev/null | head -1 | awk '{print $3}') (memstore) on 127.0.0.1; node $(node --version)"
echo
echo "| what | bytes | time (median of $RUNS) | throughput | CPU of the client (user+sys) |"
echo "|---|---|---|---|---|"
CONV=("$SILT" convert --format s3_access --threads 2 --quiet)
row "convert: local logs -> local Parquet" "$RAW" "$(time_runs "${CONV[@]}" --input "$DATA/large" --output "$OUT/parquet")"
fresh_server
"$SILT" cp -r -q "$DATA/large" "s3://$B/bench/raw"
row "convert: s3:// logs -> local Parquet" "$RAW" "$(time_runs "${CONV[@]}" --input "s3://$B/bench/raw/" --output "$OUT/parquet")"
row "convert: s3:// logs -> s3:// Parquet" "$RAW" "$(time_runs "${CONV[@]}" --input "s3://$B/bench/raw/" --output "s3://$B/bench/parquet")"
fresh_server
row "upload: silt cp (16 MiB parts, 8 in flight)" "$SIZE" "$(time_runs "$SILT" cp -q "$OUT/upload.bin" "s3://$B/bench/upload-silt.bin")"
row "download: silt cp" "$SIZE" "$(time_runs "$SILT" cp -q "s3://$B/bench/upload-silt.bin" "$OUT/download.bin")"
row "download: AWS SDK JS GetObject" "$SIZE" "$(time_runs node tests/sdk/s3.mjs get "$B" bench/upload-silt.bin "$OUT/download.bin")"
fresh_server
row "upload: AWS SDK JS lib-storage defaults (8 MiB, 4)" "$SIZE" "$(time_runs node tests/sdk/s3.mjs upload "$B" bench/upload-sdk.bin "$OUT/upload.bin")"
fresh_server
row "upload: AWS SDK JS lib-storage 16 MiB, 8" "$SIZE" "$(time_runs node tests/sdk/s3.mjs upload "$B" bench/upload-sdk.bin "$OUT/upload.bin" --part-size 16 --queue 8)"
rm -f "$OUT/upload.bin" "$OUT/download.bin"
