#!/usr/bin/env bash
# An independent reader reads what silt wrote: icebird (JavaScript Iceberg reader, pinned in
# package.json / package-lock.json) reads silt tables served over HTTP on 127.0.0.1 and must
# see the same rows and column aggregates as silt's own queries over the raw input.
#
#   tests/iceberg_readers/icebird_test.sh <path/to/silt>
#
# Exits 0 when every check passed, 1 when one failed, 77 (skipped) without node/npm.
set -u -o pipefail

SILT=$(realpath "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null && command -v npm >/dev/null || { echo "skipped: node/npm missing"; exit 77; }
"$HERE/install.sh" || { echo "FAIL: installing the pinned readers failed" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/silt-icebird-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SILT_WAREHOUSE SILT_CATALOG

source "$HERE/../lib.sh"
must() { "$@" >"$T/.out" 2>&1 || { fail "$* failed: $(cat "$T/.out")"; return 1; }; }

# expected <query> <column>:<kind>...: the lines read_table.mjs prints, computed by silt sql
# over <query>. kind: int (sum), str (no sum), ts / date (epoch ms, sum), bool (sum of true),
# dbl (no sum).
expected() {
  local q=$1
  shift
  local sql="SELECT 'rows=' || count(*) FROM ($q)"
  for spec in "$@"; do
    local c=${spec%%:*} kind=${spec#*:} e s
    case $kind in
      int) e="$c"; s="sum($c)" ;;
      ts) e="epoch_ms($c)"; s="sum(epoch_ms($c))" ;;
      date) e="epoch_ms(CAST($c AS TIMESTAMP))"; s="sum(epoch_ms(CAST($c AS TIMESTAMP)))" ;;
      bool) e="CAST($c AS INTEGER)"; s="sum(CAST($c AS INTEGER))" ;;
      *) e="$c"; s="0" ;;
    esac
    sql+=" UNION ALL SELECT '$c: count=' || count($c) || ' sum=' || coalesce($s, 0) || ' min=' || min($e) || ' max=' || max($e) || ' distinct=' || count(DISTINCT $c) FROM ($q)"
  done
  "$SILT" sql --format csv "$sql" | tail -n +2 | sed 's/^"//; s/"$//' | sort
}

# read_back <table> <column>...: what icebird sees in the table's current snapshot.
read_back() {
  local table=$1
  shift
  local meta
  meta=$("$SILT" table describe "$table" | awk '$1 == "metadata" {print $2}')
  node "$HERE/read_table.mjs" warehouse "$meta" "$@" | sort
}

# icebird_agrees <table> <query> <what> <column>:<kind>...: icebird reads <table> as silt sql
# reads <query>; silt's lines are left in WANT for further checks.
icebird_agrees() {
  local table=$1 q=$2 what=$3
  shift 3
  local got
  WANT=$(expected "$q" "$@")
  got=$(read_back "$table" "${@%%:*}")
  if [[ -n "$got" && "$got" == "$WANT" ]]; then
    pass "icebird reads $what as silt does ($(grep rows= <<<"$got"))"
  else
    fail "icebird and silt disagree on $what:"$'\n'"silt:"$'\n'"$WANT"$'\n'"icebird:"$'\n'"$got"
  fi
}

# 1. Access logs, partitioned by day, two appends (two snapshots, two manifests).
must "$SILT" gen s3_access -o raw --bytes 3MiB --days 2 --seed 11
must "$SILT" table create logs.access --format s3_access --partition-by 'day(request_time)'
Q1="SELECT * FROM read_log('raw', format => 's3_access')"
Q2="SELECT * FROM read_log('raw', format => 's3_access') WHERE http_status >= 400"
must "$SILT" table append logs.access --sql "$Q1"
must "$SILT" table append logs.access --sql "$Q2"
COLS=(bytes_sent:int http_status:int object_size:int request_id:str request_time:ts error_code:str operation:str key:str)
icebird_agrees logs.access "$Q1 UNION ALL $Q2" logs.access "${COLS[@]}"

# 1b. The data files themselves, with hyparquet: every row of every file reads, the files'
# rows add up to the table's, and each column's Parquet field id is the id the table schema
# (the file's iceberg.schema entry, and silt table describe) gives it. Then the same for a
# table written by silt convert --table (silt's own conversion engine writes those files).
check_data_files() {  # <table> <expected rows>
  local files report
  files=$(find "warehouse/${1//.//}/data" -name '*.parquet' | sort)
  report=$(node "$HERE/read_parquet.mjs" $files) || { fail "hyparquet could not read $1's files"; return; }
  local rows
  rows=$(node -e 'let n=0; for (const l of require("fs").readFileSync(0,"utf8").trim().split("\n")) { const r = JSON.parse(l); if (r.rows !== r.footer_rows) { console.log("short " + r.file); process.exit(1) } n += r.rows } console.log(n)' <<<"$report") ||
    { fail "hyparquet read fewer rows than a footer says: $rows"; return; }
  [[ "$rows" == "$2" ]] && pass "hyparquet reads all $rows rows of $1's $(wc -l <<<"$files") data files" ||
    fail "hyparquet reads $rows rows of $1, silt counts $2"
  local bad
  bad=$(node -e 'for (const l of require("fs").readFileSync(0,"utf8").trim().split("\n")) { const r = JSON.parse(l); const names = Object.keys(r.iceberg_schema_ids); if (names.length === 0) console.log(r.file + ": no iceberg.schema"); for (const c of names) if (r.field_ids[c] !== r.iceberg_schema_ids[c]) console.log(r.file + ": " + c + " has field id " + r.field_ids[c] + ", the schema says " + r.iceberg_schema_ids[c]) }' <<<"$report")
  [[ -z "$bad" ]] && pass "$1: every column's Parquet field id is its Iceberg id" || fail "$1: $bad"
}
check_data_files logs.access "$("$SILT" sql --format csv "SELECT count(*) FROM ($Q1 UNION ALL $Q2)" | tail -1)"
must "$SILT" convert --format s3_access --input raw --table logs.converted
check_data_files logs.converted "$("$SILT" sql --format csv "SELECT count(*) FROM ($Q1)" | tail -1)"
icebird_agrees logs.converted "$Q1" "logs.converted (silt convert --table)" "${COLS[@]}"

# 2. Every type silt writes, nulls, and bucket / truncate / month / identity partitions.
must "$SILT" table create t.kinds \
  --columns 'id BIGINT, name VARCHAR, n INTEGER, ts TIMESTAMP, d DATE, tz TIMESTAMPTZ, flag BOOLEAN, x DOUBLE' \
  --partition-by 'bucket(4, id), truncate(2, name), month(d), flag'
QK="SELECT i AS id, CASE WHEN i % 7 = 0 THEN NULL ELSE ['ab', 'äöü', 'x', '日本語'][i % 4 + 1] || i END AS name,
  CAST(i * 3 - 50 AS INTEGER) AS n, TIMESTAMP '1969-12-31 22:00:00' + i * INTERVAL 37 MINUTE AS ts,
  DATE '1969-11-15' + CAST(i * 11 AS INTEGER) AS d, TIMESTAMPTZ '2024-06-01 00:00:00+00' + i * INTERVAL 5 HOUR AS tz,
  i % 3 = 0 AS flag, i + 0.5 AS x FROM range(300) t(i)"
must "$SILT" table append t.kinds --sql "$QK"
KCOLS=(id:int name:str n:int ts:ts d:date tz:ts flag:bool x:dbl)
icebird_agrees t.kinds "$QK" "t.kinds (every type and partition transform)" "${KCOLS[@]}"

# 3. Copy-on-write rewrites: after a delete by filter, an overwrite and a compaction, icebird
# reads the rows `silt sql` reads from the table, which are the raw rows minus / plus those.
must "$SILT" table create logs.cow --format s3_access --partition-by 'day(request_time)'
for i in 0 1 2 3; do
  must "$SILT" table append logs.cow --sql "$Q1 WHERE hash(request_id) % 4 = $i"
done
same_as_silt() {  # same_as_silt <step> <query over the raw logs the table must equal>
  local want_raw want_table got
  want_raw=$(expected "$2" "${COLS[@]}")
  want_table=$(expected "SELECT * FROM logs.cow" "${COLS[@]}")
  got=$(read_back logs.cow "${COLS[@]%%:*}")
  if [[ -n "$got" && "$got" == "$want_table" && "$want_table" == "$want_raw" ]]; then
    pass "icebird reads logs.cow after $1 as silt sql does ($(grep rows= <<<"$got"))"
  else
    fail "after $1, icebird / silt sql / the raw logs disagree on logs.cow:"$'\n'"raw:"$'\n'"$want_raw"$'\n'"silt sql:"$'\n'"$want_table"$'\n'"icebird:"$'\n'"$got"
  fi
}
# The delete touches the first day only: the second day's files stay as they are.
day2_files() { "$SILT" table files logs.cow | awk '$2 == "request_time_day=2024-03-02" {print $1}' | sort; }
day2_before=$(day2_files)
DEL="(http_status = 404 OR error_code = 'NoSuchKey') AND request_time < TIMESTAMPTZ '2024-03-02 00:00:00+00'"
must "$SILT" table delete logs.cow --where "$DEL"
KEEP="($DEL) IS NOT TRUE"
same_as_silt "delete" "$Q1 WHERE $KEEP"
if [[ -n "$day2_before" && "$(day2_files)" == "$day2_before" ]]; then
  pass "the delete kept the files it did not touch"
else
  fail "the delete changed the second day's files:"$'\n'"$day2_before"$'\n'"now:"$'\n'"$(day2_files)"
fi
must "$SILT" table overwrite logs.cow --where "request_time < TIMESTAMPTZ '2024-03-01 06:00:00+00'" \
  --sql "$Q1 WHERE request_time < TIMESTAMPTZ '2024-03-01 06:00:00+00' AND http_status = 200"
KEEP2="($KEEP AND request_time >= TIMESTAMPTZ '2024-03-01 06:00:00+00') OR (request_time < TIMESTAMPTZ '2024-03-01 06:00:00+00' AND http_status = 200)"
same_as_silt "overwrite" "$Q1 WHERE $KEEP2"
files_before=$("$SILT" table files logs.cow | tail -n +2 | wc -l)
must "$SILT" table compact logs.cow
files_after=$("$SILT" table files logs.cow | tail -n +2 | wc -l)
if [[ $files_after -lt $files_before ]]; then
  pass "compaction made $files_before files $files_after"
else
  fail "compaction left $files_after of $files_before files"
fi
same_as_silt "compaction" "$Q1 WHERE $KEEP2"

# 4. Schema evolution: a column added by an append (older files lack it: NULL), a column
# widened int -> long by an append (older files hold INT32), then a rename (older files hold
# the old name; icebird maps the current schema's field ids to the names in each file's
# iceberg.schema entry, so it reads them under the new name). icebird must see what silt sql
# sees over the table at each step.
must "$SILT" table create t.evo --columns 'id BIGINT, msg VARCHAR, n INTEGER' --partition-by 'bucket(2, id)'
must "$SILT" table append t.evo --sql "SELECT i AS id, 'm' || i AS msg, CAST(i AS INTEGER) AS n FROM range(40) t(i)"
must "$SILT" table append t.evo --sql "SELECT i AS id, 'm' || i AS msg, i * 10000000000 AS n, i * 7 AS extra,
  DATE '2024-01-01' + CAST(i AS INTEGER) AS first_seen FROM range(40, 70) t(i)"
ECOLS=(id:int msg:str n:int extra:int first_seen:date)
icebird_agrees t.evo "SELECT * FROM t.evo" "t.evo's added and widened columns (old files: NULL / INT32)" "${ECOLS[@]}"
[[ "$WANT" == *"extra: count=30 "* && "$WANT" == *"rows=70"* ]] &&
  pass "t.evo has 70 rows, 30 of them with the added column" ||
  fail "t.evo after add-column is not 70 rows with 30 values of extra:"$'\n'"$WANT"
must "$SILT" table alter t.evo rename-column msg to message
must "$SILT" table append t.evo --sql "SELECT i AS id, 'x' || i AS message, i AS extra FROM range(70, 80) t(i)"
RCOLS=(id:int message:str n:int extra:int first_seen:date)
icebird_agrees t.evo "SELECT * FROM t.evo" "t.evo's renamed column under its new name in old and new files" "${RCOLS[@]}"
[[ "$WANT" == *"message: count=80 "* ]] &&
  pass "the renamed column holds all 80 values" ||
  fail "t.evo after rename does not hold 80 values of message:"$'\n'"$WANT"

if [[ $FAILURES -gt 0 ]]; then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
