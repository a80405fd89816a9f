#!/usr/bin/env bash
# Table benchmark: converting S3 access logs into an Iceberg table vs into plain Parquet files,
# same input, same machine, one run; and a query over one day of a 30-day table, with the data
# files it reads. Prints Markdown; docs/BENCHMARKS.md records results and this command.
#
#   bash bench/run_bench_tables.sh                      # 1 GiB, 3 runs each
#   BENCH_BYTES=256MiB BENCH_RUNS=1 bash bench/run_bench_tables.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SILT=$(realpath build/release/silt)
DATA=${BENCH_DATA:-bench-data}
OUT=$(realpath -m "${BENCH_OUT:-bench-out}/tables")
BYTES=${BENCH_BYTES:-1GiB}
RUNS=${BENCH_RUNS:-3}
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
if [ ! -f "$DATA/large/.done-$BYTES-0" ]; then
  rm -rf "$DATA/large"
  "$SILT" gen s3_access --output "$DATA/large" --bytes "$BYTES" --objects 0 --days 3 --prefix "" >/dev/null
  touch "$DATA/large/.done-$BYTES-0"
fi
RAW=$(du -sb "$DATA/large" | cut -f1)
mkdir -p "$OUT"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# time_runs <setup> <command...>: median wall seconds and the largest peak RSS (MB)
time_runs() {
  local t=() rss=0
  for _ in $(seq "$RUNS"); do
    rm -rf "$OUT/parquet" "$OUT/wh"
    /usr/bin/time -f "%e %M" -o "$OUT/time" "$@" >/dev/null 2>"$OUT/err" || { cat "$OUT/err" >&2; exit 1; }
    read -r wall kb <"$OUT/time"
    t+=("$wall")
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  echo "$(printf '%s\n' "${t[@]}" | median) $((rss / 1024))"
}
echo "machine: $(nproc) cores; $("$SILT" --version); input $(numfmt --to=iec "$RAW")B of S3 access logs over 3 days"
echo
echo "| what | time (median of $RUNS) | MB/s | peak RSS | output |"
echo "|---|---|---|---|---|"
read -r pq_s pq_rss <<<"$(time_runs "$SILT" convert --format s3_access --threads 2 --quiet --input "$DATA/large" --output "$OUT/parquet")"
"$SILT" convert --format s3_access --threads 2 --quiet --input "$DATA/large" --output "$OUT/parquet" >/dev/null
pq_files=$(find "$OUT/parquet" -name '*.parquet' | wc -l)
printf '| convert → Parquet files, by day | %.2f s | %.0f | %s MB | %s files |\n' "$pq_s" "$(echo "$RAW / 1000000 / $pq_s" | bc -l)" "$pq_rss" "$pq_files"
read -r t_s t_rss <<<"$(time_runs "$SILT" convert --format s3_access --threads 2 --input "$DATA/large" --table bench.access --warehouse "$OUT/wh")"
"$SILT" convert --format s3_access --threads 2 --input "$DATA/large" --table bench.access --warehouse "$OUT/wh" >/dev/null
t_files=$(find "$OUT/wh" -name '*.parquet' | wc -l)
printf '| convert → Iceberg table, day(request_time) | %.2f s | %.0f | %s MB | %s files + metadata |\n' "$t_s" "$(echo "$RAW / 1000000 / $t_s" | bc -l)" "$t_rss" "$t_files"
printf '\nTable overhead: %+.1f%% time.\n' "$(echo "($t_s / $pq_s - 1) * 100" | bc -l)"

# 30 days, one query over one day.
rm -rf "$OUT/days" "$OUT/wh30"
"$SILT" gen s3_access --output "$OUT/days" --bytes 256MiB --days 30 --objects 300 --prefix "" >/dev/null
"$SILT" convert --format s3_access --input "$OUT/days" --table bench.month --warehouse "$OUT/wh30" >/dev/null
echo
echo "30-day table (256 MiB of logs, one file per day): a query over 2024-03-15"
DAY="WHERE request_time >= '2024-03-15' AND request_time < '2024-03-16'"
"$SILT" sql --warehouse "$OUT/wh30" --show-files --format csv "SELECT count(*) AS rows, sum(bytes_sent) AS bytes FROM bench.month $DAY" 2>&1 | sed 's/^/    /'
"$SILT" sql --warehouse "$OUT/wh30" --show-files --format csv "SELECT count(*) AS rows FROM bench.month" 2>&1 | sed 's/^/    /'
rm -rf "$OUT"
