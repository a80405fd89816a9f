#!/usr/bin/env bash
# End-to-end tests of `silt table` (Iceberg tables in a warehouse), run the way a user runs it.
#
#   tests/iceberg_test.sh <path/to/silt> <scenario> [<s3 env file>]
#
# Scenarios: lifecycle (gen -> create -> append twice -> list/describe/snapshots/history ->
# answers equal the raw logs' -> drop --purge), errors (exit codes and messages), warehouse
# (SILT_WAREHOUSE, --warehouse, s3:// without a catalog), s3 (a warehouse in the test S3
# server, see scenario_s3). Each works in its own temporary
# folder. Checks print "ok:" or "FAIL:"; the scenario exits 1 when any failed.
set -u -o pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 <silt binary> <scenario> [<s3 env file>]" >&2
  exit 2
fi
SILT=$(realpath "$1")
SCENARIO=$2
HERE=$(cd "$(dirname "$0")" && pwd)

T=$(mktemp -d "${TMPDIR:-/tmp}/silt-iceberg-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SILT_WAREHOUSE SILT_CATALOG

source "$HERE/lib.sh"

scenario_lifecycle() {
  run gen s3_access -o raw1 --bytes 3MiB --days 2 --seed 7
  check_rc "gen raw1" 0
  run gen s3_access -o raw2 --bytes 1MiB --days 1 --start-date 2024-03-05 --seed 8
  check_rc "gen raw2" 0

  run table create logs.access --format s3_access --partition-by 'day(request_time)'
  check_rc "create" 0
  check_contains "create names the table" "$OUT" "created table logs.access (29 columns, partitioned by day(request_time))"
  [[ -f warehouse/catalog.db ]] && pass "catalog in ./warehouse" || fail "no warehouse/catalog.db"
  run table snapshots logs.access
  check_rc "snapshots of an empty table" 0
  check_contains "empty table has no snapshots" "$ERR" "no snapshots yet"

  local q1="SELECT * FROM read_log('raw1', format => 's3_access')"
  local q2="SELECT * FROM read_log('raw2', format => 's3_access')"
  run table append logs.access --sql "$q1" --inputs raw1
  check_rc "append 1" 0
  local appended=$OUT
  csv "SELECT count(*) FROM ($q1)"
  local n1=$VAL
  check_match "append 1 reports the rows" "$appended" "^appended $n1 rows in [0-9]+ files"
  run table append logs.access --sql "$q2;"
  check_rc "append 2 (trailing ;)" 0
  csv "SELECT count(*) FROM ($q2)"
  local n2=$VAL

  run table list
  check_eq "list" "logs.access" "$OUT"
  run table list --catalog "$T/mistyped.db"
  check_rc "a catalog file that does not exist is not created by a command that reads" 3
  check_contains "... and says so" "$ERR" "catalog file $T/mistyped.db does not exist"
  run table list logs
  check_eq "list namespace" "logs.access" "$OUT"

  run table describe logs.access
  check_rc "describe" 0
  check_contains "describe: DDL" "$OUT" "CREATE TABLE silt.logs.access ("
  check_contains "describe: Trino type" "$OUT" "request_time timestamp(6) with time zone,"
  check_contains "describe: field id" "$OUT" "-- id 3, timestamptz"
  check_contains "describe: partitioning" "$OUT" "partitioning = ARRAY['day(request_time)']"
  check_contains "describe: location" "$OUT" "location = 'file://$T/warehouse/logs/access'"
  check_match "describe: spec field" "$OUT" "^  1000 +request_time_day +day +request_time +3$"
  check_match "describe: records" "$OUT" "^  records +$((n1 + n2))$"
  check_contains "describe: property" "$OUT" "write.format.default = parquet"

  run table snapshots logs.access
  check_rc "snapshots" 0
  check_eq "two snapshots" 3 "$(wc -l <<<"$OUT")"
  check_match "first snapshot: append, inputs" "$OUT" " append +[0-9]+ +$n1 +[0-9]+ +$n1 +silt.inputs=raw1, silt.run="
  check_match "second snapshot: totals" "$OUT" " append +[0-9]+ +$n2 +[0-9]+ +$((n1 + n2)) +silt.inputs=SELECT \* FROM read_log\('raw2'"
  run table history logs.access
  check_rc "history" 0
  check_eq "history rows" 3 "$(wc -l <<<"$OUT")"
  check_match "history: current ancestors" "$(tail -1 <<<"$OUT")" " true$"

  run table files logs.access
  check_rc "files" 0
  check_match "files: one line per data file with partition and records" "$OUT" \
    "^data/request_time_day=2024-03-0[0-9]/[0-9a-f-]+\.parquet +request_time_day=2024-03-0[0-9] +[0-9]+ +[0-9]+ +[12]$"
  local listed
  listed=$(tail -n +2 <<<"$OUT" | awk '{s += $3} END {print s}')
  check_eq "files: records add up" "$((n1 + n2))" "$listed"
  run table files logs.access --metrics
  check_match "files --metrics: timestamp bounds" "$OUT" "^  3 +request_time +[0-9]+ +0 +[0-9]+ +2024-03-0[0-9]T[0-9:]+Z +2024-03-0[0-9]T[0-9:]+Z$"

  # The table's files give the raw logs' answers.
  local files="'warehouse/logs/access/data/**/*.parquet'"
  csv "SELECT count(*) FROM $files"
  check_eq "rows in the data files" "$((n1 + n2))" "$VAL"
  csv "SELECT sum(bytes_sent) || '/' || count(DISTINCT request_id) || '/' || min(request_time) FROM $files"
  local table_answer=$VAL
  csv "SELECT sum(bytes_sent) || '/' || count(DISTINCT request_id) || '/' || min(request_time) FROM ($q1 UNION ALL $q2)"
  check_eq "same answers as the raw logs" "$VAL" "$table_answer"
  csv "SELECT count(DISTINCT field_id) FROM parquet_schema($files) WHERE field_id IS NOT NULL"
  check_eq "field ids in the Parquet files" 29 "$VAL"
  csv "SELECT count(*) FROM parquet_kv_metadata($files) WHERE decode(key) = 'iceberg.schema'"
  [[ "$VAL" -ge 2 ]] && pass "iceberg.schema in every file" || fail "iceberg.schema entries: $VAL"
  ls -d warehouse/logs/access/data/request_time_day=2024-03-0* >/dev/null 2>&1 &&
    pass "day partition folders" || fail "no request_time_day= folders: $(ls warehouse/logs/access/data)"

  run table drop logs.access
  check_rc "drop" 0
  check_contains "drop keeps files" "$OUT" "its files stay"
  [[ -d warehouse/logs/access/data ]] && pass "files stay after drop" || fail "drop removed files"
  run table list
  check_eq "list after drop" "" "$OUT"

  run table create logs.again --columns 'a BIGINT, b VARCHAR' --partition-by 'bucket(4, a)'
  check_rc "create with columns" 0
  run table append logs.again --sql "SELECT range AS a, 'v' || range AS b FROM range(100)"
  check_rc "append generated rows" 0
  # Several processes append at once: every append lands (lost catalog races are retried).
  local pids=() i
  for i in 1 2 3 4; do
    "$SILT" table append logs.again --sql "SELECT range + $i * 1000 AS a, 'p$i' AS b FROM range(50)" \
      >"$T/par$i.out" 2>&1 &
    pids+=($!)
  done
  local bad=0
  for i in "${pids[@]}"; do wait "$i" || bad=$((bad + 1)); done
  check_eq "parallel appends succeed" 0 "$bad"
  run table snapshots logs.again
  check_eq "one snapshot per append" 6 "$(wc -l <<<"$OUT")"
  check_match "totals add up" "$(tail -1 <<<"$OUT")" " append +[0-9]+ +50 +[0-9]+ +300 "
  run table drop logs.again --purge
  check_rc "drop --purge" 0
  [[ ! -e warehouse/logs/again ]] && pass "purge removed the table folder" || fail "left: $(find warehouse/logs/again)"
}

scenario_errors() {
  run table create logs.t --columns 'a BIGINT'
  check_rc "create" 0
  run table describe logs.nope
  check_rc "unknown table" 3
  check_contains "unknown table names it and lists the namespace" "$ERR" "no table logs.nope in warehouse file://$T/warehouse (tables in logs: logs.t)"
  run table append logs.nope --sql "SELECT 1 AS a"
  check_rc "append to an unknown table" 3
  run table create logs.t --columns 'a BIGINT'
  check_rc "create twice" 1
  check_contains "create twice says so" "$ERR" "already exists"
  run table create logs.u --columns 'a HUGEINT'
  check_rc "unsupported type" 2
  run table create logs.u --columns 'a BIGINT' --partition-by 'week(a)'
  check_rc "unknown transform" 2
  check_contains "unknown transform named" "$ERR" "unknown transform 'week'"
  run table create logs.u --columns 'a BIGINT' --partition-by 'day(a)'
  check_rc "transform on the wrong type" 2
  run table create logs.u
  check_rc "no columns" 2
  run table create logs.u --columns 'a BIGINT' --format s3_access
  check_rc "--columns with --format" 2
  run table create nonamespace --columns 'a BIGINT'
  check_rc "identifier without namespace" 2
  run table append logs.t --schema-mode error --sql "SELECT 1 AS a, 2 AS b"
  check_rc "column the table lacks (--schema-mode error)" 2
  check_contains "the column is named" "$ERR" "'b'"
  run table append logs.t --sql "SELECT nosuchcolumn FROM range(3)"
  check_rc "bad SQL (DuckDB's binder error)" 2
  check_contains "DuckDB's message" "$ERR" "nosuchcolumn"
  run table snapshots logs.t
  check_contains "failed appends commit nothing" "$ERR" "no snapshots yet"
  [[ -z "$(find warehouse -name '*.parquet')" ]] && pass "no stray data files" || fail "stray: $(find warehouse -name '*.parquet')"
  run gen s3_access -o raw --bytes 256KiB
  printf 'not an access log line\n' >raw/zz-bad.log
  run table create logs.access --format s3_access
  run table append logs.access --sql "SELECT * FROM read_log('raw', format => 's3_access')"
  check_rc "append with a line that does not parse" 0
  check_contains "rejected lines are reported" "$ERR" "note: 1 line did not parse and was left out"
  run table list nope
  check_rc "unknown namespace" 3
  run table --help
  check_rc "help" 0
  check_contains "help teaches create" "$OUT" "silt table create logs.access --format s3_access --partition-by 'day(request_time)'"
  run table create --help
  check_contains "create help lists transforms" "$OUT" "bucket(N, c)"
}

scenario_warehouse() {
  mkdir elsewhere
  SILT_WAREHOUSE="$T/elsewhere/wh" "$SILT" table create a.t --columns 'x INTEGER' >/dev/null 2>&1
  [[ -f elsewhere/wh/catalog.db && -d elsewhere/wh/a/t/metadata ]] && pass "SILT_WAREHOUSE" || fail "SILT_WAREHOUSE not used: $(find elsewhere)"
  run table list --warehouse elsewhere/wh
  check_eq "--warehouse" "a.t" "$OUT"
  run table list -w "file://$T/elsewhere/wh"
  check_eq "file:// warehouse" "a.t" "$OUT"
  run table list --warehouse nowhere
  check_rc "missing warehouse" 3
  [[ ! -e nowhere ]] && pass "reading commands create no warehouse" || fail "nowhere was created"
  run table list --warehouse s3://bucket/wh
  check_rc "s3 warehouse without a catalog" 2
  check_contains "s3 warehouse needs --catalog" "$ERR" "--catalog"
  run table list --warehouse elsewhere/wh --catalog "$T/other.db"
  check_rc "a reading command with a catalog file that does not exist" 3
  [[ ! -e other.db ]] && pass "reading commands create no catalog file" || fail "other.db was created"
  run table create b.t --columns 'v BIGINT' --warehouse elsewhere/wh --catalog "$T/other.db"
  check_rc "a writing command creates the catalog file" 0
  [[ -f other.db ]] && pass "--catalog file created" || fail "--catalog not used"
  run table list --warehouse elsewhere/wh --catalog "$T/other.db"
  check_eq "the separate catalog holds only its own table" "b.t" "$OUT"
}

# s3: a warehouse in S3 (the test server of the s3_server fixture; its env file is the third
# argument) with the catalog in a local file: create, append (uploads), describe, read back,
# and the SDK (tests/sdk) sees exactly the table's objects; drop --purge removes them.
scenario_s3() {
  local env_file=${ENV_FILE:-}
  [[ -f "$env_file" ]] || { echo "FAIL: no env file '$env_file' (did s3_server_start run?)" >&2; exit 1; }
  # shellcheck source=/dev/null
  . "$env_file"
  export AWS_ENDPOINT_URL=$SILT_TEST_S3_ENDPOINT SILT_CACHE_DIR=$T/cache
  local sdk_dir=$HERE/sdk
  "$sdk_dir/install.sh" || { echo "FAIL: tests/sdk/install.sh" >&2; exit 1; }
  local b=$SILT_TEST_S3_BUCKET p="iceberg-$(date +%s)-$$"
  local wh="s3://$b/$p/wh"

  run table create logs.access --format s3_access --warehouse "$wh"
  check_rc "s3 warehouse without a catalog" 2
  export SILT_CATALOG=$T/catalog.db
  mkdir -p "$T/tmp"
  export TMPDIR=$T/tmp  # where appends to a remote warehouse stage their files
  run gen s3_access -o raw --bytes 2MiB --days 2 --seed 5
  run table create logs.access --format s3_access --partition-by 'day(request_time)' --warehouse "$wh"
  check_rc "create in s3" 0
  check_contains "location in s3" "$OUT" "location  $wh/logs/access"
  local q="SELECT * FROM read_log('raw', format => 's3_access')"
  run table append logs.access --sql "$q" --warehouse "$wh"
  check_rc "append into s3" 0
  csv "SELECT count(*) FROM ($q)"
  local n=$VAL
  SILT_WAREHOUSE=$wh run table describe logs.access
  check_rc "describe (SILT_WAREHOUSE)" 0
  check_match "describe: records" "$OUT" "^  records +$n$"
  check_eq "no staging left" "" "$(find "$T/tmp" -name 'silt-append-*')"
  local listing
  listing=$(node "$sdk_dir/s3.mjs" list "$b" "$p/")
  local data_files
  data_files=$(grep -c '/wh/logs/access/data/request_time_day=.*\.parquet ' <<<"$listing")
  [[ "$data_files" -ge 2 ]] && pass "SDK lists $data_files data files" || fail "data files in S3: [$listing]"
  check_eq "SDK sees metadata, manifests and data only" "0" \
    "$(grep -vc -E "^$p/wh/logs/access/(metadata/[^ ]+\.(metadata\.json|avro)|data/request_time_day=[0-9-]+/[0-9a-f-]+\.parquet) " <<<"$listing")"
  csv "SELECT count(*) FROM '$wh/logs/access/data/*/*.parquet'"
  check_eq "rows read back from s3" "$n" "$VAL"
  run table drop logs.access --purge --warehouse "$wh"
  check_rc "drop --purge in s3" 0
  check_eq "nothing left in s3" "" "$(node "$sdk_dir/s3.mjs" list "$b" "$p/")"
}

# silt convert --table (exactly once, incremental), silt sql over tables (pruning, time travel)
# and silt sql --into.
scenario_convert_sql() {
  run gen s3_access -o raw --bytes 6MiB --days 30 --objects 60 --seed 3
  check_rc "gen 30 days" 0
  TOTALS="count(*) || '/' || sum(bytes_sent) || '/' || count(DISTINCT request_id)"
  csv "SELECT $TOTALS FROM read_log('raw', format => 's3_access')"; raw=$VAL
  run convert --format s3_access --input raw --table logs.access
  check_rc "convert --table creates and appends" 0
  check_contains "says it created the table" "$OUT" "to logs.access (created)"
  csv "SELECT $TOTALS FROM logs.access"
  check_eq "the table answers like the raw logs" "$raw" "$VAL"
  run table describe logs.access
  check_contains "partitioned by day of the event time" "$OUT" "day(request_time)"
  run convert --format s3_access --input raw --table logs.access
  check_rc "the same inputs again" 0
  check_contains "nothing is written twice" "$OUT" "already holds these 60 objects"
  csv "SELECT $TOTALS FROM logs.access"
  check_eq "still exactly once" "$raw" "$VAL"
  # New objects arrive: only they are appended.
  run gen s3_access -o more --bytes 1MiB --days 1 --objects 4 --seed 4 --start-date 2024-04-15
  cp -r more/. raw/
  csv "SELECT $TOTALS FROM read_log('raw', format => 's3_access')"; raw2=$VAL
  run convert --format s3_access --input raw --table logs.access
  check_rc "convert after new objects arrived" 0
  check_contains "only the 4 new objects" "$OUT" "appended 4 objects"
  csv "SELECT $TOTALS FROM logs.access"
  check_eq "the table holds every line exactly once" "$raw2" "$VAL"
  # A day reads that day's files only.
  day="WHERE request_time >= '2024-03-10' AND request_time < '2024-03-11'"
  run sql --show-files --format csv "SELECT $TOTALS FROM logs.access $day"
  check_rc "a query over one day" 0
  check_match "reads 1 of 31 data files" "$ERR" "logs.access: snapshot [0-9]+, reading 1 of 31 data files"
  csv "SELECT $TOTALS FROM read_log('raw', format => 's3_access') $day"; want=$VAL
  check_eq "and answers like the raw logs" "$want" "$(tail -n +2 <<<"$OUT")"
  # Time travel to the first snapshot.
  # The first snapshot's id: "<date> <time> UTC <id> ..." on the first line after the header.
  snap=$("$SILT" table snapshots logs.access | awk 'NR==2 {print $4}')
  csv "SELECT $TOTALS FROM logs.access AT (VERSION => $snap)"
  check_eq "AT (VERSION => first snapshot) sees the first run only" "$raw" "$VAL"
  run sql --format csv --snapshot "$snap" "SELECT $TOTALS FROM logs.access"
  check_eq "--snapshot does the same" "$raw" "$(tail -n +2 <<<"$OUT")"
  run sql "SELECT count(*) FROM logs.access AT (VERSION => 12345)"
  check_rc "an unknown snapshot" 3
  check_contains "names the known ones" "$ERR" "$snap"
  # A table the namespace does not hold: said as silt says it, with the namespace's tables.
  run sql "SELECT count(*) FROM logs.nosuch"
  check_rc "an unknown table of a known namespace" 3
  check_contains "names the namespace's tables" "$ERR" "table logs.nosuch does not exist in the warehouse"
  check_contains "... listing them" "$ERR" "logs holds: logs.access"
  # A query's answer into a table of its own.
  run sql --into reports.daily --partition-by 'month(day)' \
    "SELECT CAST(request_time AS DATE) AS day, count(*) AS requests FROM logs.access GROUP BY 1"
  check_rc "sql --into creates and appends" 0
  check_contains "reports the rows" "$OUT" "to reports.daily (created)"
  csv "SELECT sum(requests) FROM reports.daily"
  check_eq "the report sums to the table" "$(cut -d/ -f1 <<<"$raw2")" "$VAL"
}

case "$SCENARIO" in
  lifecycle) scenario_lifecycle ;;
  convert_sql) scenario_convert_sql ;;
  s3) ENV_FILE=${3:-} scenario_s3 ;;
  errors) scenario_errors ;;
  warehouse) scenario_warehouse ;;
  *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac
if [[ $FAILURES -gt 0 ]]; then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
