#!/usr/bin/env bash
# Convert benchmark: silt vs DuckDB 1.4.4 (the same libduckdb silt links) on the same inputs, in
# one run. Prints a Markdown table; docs/BENCHMARKS.md records results and this command.
#
#   bash bench/run_bench.sh            # 1 GiB in 128 objects + 20,000 small objects
#   BENCH_BYTES=256MiB BENCH_SMALL=2000 bash bench/run_bench.sh   # a quicker look
#
# silt and the csv route run BENCH_RUNS times each (default 5; the median is shown), taking
# turns so that the shared machine's slow and fast spells fall on both alike; the regex route
# runs once. Routes, each writing zstd Parquet partitioned by day with 2 threads:
#   silt      silt convert --format s3_access
#   csv       DuckDB read_csv(delim ' ', all columns VARCHAR) + casts: the fastest DuckDB route
#   regex     DuckDB read_csv one column per line + regexp_extract with the Athena RegexSerDe
#             regex published by AWS for S3 server access logs
set -euo pipefail
cd "$(dirname "$0")/.."
SILT=build/release/silt
DATA=${BENCH_DATA:-bench-data}
OUT=${BENCH_OUT:-bench-out}
BYTES=${BENCH_BYTES:-1GiB}
SMALL=${BENCH_SMALL:-20000}
SMALL_BYTES=${BENCH_SMALL_BYTES:-200MiB}
THREADS=2
command -v /usr/bin/time >/dev/null || { echo "installing GNU time" >&2; apt-get install -y -qq time >/dev/null; }

gen() {  # dir bytes objects
  if [ ! -f "$1/.done-$2-$3" ]; then
    rm -rf "$1"
    "$SILT" gen s3_access --output "$1" --bytes "$2" --objects "$3" --days 3 --prefix "" >/dev/null
    touch "$1/.done-$2-$3"
  fi
}
gen "$DATA/large" "$BYTES" 0
gen "$DATA/small" "$SMALL_BYTES" "$SMALL"
# The large input's size again in objects as small as the small ones (~10 KiB): against the
# large input, only the object size differs.
iec() { numfmt --from=iec-i "${1%B}"; }
SAME_OBJECTS=$(( SMALL * $(iec "$BYTES") / $(iec "$SMALL_BYTES") ))
gen "$DATA/small-same" "$BYTES" "$SAME_OBJECTS"
# The small objects' lines again, concatenated in name order into objects of about 8 MiB (same
# rows, same bytes, same order; one object per 8 MiB as on the large input).
if [ ! -f "$DATA/small-joined/.done-$SMALL_BYTES-$SMALL" ]; then
  rm -rf "$DATA/small-joined"; mkdir -p "$DATA/small-joined"
  joined=$(cd "$DATA/small-joined" && pwd)
  per=$(( SMALL / (( $(du -sb "$DATA/small" | cut -f1) + 8388607 ) / 8388608) ))
  (cd "$DATA/small" && ls | split -l "$per" - "$joined/.group-")
  for g in "$joined"/.group-*; do
    (cd "$DATA/small" && cat $(cat "$g")) > "$joined/$(head -1 "$g")"; rm -f "$g"
  done
  touch "$DATA/small-joined/.done-$SMALL_BYTES-$SMALL"
fi

RUNS=${BENCH_RUNS:-5}
TIMED=$(mktemp)
trap 'rm -f "$TIMED" "$TIMED.log"' EXIT

# timed <command...>: runs it under GNU time; "<seconds> <peak KB>" lands in $TIMED.
timed() {
  /usr/bin/time -f "%e %M" -o "$TIMED" "$@" >"$TIMED.log" 2>&1 || { cat "$TIMED.log" >&2; exit 1; }
}

# interleave <runs> <route>...: runs the routes (shell functions route_<route>, each writing
# to $OUT/<route>, which is removed first) in turn, <runs> rounds. Sets SECS[<route>] to the
# median wall time and RSS_MB[<route>] to the largest peak resident set.
declare -A SECS RSS_MB
interleave() {
  local runs=$1; shift
  local -A times=() rss=()
  local r sec kb
  for _ in $(seq "$runs"); do
    for r in "$@"; do
      rm -rf "${OUT:?}/$r"
      "route_$r"
      read -r sec kb < "$TIMED"
      times[$r]="${times[$r]:-} $sec"
      [ "$kb" -gt "${rss[$r]:-0}" ] && rss[$r]=$kb
    done
  done
  for r in "$@"; do
    SECS[$r]=$(printf '%s\n' ${times[$r]} | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    RSS_MB[$r]=$(( ${rss[$r]} / 1024 ))
  done
}
warm() { find "$1" -type f -print0 | xargs -0 cat > /dev/null; }  # read from the page cache

CSV_COLUMNS="{'bucket_owner':'VARCHAR','bucket':'VARCHAR','t1':'VARCHAR','t2':'VARCHAR','remote_ip':'VARCHAR','requester':'VARCHAR','request_id':'VARCHAR','operation':'VARCHAR','key':'VARCHAR','request_uri':'VARCHAR','http_status':'VARCHAR','error_code':'VARCHAR','bytes_sent':'VARCHAR','object_size':'VARCHAR','total_time':'VARCHAR','turn_around_time':'VARCHAR','referer':'VARCHAR','user_agent':'VARCHAR','version_id':'VARCHAR','host_id':'VARCHAR','signature_version':'VARCHAR','cipher_suite':'VARCHAR','auth_type':'VARCHAR','host_header':'VARCHAR','tls_version':'VARCHAR','access_point_arn':'VARCHAR','acl_required':'VARCHAR'}"
CASTS="bucket_owner, bucket, strptime(t1 || ' ' || t2, '[%d/%b/%Y:%H:%M:%S %z]') AS request_time,
  remote_ip, requester, request_id, operation, key, request_uri,
  TRY_CAST(nullif(http_status, '-') AS INTEGER) AS http_status, error_code,
  TRY_CAST(nullif(bytes_sent, '-') AS BIGINT) AS bytes_sent,
  TRY_CAST(nullif(object_size, '-') AS BIGINT) AS object_size,
  TRY_CAST(nullif(total_time, '-') AS BIGINT) AS total_time_ms,
  TRY_CAST(nullif(turn_around_time, '-') AS BIGINT) AS turn_around_time_ms,
  referer, user_agent, version_id, host_id, signature_version, cipher_suite, auth_type,
  host_header, tls_version, access_point_arn, acl_required"
# Athena's RegexSerDe input.regex for S3 server access logs (AWS documentation).
REGEX='([^ ]*) ([^ ]*) \[(.*?)\] ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("[^"]*"|-) (-|[0-9]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ("[^"]*"|-) ([^ ]*)(?: ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*) ([^ ]*))?.*$'
RX_NAMES="['bucket_owner','bucket','t','remote_ip','requester','request_id','operation','key','request_uri','http_status','error_code','bytes_sent','object_size','total_time','turn_around_time','referer','user_agent','version_id','host_id','signature_version','cipher_suite','auth_type','host_header','tls_version','access_point_arn','acl_required']"

silt_convert() {  # input dir, output dir, [more options]
  timed "$SILT" convert --format s3_access --input "$1" --output "$2" --threads $THREADS -q "${@:3}"
}
# The csv route's rows: DuckDB reading the objects of a folder as space-separated text.
csv_rows() {  # input dir
  echo "SELECT $CASTS FROM read_csv('$1/*', delim=' ', quote='\"', escape='\"', header=false,
    columns=$CSV_COLUMNS, ignore_errors=true, auto_detect=false, parallel=true)"
}
route_silt() { silt_convert "$CASE_DIR" "$OUT/silt"; }
route_csv() {
  timed "$SILT" sql --threads $THREADS "SET preserve_insertion_order=false;
    COPY (SELECT *, strftime(request_time, '%Y-%m-%d') AS day FROM ($(csv_rows "$CASE_DIR")))
    TO '$OUT/csv' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (day))"
}
route_regex() {
  timed "$SILT" sql --threads $THREADS "SET preserve_insertion_order=false;
    COPY (SELECT r.*, strftime(strptime(r.t, '%d/%b/%Y:%H:%M:%S %z'), '%Y-%m-%d') AS day FROM (
      SELECT regexp_extract(line, '$REGEX', $RX_NAMES) AS r FROM read_csv('$CASE_DIR/*', delim=E'\\x01',
        quote='', escape='', header=false, columns={'line':'VARCHAR'}, auto_detect=false))
      WHERE r.bucket <> '')
    TO '$OUT/regex' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (day))"
}
route_large() { silt_convert "$DATA/large" "$OUT/large"; }
# Unpartitioned: silt and the csv route each writing one dataset without day folders.
csv_flat() {  # input dir, output file
  timed "$SILT" sql --threads $THREADS "SET preserve_insertion_order=false;
    COPY ($(csv_rows "$1")) TO '$2' (FORMAT parquet, COMPRESSION zstd)"
}
silt_flat() { silt_convert "$1" "$2" --partition-by none; }
route_fsilt_large() { silt_flat "$DATA/large" "$OUT/fsilt_large"; }
route_fsilt_small() { silt_flat "$DATA/small" "$OUT/fsilt_small"; }
route_fcsv_large() { csv_flat "$DATA/large" "$OUT/fcsv_large"; }
route_fcsv_small() { csv_flat "$DATA/small" "$OUT/fcsv_small"; }
route_small() { silt_convert "$DATA/small" "$OUT/small"; }
route_joined() { silt_convert "$DATA/small-joined" "$OUT/joined"; }
route_same() { silt_convert "$DATA/small-same" "$OUT/same"; }
# DuckDB alone writing rows it is handed (read back from Parquet, no log parsing) the way silt
# has it write them: zstd, 2 threads, 40,960-row groups. Its joined ÷ large figure is what
# DuckDB keeps by itself (reading Parquet, then writing it) on 200 MiB against 1 GiB.
duck_rewrite() {  # rows folder, output file
  timed "$SILT" sql --threads $THREADS "SET preserve_insertion_order=false;
    COPY (SELECT * FROM read_parquet('$1/**/*.parquet')) TO '$2'
      (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 40960)"
}
route_wlarge() { duck_rewrite "$OUT/rows-large" "$OUT/wlarge"; }
route_wjoined() { duck_rewrite "$OUT/rows-joined" "$OUT/wjoined"; }

one() { "$SILT" sql --format csv "$1" | tail -1; }  # a query's single value

run_case() {  # name dir
  local name=$1 dir=$2 bytes lines
  CASE_DIR=$dir
  bytes=$(find "$dir" -type f ! -name '.*' -printf '%s\n' | awk '{s+=$1} END {print s}')
  lines=$(find "$dir" -type f ! -name '.*' -print0 | xargs -0 cat | wc -l)
  rm -rf "$OUT"; mkdir -p "$OUT"
  warm "$dir"
  interleave "$RUNS" silt csv
  interleave 1 regex
  local s_secs=${SECS[silt]} c_secs=${SECS[csv]} r_secs=${SECS[regex]}
  local s_rows s_size s_common c_rows c_bad c_size c_common r_rows
  s_rows=$(one "SELECT count(*) FROM '$OUT/silt/**/*.parquet'")
  s_size=$(find "$OUT/silt" -name '*.parquet' -printf '%s\n' | awk '{s+=$1} END {print s}')
  # Column chunks of the columns both write (silt adds key_raw, request_method, source_region).
  s_common=$(one "SELECT sum(total_compressed_size) FROM parquet_metadata('$OUT/silt/**/*.parquet') WHERE path_in_schema NOT IN ('key_raw', 'request_method', 'source_region')")
  c_rows=$(one "SELECT count(*) FROM '$OUT/csv/**/*.parquet'")
  c_bad=$(one "SELECT count(*) FROM '$OUT/csv/**/*.parquet' WHERE request_time IS NULL OR http_status IS NULL")
  c_size=$(find "$OUT/csv" -name '*.parquet' -printf '%s\n' | awk '{s+=$1} END {print s}')
  c_common=$(one "SELECT sum(total_compressed_size) FROM parquet_metadata('$OUT/csv/**/*.parquet')")
  r_rows=$(one "SELECT count(*) FROM '$OUT/regex/**/*.parquet'")

  local mb; mb=$(awk "BEGIN {print $bytes / 1e6}")
  printf '| %s | silt convert | %.2f | %.0f | %d | %s | %s | %d |\n' "$name" "$s_secs" "$(awk "BEGIN {print $mb / $s_secs}")" "${RSS_MB[silt]}" "$s_rows" "$((lines - s_rows))" "$s_size"
  printf '| %s | DuckDB read_csv + casts | %.2f | %.0f | %d | %s | %s (+%s mis-parsed) | %d |\n' "$name" "$c_secs" "$(awk "BEGIN {print $mb / $c_secs}")" "${RSS_MB[csv]}" "$c_rows" "$((lines - c_rows))" "$c_bad" "$c_size"
  printf '| %s | DuckDB regexp_extract (Athena regex) | %.2f | %.0f | %d | %s | %s | - |\n' "$name" "$r_secs" "$(awk "BEGIN {print $mb / $r_secs}")" "${RSS_MB[regex]}" "$r_rows" "$((lines - r_rows))"
  echo "|  | speed-up vs csv / regex: $(awk "BEGIN {printf \"%.2fx / %.2fx\", $c_secs / $s_secs, $r_secs / $s_secs}"); Parquet bytes per row: silt $(awk "BEGIN {printf \"%.1f\", $s_size / $s_rows}"), csv route $(awk "BEGIN {printf \"%.1f\", $c_size / $c_rows}") ($(awk "BEGIN {printf \"%+.1f%%\", 100 * ($s_size / $s_rows - $c_size / $c_rows) / ($c_size / $c_rows)}")); column data of the 26 columns both write, per row: silt $(awk "BEGIN {printf \"%.1f\", $s_common / $s_rows}"), csv route $(awk "BEGIN {printf \"%.1f\", $c_common / $c_rows}") ($(awk "BEGIN {printf \"%+.1f%%\", 100 * ($s_common / $s_rows - $c_common / $c_rows) / ($c_common / $c_rows)}")) | | | | | | |"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(${SILT} --version); DuckDB $("$SILT" sql --format csv 'SELECT version()' | tail -1)"
echo
echo "| input | route | seconds | MB/s | peak RSS MB | rows | lines lost | Parquet bytes |"
echo "|---|---|---|---|---|---|---|---|"
run_case "$(ls "$DATA/large" | wc -l) objects, $BYTES" "$DATA/large"
run_case "$SMALL objects, $SMALL_BYTES" "$DATA/small"

# Small against large objects, silt alone, in turns: the large input, the small objects, and
# the small objects' lines joined into 8 MiB objects. What the joined run gains over the small
# objects is the cost of the objects themselves (listing, opening, reading 20,000 of them);
# what it still lacks against the large input is paid once per run whatever its size (start,
# memory first touched, the last partition's last row groups), and weighs five times more on
# 200 MiB than on 1 GiB. The large input's size in small objects ("same") isolates the
# object size: same bytes, same per-run costs, objects as small as the small input's.
rm -rf "$OUT"; mkdir -p "$OUT"
warm "$DATA/large"; warm "$DATA/small"; warm "$DATA/small-joined"; warm "$DATA/small-same"
# The rows DuckDB alone rewrites (see duck_rewrite), written once.
"$SILT" convert --format s3_access --input "$DATA/large" --output "$OUT/rows-large" --partition-by none -q >/dev/null
"$SILT" convert --format s3_access --input "$DATA/small-joined" --output "$OUT/rows-joined" --partition-by none -q >/dev/null
interleave "$RUNS" large small joined same wlarge wjoined
mbs() { awk "BEGIN {print $(du -sb --exclude='.*' "$1" | cut -f1) / 1e6 / $2}"; }
LARGE_MBS=$(mbs "$DATA/large" "${SECS[large]}")
SMALL_MBS=$(mbs "$DATA/small" "${SECS[small]}")
JOINED_MBS=$(mbs "$DATA/small-joined" "${SECS[joined]}")
SAME_MBS=$(mbs "$DATA/small-same" "${SECS[same]}")
echo
echo "silt, in turns: large input $(printf '%.2f' "${SECS[large]}") s ($(printf '%.0f' "$LARGE_MBS") MB/s), small objects $(printf '%.2f' "${SECS[small]}") s ($(printf '%.0f' "$SMALL_MBS") MB/s), the small objects' lines in $(ls "$DATA/small-joined" | wc -l) objects $(printf '%.2f' "${SECS[joined]}") s ($(printf '%.0f' "$JOINED_MBS") MB/s)."
echo "silt on small objects keeps $(awk "BEGIN {printf \"%.0f%%\", 100 * $SMALL_MBS / $LARGE_MBS}") of its large-object throughput; the same lines in few objects keep $(awk "BEGIN {printf \"%.0f%%\", 100 * $JOINED_MBS / $LARGE_MBS}"): the $SMALL objects themselves cost $(awk "BEGIN {printf \"%.0f%%\", 100 * (1 - $SMALL_MBS / $JOINED_MBS)}") of the small input's throughput, the rest is paid once per run."
echo "The large input's $BYTES in $SAME_OBJECTS objects of ~$(( $(iec "$SMALL_BYTES") / SMALL / 1024 )) KiB: $(printf '%.2f' "${SECS[same]}") s ($(printf '%.0f' "$SAME_MBS") MB/s), $(awk "BEGIN {printf \"%.0f%%\", 100 * $SAME_MBS / $LARGE_MBS}") of the large-object throughput (same bytes, only the object size differs)."
W_LARGE_RPS=$(awk "BEGIN {print $(one "SELECT count(*) FROM '$OUT/rows-large/**/*.parquet'") / ${SECS[wlarge]}}")
W_JOINED_RPS=$(awk "BEGIN {print $(one "SELECT count(*) FROM '$OUT/rows-joined/**/*.parquet'") / ${SECS[wjoined]}}")
echo "DuckDB alone rewriting the same rows from Parquet (no parsing; zstd, 2 threads, 40,960-row groups), in the same turns: large $(printf '%.2f' "${SECS[wlarge]}") s, joined $(printf '%.2f' "${SECS[wjoined]}") s; the joined rows keep $(awk "BEGIN {printf \"%.0f%%\", 100 * $W_JOINED_RPS / $W_LARGE_RPS}") of the large rows' throughput (silt, joined against large: $(awk "BEGIN {printf \"%.0f%%\", 100 * $JOINED_MBS / $LARGE_MBS}"))."

# The same comparison without partitions: every route writes one dataset (silt
# --partition-by none; the csv route without PARTITION_BY: the setup the issue's reference
# figures for DuckDB's route describe, ~235 MB/s with ~1 GB of memory).
interleave "$RUNS" fsilt_large fcsv_large wlarge fsilt_small fcsv_small
L_MB=$(awk "BEGIN {print $(du -sb --exclude='.*' "$DATA/large" | cut -f1) / 1e6}")
S_MB=$(awk "BEGIN {print $(du -sb --exclude='.*' "$DATA/small" | cut -f1) / 1e6}")
echo
echo "Unpartitioned, in turns (medians of $RUNS): $BYTES silt $(printf '%.2f' "${SECS[fsilt_large]}") s ($(awk "BEGIN {printf \"%.0f\", $L_MB / ${SECS[fsilt_large]}}") MB/s, ${RSS_MB[fsilt_large]} MB), csv route $(printf '%.2f' "${SECS[fcsv_large]}") s ($(awk "BEGIN {printf \"%.0f\", $L_MB / ${SECS[fcsv_large]}}") MB/s, ${RSS_MB[fcsv_large]} MB): $(awk "BEGIN {printf \"%.2fx\", ${SECS[fcsv_large]} / ${SECS[fsilt_large]}}"); small objects silt $(printf '%.2f' "${SECS[fsilt_small]}") s, csv route $(printf '%.2f' "${SECS[fcsv_small]}") s: $(awk "BEGIN {printf \"%.2fx\", ${SECS[fcsv_small]} / ${SECS[fsilt_small]}}"). Small ÷ large throughput: silt $(awk "BEGIN {printf \"%.0f%%\", 100 * $S_MB / ${SECS[fsilt_small]} / ($L_MB / ${SECS[fsilt_large]})}"), csv route $(awk "BEGIN {printf \"%.0f%%\", 100 * $S_MB / ${SECS[fcsv_small]} / ($L_MB / ${SECS[fcsv_large]})}")."
echo "In the same turns, DuckDB alone reads silt's $BYTES rows back from Parquet and writes them again in $(printf '%.2f' "${SECS[wlarge]}") s; silt converts the raw logs in $(printf '%.2f' "${SECS[fsilt_large]}") s."
echo
echo "Parse only (one core, build/release/bench_formats):"
build/release/bench_formats --benchmark_min_time=1 2>/dev/null | grep BM_
