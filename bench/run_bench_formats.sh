#!/usr/bin/env bash
# Format benchmark: silt convert vs DuckDB 1.4.4 (and lnav) on the same generated inputs, in one
# run. Prints a Markdown table; docs/BENCHMARKS.md records results and this command.
#
#   bash bench/run_bench_formats.sh                 # 256 MiB per format
#   BENCH_BYTES=64MiB bash bench/run_bench_formats.sh
#
# combined: silt convert --format combined | DuckDB regexp_extract with the combined-log regex
#           (the usual DuckDB route for Apache/nginx logs) | lnav counting the same files
# csv:      silt convert --format csv | DuckDB read_csv (auto-detected) -> Parquet
# jsonl:    silt convert --format jsonl | DuckDB read_json (auto-detected) -> Parquet
# Every convert writes zstd Parquet (not partitioned) with 2 threads.
set -euo pipefail
cd "$(dirname "$0")/.."
SILT=build/release/silt
DATA=${BENCH_DATA:-bench-data}
OUT=${BENCH_OUT:-bench-out}
BYTES=${BENCH_BYTES:-256MiB}
RUNS=${BENCH_RUNS:-3}
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
command -v lnav >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lnav >/dev/null

for kind in combined csv jsonl; do
  if [ ! -f "$DATA/$kind/.done-$BYTES" ]; then
    rm -rf "$DATA/$kind"
    "$SILT" gen "$kind" --output "$DATA/$kind" --bytes "$BYTES" --days 1 >/dev/null
    touch "$DATA/$kind/.done-$BYTES"
  fi
  find "$DATA/$kind" -type f -print0 | xargs -0 cat > /dev/null  # warm the page cache
done

# measure <route> <runs> <command...>: median wall seconds in SECS, max peak RSS MB in RSS_MB
measure() {
  local route=$1 runs=$2; shift 2
  local log; log=$(mktemp)
  local times=() rss=0
  for _ in $(seq "$runs"); do
    rm -rf "${OUT:?}/$route"
    /usr/bin/time -f "%e %M" -o "$log.t" "$@" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
    read -r s kb < "$log.t"
    times+=("$s")
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  SECS=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS_MB=$((rss / 1024))
  rm -f "$log" "$log.t"
}
rows() {  # a folder of Parquet files (silt) or one file (DuckDB's COPY without partitions)
  local src="$1/**/*.parquet"
  [ -f "$1" ] && src=$1
  "$SILT" sql --format csv "SELECT count(*) FROM read_parquet('$src')" | tail -1
}
row() {  # kind route secs rss rows
  local bytes; bytes=$(find "$DATA/$1" -type f ! -name '.*' -printf '%s\n' | awk '{s+=$1} END {print s}')
  printf '| %s | %s | %.2f | %.0f | %s | %s |\n' "$1" "$2" "$3" "$(awk "BEGIN {print $bytes / 1e6 / $3}")" "$4" "$5"
}

mkdir -p "$OUT"
echo "machine: $(nproc) cores; $($SILT --version); DuckDB $("$SILT" sql --format csv 'SELECT version()' | tail -1); $(lnav -V)"
echo
echo "| input | route | seconds | MB/s | peak RSS MB | rows |"
echo "|---|---|---|---|---|---|"

# combined
measure silt "$RUNS" "$SILT" convert --format combined --input "$DATA/combined" --output "$OUT/silt" --partition-by none --threads 2 -q
row combined "silt convert" "$SECS" "$RSS_MB" "$(rows "$OUT/silt")"
RX='^(\S+) (\S+) (\S+) \[([^\]]+)\] "(\S+) (\S+) (\S+)" (\d{3}) (\S+) "([^"]*)" "([^"]*)"$'
measure duckdb "$RUNS" "$SILT" sql --threads 2 "SET preserve_insertion_order=false;
  COPY (SELECT r.remote_host, r.ident, r.remote_user,
               strptime(r.time, '%d/%b/%Y:%H:%M:%S %z') AS time, r.method, r.uri, r.protocol,
               r.status::INTEGER AS status, TRY_CAST(nullif(r.bytes, '-') AS BIGINT) AS bytes,
               r.referer, r.user_agent
        FROM (SELECT regexp_extract(line, '$RX', ['remote_host','ident','remote_user','time',
                'method','uri','protocol','status','bytes','referer','user_agent']) AS r
              FROM read_csv('$DATA/combined/*.log', delim=E'\\x01', quote='', escape='',
                            header=false, columns={'line':'VARCHAR'}, auto_detect=false))
        WHERE r.remote_host <> '')
  TO '$OUT/duckdb' (FORMAT parquet, COMPRESSION zstd)"
row combined "DuckDB regexp_extract" "$SECS" "$RSS_MB" "$(rows "$OUT/duckdb")"
measure lnav "$RUNS" env HOME="$OUT/lnav-home" lnav -n -c ";SELECT count(*) FROM access_log" "$DATA"/combined/*.log
row combined "lnav (count only)" "$SECS" "$RSS_MB" "-"

# csv
measure silt "$RUNS" "$SILT" convert --format csv --input "$DATA/csv" --output "$OUT/silt" --partition-by none --threads 2 -q
row csv "silt convert" "$SECS" "$RSS_MB" "$(rows "$OUT/silt")"
measure duckdb "$RUNS" "$SILT" sql --threads 2 "SET preserve_insertion_order=false;
  COPY (SELECT * FROM read_csv('$DATA/csv/**/*.csv')) TO '$OUT/duckdb' (FORMAT parquet, COMPRESSION zstd)"
row csv "DuckDB read_csv" "$SECS" "$RSS_MB" "$(rows "$OUT/duckdb")"

# jsonl
measure silt "$RUNS" "$SILT" convert --format jsonl --input "$DATA/jsonl" --output "$OUT/silt" --partition-by none --threads 2 -q
row jsonl "silt convert" "$SECS" "$RSS_MB" "$(rows "$OUT/silt")"
measure duckdb "$RUNS" "$SILT" sql --threads 2 "SET preserve_insertion_order=false;
  COPY (SELECT * FROM read_json('$DATA/jsonl/*.jsonl', format='newline_delimited')) TO '$OUT/duckdb' (FORMAT parquet, COMPRESSION zstd)"
row jsonl "DuckDB read_json" "$SECS" "$RSS_MB" "$(rows "$OUT/duckdb")"
