#!/usr/bin/env bash
# End-to-end tests of the silt command line, run the way a user runs it.
#
#   tests/cli_test.sh <path/to/silt> <scenario> [<repository root>]
#
# One CTest test per scenario (tests/CMakeLists.txt). Every scenario works in its own
# `mktemp -d` folder, removed on exit. Checks do not stop at the first failure: each one prints
# "ok:" or "FAIL:", and the scenario exits 1 when any failed, 77 when it was skipped.
#
# Checks marked "regression" guard bugs found by these tests and since fixed.
set -u -o pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 <silt binary> <scenario> [<repository root>]" >&2
  exit 2
fi
SILT=$(realpath "$1")
SCENARIO=$2
SRC=${3:-$(cd "$(dirname "$0")/.." && pwd)}
SKIP=77

T=$(mktemp -d "${TMPDIR:-/tmp}/silt-cli-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

# ---------------------------------------------------------------------------------------------
# helpers

source "$SRC/tests/lib.sh"
# summary_value <convert stdout> <label>: the number after "  <label>" without thousands commas.
summary_value() {
  awk -v k="$2" '$1 == k { gsub(",", "", $2); print $2; exit }' <<<"$1"
}
# need <program...>: skip the scenario when a tool it uses is not installed.
need() {
  local p
  for p in "$@"; do
    if ! command -v "$p" >/dev/null; then
      echo "skipped: $p is not installed"
      exit $SKIP
    fi
  done
}
parquet_count() { find "$1" -name '*.parquet' -not -path '*/_*' | wc -l | tr -d ' '; }

# One S3 server access log line (27-field layout, AWS's documentation example) with the given
# time, HTTP status, bytes_sent and user agent.
s3_line() {
  local time=$1 status=$2 bytes=$3 agent=${4:-S3Console/0.4}
  printf '%s\n' "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 [$time +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - \"GET /awsexamplebucket1?versioning HTTP/1.1\" $status - $bytes - 7 - \"-\" \"$agent\" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV2 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.2 arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP Yes"
}

# ---------------------------------------------------------------------------------------------
# 1. gen -> convert -> sql: raw and converted data give the same answers.
scenario_gen_convert_sql() {
  need python3
  run gen s3_access --output raw --bytes 4MiB --days 3 --seed 7 --objects 3 --start-date 2024-03-01
  check_rc "gen succeeds" 0
  local gen_lines
  gen_lines=$(sed -nE 's/^generated ([0-9]+) objects, ([0-9,]+) lines.*/\2/p' <<<"$OUT" | tr -d ,)
  check_eq "gen reports 3 objects" 3 "$(sed -nE 's/^generated ([0-9]+) objects.*/\1/p' <<<"$OUT")"
  check_eq "gen wrote 3 objects" 3 "$(find raw -type f | wc -l | tr -d ' ')"

  # the same seed gives the same bytes
  run gen s3_access --output raw2 --bytes 4MiB --days 3 --seed 7 --objects 3 --start-date 2024-03-01
  if diff -r raw raw2 >/dev/null; then pass "gen is deterministic by seed"; else fail "gen with the same seed wrote different objects"; fi
  rm -rf raw2

  run convert --format s3_access --input raw --output out
  check_rc "convert succeeds" 0
  local rows rejects
  rows=$(summary_value "$OUT" rows)
  rejects=$(summary_value "$OUT" rejects)
  check_eq "convert reports 0 rejects" 0 "$rejects"
  check_eq "convert rows = lines gen wrote" "$gen_lines" "$rows"
  check_match "convert summary names the manifest" "$OUT" '^  manifest  .*/_silt/runs/[0-9a-f]{16}\.json$'

  local q_raw="SELECT count(*) AS n, sum(bytes_sent) AS b FROM read_log('raw', format => 's3_access')"
  local q_pq="SELECT count(*) AS n, sum(bytes_sent) AS b FROM 'out/**/*.parquet'"
  csv "$q_raw"; local raw_val=$VAL
  csv "$q_pq"; local pq_val=$VAL
  check_eq "count/sum(bytes_sent): raw folder = Parquet output" "$raw_val" "$pq_val"
  check_eq "count(*) over raw = rows convert printed" "$rows" "${raw_val%%,*}"
  if [[ "${raw_val#*,}" =~ ^[0-9]+$ && "${raw_val#*,}" != 0 ]]; then pass "sum(bytes_sent) is a positive number"; else fail "sum(bytes_sent) is [${raw_val#*,}]"; fi

  csv "SELECT operation, count(*), sum(bytes_sent), sum(object_size), count(DISTINCT request_id) FROM read_log('raw', format => 's3_access') GROUP BY 1 ORDER BY 1"
  local raw_groups=$VAL
  csv "SELECT operation, count(*), sum(bytes_sent), sum(object_size), count(DISTINCT request_id) FROM 'out/**/*.parquet' GROUP BY 1 ORDER BY 1"
  check_eq "per-operation figures: raw = Parquet" "$raw_groups" "$VAL"
  csv "SELECT operation, count(*), sum(bytes_sent), sum(object_size), count(DISTINCT request_id) FROM 'out' GROUP BY 1 ORDER BY 1"
  check_eq "the output folder by its path answers the same" "$raw_groups" "$VAL"
  run sql "SELECT count(*) FROM 'raw'"
  check_nonzero "a folder of raw logs in FROM is an error"
  check_contains "which names read_log" "$ERR" "read_log('raw', format => '<format>')"

  # every row and every column round-trips (the Parquet side has the extra `day` column)
  csv "SELECT count(*) FROM (SELECT * FROM read_log('raw', format => 's3_access') EXCEPT ALL SELECT * EXCLUDE (day) FROM 'out/**/*.parquet')"
  check_eq "no raw row missing from the Parquet output" 0 "$VAL"
  csv "SELECT count(*) FROM (SELECT * EXCLUDE (day) FROM 'out/**/*.parquet' EXCEPT ALL SELECT * FROM read_log('raw', format => 's3_access'))"
  check_eq "no Parquet row that is not in the raw logs" 0 "$VAL"

  # day=YYYY-MM-DD folders, one per UTC day of request_time, matching the rows inside them
  local dirs
  dirs=$(find out -mindepth 1 -maxdepth 1 -type d -name 'day=*' -printf '%f\n' | sort | tr '\n' ' ')
  check_eq "day=YYYY-MM-DD folders" "day=2024-03-01 day=2024-03-02 day=2024-03-03 " "$dirs"
  csv "SELECT string_agg('day=' || d, ' ' ORDER BY d) FROM (SELECT DISTINCT strftime(request_time, '%Y-%m-%d') AS d FROM read_log('raw', format => 's3_access'))"
  check_eq "folders = distinct days of request_time" "${dirs% }" "$VAL"
  csv "SELECT count(*) FROM 'out/**/*.parquet' WHERE CAST(day AS VARCHAR) <> strftime(request_time, '%Y-%m-%d')"
  check_eq "every row sits in its request_time's day folder" 0 "$VAL"

  # the manifest agrees with the summary
  local manifest
  manifest=$(find out/_silt/runs -name '*.json' | head -1)
  if [[ -n "$manifest" ]]; then
    check_eq "manifest rows" "$rows" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"])' "$manifest")"
    check_eq "manifest lists every Parquet file" "$(parquet_count out)" \
      "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["outputs"]))' "$manifest")"
  else
    fail "no manifest under out/_silt/runs"
  fi
  check_eq "no _rejects folder when nothing was rejected" "" "$(find out -maxdepth 1 -name _rejects)"
}

# ---------------------------------------------------------------------------------------------
# 2. Converting the same input into the same output twice replaces, never duplicates.
scenario_reconvert() {
  run gen s3_access --output raw --bytes 4MiB --days 2 --seed 11 --objects 2
  check_rc "gen succeeds" 0
  run convert --format s3_access --input raw --output out
  check_rc "first convert succeeds" 0
  local first=$OUT files1
  files1=$(parquet_count out)
  csv "SELECT count(*), sum(bytes_sent) FROM 'out/**/*.parquet'"; local val1=$VAL
  check_not_contains "first run replaces nothing" "$first" "replaced"
  check_eq "first run: summary rows = count(*)" "$(summary_value "$first" rows)" "${val1%%,*}"

  run convert --format s3_access --input raw --output out
  check_rc "second convert succeeds" 0
  local second=$OUT
  check_eq "same number of Parquet files after the second run" "$files1" "$(parquet_count out)"
  csv "SELECT count(*), sum(bytes_sent) FROM 'out/**/*.parquet'"
  check_eq "count(*)/sum(bytes_sent) unchanged after the second run" "$val1" "$VAL"
  check_match "second run says it replaced the previous files" "$second" "^  replaced  $files1 files? of the previous run$"
  check_eq "one manifest" 1 "$(find out/_silt/runs -name '*.json' | wc -l | tr -d ' ')"
  check_eq "all files are of generation 2" "$files1" "$(find out -name '*-g2-*.parquet' | wc -l | tr -d ' ')"
  check_eq "staging left empty" "" "$(find out/_silt -path '*staging/*' 2>/dev/null)"

  # the same input spelled differently is the same conversion
  run convert --format s3_access --input ./raw/ --output out
  check_rc "third convert (input as ./raw/) succeeds" 0
  check_contains "input ./raw/ is recognised as the same run" "$OUT" "replaced"
  csv "SELECT count(*), sum(bytes_sent) FROM 'out/**/*.parquet'"
  check_eq "count(*) unchanged after the third run" "$val1" "$VAL"

  # another input into the same output adds to it
  mkdir -p more
  s3_line 06/Feb/2019:00:00:38 200 113 >more/2019-02-06-00-00-00-0123456789ABCDEF
  run convert --format s3_access --input more --output out
  check_rc "convert of another input into the same output" 0
  check_not_contains "a different input replaces nothing" "$OUT" "replaced"
  csv "SELECT count(*) FROM 'out/**/*.parquet'"
  check_eq "the other run's row is added" "$((${val1%%,*} + 1))" "$VAL"
}

# ---------------------------------------------------------------------------------------------
# 3. Malformed lines: counted, written to _rejects/<run>-g<generation>.jsonl, visible in SQL.
scenario_rejects() {
  need python3 gzip
  mkdir -p raw
  local obj=raw/2019-02-07-00-00-00-ABCDEF0123456789 zobj=raw/2019-02-08-00-00-00-0000000000000001
  {
    s3_line 06/Feb/2019:00:00:38 200 113          # 1
    echo "this is not a log line"                  # 2  bad
    s3_line 06/Feb/2019:01:00:38 404 200          # 3
    s3_line 06/Feb/2019:02:00:38 2x0 5            # 4  bad: status
    s3_line 06/Foo/2019:02:00:38 200 5            # 5  bad: month
    s3_line 07/Feb/2019:00:00:00 200 1000         # 6
    s3_line 07/Feb/2019:00:00:00 200 1000 | cut -c1-150   # 7  bad: cut short
    s3_line 07/Feb/2019:23:59:59 206 7            # 8
  } >"$obj"
  # a gzip object (AWS-style name, no extension) with a bad third line
  { s3_line 08/Feb/2019:00:00:01 200 10; s3_line 08/Feb/2019:00:00:02 200 20
    echo 'garbage, with "quotes" and a comma'; s3_line 08/Feb/2019:00:00:03 200 30; } >plain_z
  gzip -c plain_z >"$zobj"

  offset() { head -n $(($2 - 1)) "$1" | wc -c | tr -d ' '; }  # byte where line $2 of file $1 starts
  local expected
  expected=$(printf '%s\n' \
    "$(basename "$obj"),2,$(offset "$obj" 2),this is not a log line" \
    "$(basename "$obj"),4,$(offset "$obj" 4),$(sed -n 4p "$obj")" \
    "$(basename "$obj"),5,$(offset "$obj" 5),$(sed -n 5p "$obj")" \
    "$(basename "$obj"),7,$(offset "$obj" 7),$(sed -n 7p "$obj")" \
    "$(basename "$zobj"),3,$(offset plain_z 3),garbage, with \"quotes\" and a comma")

  run convert --format s3_access --input raw --output out
  check_rc "convert succeeds despite bad lines" 0
  check_eq "summary rows" 7 "$(summary_value "$OUT" rows)"
  check_eq "summary rejects" 5 "$(summary_value "$OUT" rejects)"
  local rfile
  rfile=$(find out/_rejects -name '*.jsonl' 2>/dev/null | head -1)
  if [[ -z "$rfile" ]]; then
    fail "no out/_rejects/<run>-g<generation>.jsonl"
    return
  fi
  check_match "rejects file is named after the run and its generation" "$rfile" '^out/_rejects/[0-9a-f]{16}-g1\.jsonl$'
  check_contains "summary points at the rejects file" "$OUT" "(see $(realpath "$rfile"))"
  # A re-run writes its own generation's rejects file and removes the previous one only once
  # its manifest names the new one.
  run convert --format s3_access --input raw --output out
  check_rc "the same conversion again succeeds" 0
  local rfile2
  rfile2=$(find out/_rejects -name '*.jsonl' | sort | tr '\n' ' ')
  check_eq "the re-run's rejects file replaces the first" "${rfile%-g1.jsonl}-g2.jsonl " "$rfile2"
  check_contains "the manifest names the re-run's rejects file" \
    "$(cat out/_silt/runs/*.json)" "\"rejects_file\": \"_rejects/$(basename "${rfile%-g1.jsonl}")-g2.jsonl\""
  rfile=${rfile%-g1.jsonl}-g2.jsonl

  # one JSON object per line, with the documented fields; summarised as
  # basename(object),line,byte_offset,raw_line
  local got
  got=$(python3 - "$rfile" <<'EOF'
import json, os, sys
rows = []
for n, text in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    obj = json.loads(text)
    if not isinstance(obj, dict):
        sys.exit(f"line {n} is not a JSON object")
    if sorted(obj) != ["byte_offset", "line", "object", "raw_line", "reason"]:
        sys.exit(f"line {n} has keys {sorted(obj)}")
    if not (isinstance(obj["line"], int) and isinstance(obj["byte_offset"], int) and obj["reason"]):
        sys.exit(f"line {n}: bad line/byte_offset/reason {obj}")
    rows.append((os.path.basename(obj["object"]), obj["line"], obj["byte_offset"], obj["raw_line"]))
for r in sorted(rows):
    print(f"{r[0]},{r[1]},{r[2]},{r[3]}")
EOF
  )
  check_eq "rejects file: one object per bad line with object, line, byte_offset, raw_line" "$expected" "$got"
  check_contains "reason names the bad HTTP status" "$(cat "$rfile")" "'2x0' is not an HTTP status"
  check_eq "rejects file objects are the input paths" 5 \
    "$(grep -cE "\"object\":\"[^\"]*/raw/(2019-02-07-00-00-00-ABCDEF0123456789|2019-02-08-00-00-00-0000000000000001)\"" "$rfile")"

  # read_log_rejects returns the same rows as the file
  csv "SELECT count(*) FROM read_log_rejects('raw', format => 's3_access')"
  check_eq "read_log_rejects count" 5 "$VAL"
  csv "SELECT count(*) FROM (SELECT object, line, byte_offset, reason, raw_line FROM read_json('$rfile') EXCEPT ALL SELECT object, line, byte_offset, reason, raw_line FROM read_log_rejects('raw', format => 's3_access'))"
  check_eq "every rejects-file row is in read_log_rejects" 0 "$VAL"
  csv "SELECT count(*) FROM (SELECT object, line, byte_offset, reason, raw_line FROM read_log_rejects('raw', format => 's3_access') EXCEPT ALL SELECT object, line, byte_offset, reason, raw_line FROM read_json('$rfile'))"
  check_eq "every read_log_rejects row is in the rejects file" 0 "$VAL"

  # plain SQL over read_log: the good rows, and a note about the bad ones on stderr
  run sql --format csv "SELECT count(*) AS n, sum(bytes_sent) AS b FROM read_log('raw', format => 's3_access')"
  check_rc "sql over read_log succeeds" 0
  check_eq "read_log returns the 7 good rows" "n,b
7,1380" "$OUT"
  check_match "stderr notes the lines that did not parse" "$ERR" '^note: 5 lines did not parse.*read_log_rejects'
  csv "SELECT count(*), sum(bytes_sent) FROM 'out/**/*.parquet'"
  check_eq "converted data holds the same 7 rows" "7,1380" "$VAL"
  run sql --format csv "SELECT count(*) FROM read_log('raw/2019-02-08-*', format => 's3_access')"
  check_eq "the gzip object alone: 3 good rows" "count_star()
3" "$OUT"
  check_match "the gzip object alone: singular note" "$ERR" '^note: 1 line did not parse and was left out'
  mkdir -p good
  s3_line 06/Feb/2019:00:00:38 200 113 >good/2019-02-06-00-00-00-0123456789ABCDEF
  run sql --format csv "SELECT count(*) FROM read_log('good', format => 's3_access')"
  check_eq "all lines good: no note on stderr" "" "$ERR"
}

# ---------------------------------------------------------------------------------------------
# 3b. Rejects in a large object that read_log cuts into several units (> 32 MiB): line numbers
#     and byte offsets still count from the start of the object.
scenario_rejects_large_object() {
  need python3
  run gen s3_access --output gen --bytes 40MiB --days 1 --seed 5 --objects 1
  check_rc "gen succeeds" 0
  local src
  src=$(find gen -type f | head -1)
  local n
  n=$(wc -l <"$src")
  mkdir -p raw
  awk 'NR == 10 { print "BAD one" } NR == 60000 { print "BAD two" } { print } END { print "BAD three" }' "$src" \
    >raw/2024-03-02-00-00-00-0000000000000BAD
  rm -rf gen
  local expected
  expected=$(grep -bn '^BAD ' raw/2024-03-02-00-00-00-0000000000000BAD | awk -F: '{ print $1 "," $2 "," $3 }')
  csv "SELECT line, byte_offset, raw_line FROM read_log_rejects('raw', format => 's3_access') ORDER BY line"
  check_eq "read_log_rejects: line numbers and byte offsets across units" "$expected" "$VAL"
  csv "SELECT count(*) FROM read_log('raw', format => 's3_access')"
  check_eq "read_log: all good lines" "$n" "$VAL"
  run convert --format s3_access --input raw --output out -q
  check_rc "convert succeeds" 0
  check_eq "convert rows" "$n" "$(summary_value "$OUT" rows)"
  check_eq "convert rejects" 3 "$(summary_value "$OUT" rejects)"
  local got
  got=$(python3 -c '
import json, sys
for t in open(sys.argv[1]):
    o = json.loads(t); print(o["line"], o["byte_offset"], o["raw_line"], sep=",")' out/_rejects/*.jsonl | sort -t, -k1,1n)
  check_eq "rejects file: line numbers and byte offsets across units" "$expected" "$got"
}

# ---------------------------------------------------------------------------------------------
# 4. gzip and zstd objects read like the plain object (detected by content, not by name).
scenario_compressed_inputs() {
  need gzip zstd
  run gen s3_access --output gen --bytes 2MiB --days 1 --seed 3 --objects 1
  check_rc "gen succeeds" 0
  local plain
  plain=$(find gen -type f | head -1)
  mkdir -p p g z gn zn both
  cp "$plain" p/2024-03-01-00-00-00-00000000000000AA
  gzip -c "$plain" >g/2024-03-01-00-00-00-00000000000000AA.gz
  zstd -q -c "$plain" >z/2024-03-01-00-00-00-00000000000000AA.zst
  gzip -c "$plain" >gn/2024-03-01-00-00-00-00000000000000AA   # compressed, named as AWS names them
  zstd -q -c "$plain" >zn/2024-03-01-00-00-00-00000000000000AA
  cp g/* z/* both/

  local q="SELECT count(*), sum(bytes_sent), sum(object_size) FROM read_log('%s', format => 's3_access')"
  # shellcheck disable=SC2059
  csv "$(printf "$q" p)"; local want=$VAL
  check_eq "plain object: count = its line count" "$(wc -l <"$plain" | tr -d ' ')" "${want%%,*}"
  local d
  for d in g z gn zn; do
    # shellcheck disable=SC2059
    csv "$(printf "$q" $d)"
    check_eq "read_log over $d/ (compressed) = plain" "$want" "$VAL"
    run sql --format csv "$(printf "SELECT count(*) FROM read_log_rejects('%s', format => 's3_access')" $d)"
    check_eq "no rejects from $d/" "count_star()
0" "$OUT"
  done

  run convert --format s3_access --input both --output out
  check_rc "convert of a gzip and a zstd object" 0
  check_eq "convert counts both objects" 2 "$(sed -nE 's/^converted ([0-9]+) objects? .*/\1/p' <<<"$OUT")"
  check_eq "convert rejects" 0 "$(summary_value "$OUT" rejects)"
  csv "SELECT count(*), sum(bytes_sent), sum(object_size) FROM 'out/**/*.parquet'"
  local converted=$VAL
  csv "SELECT 2 * count(*), 2 * sum(bytes_sent), 2 * sum(object_size) FROM read_log('p', format => 's3_access')"
  check_eq "converted gzip+zstd = twice the plain object" "$VAL" "$converted"
}

# ---------------------------------------------------------------------------------------------
# 5. Output formats: csv, json, parquet and table.
#    Regression (1): TIMESTAMPTZ/LIST values once printed empty.
scenario_output_formats() {
  need python3
  mkdir -p raw
  {
    s3_line 06/Feb/2019:00:00:38 200 113 'Mozilla/5.0 (X11, Linux) say "hi"'
    s3_line 06/Feb/2019:01:00:38 404 200
    s3_line 07/Feb/2019:00:00:00 200 1000
  } >raw/2019-02-07-00-00-00-ABCDEF0123456789
  local from="read_log('raw', format => 's3_access')"

  # csv: header, RFC 4180 quoting, NULL as an empty field
  run sql --format csv "SELECT http_status, bytes_sent, user_agent, error_code FROM $from ORDER BY bytes_sent"
  check_rc "csv" 0
  check_eq "csv header" "http_status,bytes_sent,user_agent,error_code" "$(head -1 <<<"$OUT")"
  check_eq "csv quotes a value with a comma and quotes" \
    '200,113,"Mozilla/5.0 (X11, Linux) say ""hi""",' "$(sed -n 2p <<<"$OUT")"
  check_eq "csv rows" 4 "$(wc -l <<<"$OUT" | tr -d ' ')"
  local parsed
  parsed=$(python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))
print(len(rows), rows[1][2], rows[1][3] == "", sep="|")' <<<"$OUT")
  check_eq "python csv reads the quoted value back" '4|Mozilla/5.0 (X11, Linux) say "hi"|True' "$parsed"
  run sql --format csv "SELECT 'a,b' AS \"x,y\", 'line1
line2' AS nl, 'plain' AS p"
  check_eq "csv quotes header names, commas and newlines" '"x,y",nl,p
"a,b","line1
line2",plain' "$OUT"

  # json: one object per line, numbers as numbers, NULL as null
  run sql --format json "SELECT * FROM $from ORDER BY bytes_sent"
  check_rc "json" 0
  parsed=$(python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
objs = [json.loads(l) for l in lines]
assert all(isinstance(o, dict) for o in objs)
o = objs[0]
print(len(objs), o["http_status"], o["bytes_sent"], o["user_agent"], o["error_code"], o["bucket"],
      [x["bytes_sent"] for x in objs], sep="|")' <<<"$OUT")
  check_eq "json lines parse, with typed values" \
    '3|200|113|Mozilla/5.0 (X11, Linux) say "hi"|None|awsexamplebucket1|[113, 200, 1000]' "$parsed"

  # parquet: a file that silt reads back
  run sql --format parquet --output f.parquet "SELECT * FROM $from"
  check_rc "parquet output" 0
  check_contains "parquet output says what it wrote" "$ERR" "wrote f.parquet"
  if [[ -s f.parquet ]]; then pass "f.parquet written"; else fail "f.parquet missing or empty"; fi
  check_eq "parquet file starts with PAR1" PAR1 "$(head -c 4 f.parquet 2>/dev/null)"
  csv "SELECT count(*), sum(bytes_sent), min(request_time)::VARCHAR FROM 'f.parquet'"
  check_eq "silt reads f.parquet back" "3,1313,2019-02-06 00:00:38+00" "$VAL"
  run sql --format parquet "SELECT 1"
  check_rc "--format parquet without --output is an invalid argument" 2
  check_contains "... and says so" "$ERR" "--format parquet needs --output"
  # One result per Parquet file: a script whose earlier statement is a query too is refused
  # (its answer would be lost); statements without an answer may come first.
  run sql --format parquet --output two.parquet "SELECT 1 AS a; SELECT 2 AS b"
  check_rc "--format parquet with two queries is refused" 2
  check_contains "... naming the statement" "$ERR" "statement 1 of 2 is a query too"
  run sql --format parquet --output one.parquet "CREATE TABLE x AS SELECT 7 AS a; SELECT a FROM x"
  check_rc "a statement without an answer may come first" 0
  csv "SELECT a FROM 'one.parquet'"
  check_eq "... and the file holds the last result" "7" "$VAL"

  # --output with csv writes the file instead of stdout
  run sql --format csv --output r.csv "SELECT 7 AS x"
  check_rc "csv --output" 0
  check_eq "csv --output leaves stdout empty" "" "$OUT"
  check_eq "csv --output file" "x
7" "$(cat r.csv 2>/dev/null)"

  # table: column names and the row count line
  run sql "SELECT http_status, bytes_sent FROM $from ORDER BY bytes_sent"
  check_rc "table" 0
  check_match "table header" "$OUT" 'http_status.*bytes_sent'
  check_match "table shows the values" "$OUT" '200.*113'
  check_eq "table row count line" "(3 rows)" "$(tail -1 <<<"$OUT")"
  run sql "SELECT 1 AS one"
  check_eq "table row count line, one row" "(1 row)" "$(tail -1 <<<"$OUT")"
  run sql --max-rows 5 "SELECT * FROM range(20)"
  check_match "table says how many rows it left out" "$OUT" '^\(20 rows, first 5 shown'

  # regression (1): TIMESTAMPTZ values (request_time, the main column of a log!), and also LIST
  # and STRUCT values, print as empty strings in table, csv and json output:
  #   silt sql --format csv "SELECT request_time FROM read_log('raw', format => 's3_access')"
  # prints "request_time" and then empty lines instead of "2019-02-06 00:00:38+00".
  # Cause: QueryResult::Text (src/silt/query/database.cc) uses duckdb_value_varchar, which
  # returns NULL for types other than the basic ones; Text() turns that into "".
  run sql --format csv "SELECT request_time FROM $from ORDER BY request_time LIMIT 1"
  check_match "regression (1): csv prints request_time" "$OUT" '^2019-02-06 00:00:38'
  run sql --format json "SELECT request_time FROM $from ORDER BY request_time LIMIT 1"
  check_match "regression (1): json prints request_time" "$OUT" '"request_time":"2019-02-06 00:00:38'
  run sql "SELECT request_time FROM $from ORDER BY request_time LIMIT 1"
  check_match "regression (1): table prints request_time" "$OUT" '2019-02-06 00:00:38'
  run sql --format csv "SELECT [1, 2] AS l"
  check_eq "regression (1): csv prints a list" 'l
"[1, 2]"' "$OUT"
  # CSV: NULL is an empty field, an empty string is "".
  run sql --format csv "SELECT '' AS e, NULL AS n, 'x' AS v"
  check_eq "csv: empty string and NULL differ" 'e,n,v
"",,x' "$OUT"
  # JSON has no NaN or infinity literal: they are strings, and every line parses as JSON.
  run sql --format json "SELECT 'nan'::DOUBLE AS a, '-inf'::FLOAT AS b, 1e300 * 1e300 AS c, 1.5 AS d"
  check_eq "json: NaN and infinities as strings" '{"a":"NaN","b":"-Infinity","c":"Infinity","d":1.5}' "$OUT"
  check_eq "json: the line parses" "ok" "$(python3 -c 'import json,sys; json.loads(sys.argv[1]); print("ok")' "$OUT" 2>&1)"
}

# ---------------------------------------------------------------------------------------------
# 6. SQL on standard input.
#    Regression (2): only the first SELECT's result was once printed.
scenario_stdin_sql() {
  run_stdin $'SELECT 42 AS answer;\n' sql --format csv
  check_rc "query from stdin" 0
  check_eq "stdin query result" "answer
42" "$OUT"
  run_stdin $'CREATE TABLE t AS SELECT 5 AS x;\nSELECT x * 2 AS y FROM t;\n' sql --format csv
  check_rc "a script of two statements from stdin" 0
  check_eq "the script's final SELECT is printed" "y
10" "$OUT"
  run_stdin $'\n  \n' sql
  check_rc "empty stdin is an invalid argument" 2
  check_contains "... with a message" "$ERR" "no query given"

  # regression (2): with several SELECTs on stdin, only the first one's result is printed and
  # the others are silently dropped:
  #   printf 'SELECT 1 AS a;\nSELECT 2 AS b;\n' | silt sql --format csv
  # prints "a\n1" — the result of "SELECT 2 AS b" never appears (the whole text goes to one
  # duckdb_query call, which hands back only one result). Expected: the last statement's result
  # at least (the duckdb shell prints every statement's result).
  run_stdin $'SELECT 1 AS a;\nSELECT 2 AS b;\n' sql --format csv
  check_rc "two SELECTs from stdin" 0
  check_match "regression (2): the second SELECT's result is printed" "$OUT" '^b$'
}

# ---------------------------------------------------------------------------------------------
# 7. Errors and help.
scenario_errors() {
  mkdir -p raw
  s3_line 06/Feb/2019:00:00:38 200 113 >raw/2019-02-07-00-00-00-ABCDEF0123456789

  run convert --format nope --input raw --output out
  check_rc "convert: unknown format" 2
  check_contains "convert: unknown format message" "$ERR" "silt: error: unknown format 'nope' (known formats: s3_access"
  if [[ ! -e out ]]; then pass "nothing written on a bad format"; else fail "convert with a bad format created out/"; fi
  run sql "SELECT count(*) FROM read_log('raw', format => 'nope')"
  check_rc "sql: unknown format" 2
  check_contains "sql: unknown format names the known ones" "$ERR" "unknown format 'nope' (known formats: s3_access"
  run formats nope
  check_rc "formats: unknown format" 2
  check_contains "formats: unknown format names the known ones" "$ERR" "known formats: s3_access"

  run convert --format s3_access --input "$T/no/such/logs" --output out
  check_rc "convert: missing input" 3
  check_eq "convert: missing input names the path" "silt: error: input '$T/no/such/logs' does not exist" "$ERR"
  run sql "SELECT count(*) FROM read_log('$T/no/such/logs', format => 's3_access')"
  check_nonzero "sql: missing input"
  check_contains "sql: missing input names the path" "$ERR" "'$T/no/such/logs' does not exist"
  run sql "SELECT count(*) FROM read_log('raw/nomatch*', format => 's3_access')"
  check_nonzero "sql: glob matching nothing"
  check_contains "sql: glob matching nothing says so" "$ERR" "no objects match 'raw/nomatch*'"

  run convert --format s3_access --input raw
  check_rc "convert without --output or --table" 2
  check_contains "convert without --output names the options" "$ERR" "give --output <dir> (Parquet files) or --table <ns.name>"
  check_contains "convert without --output gives a usage hint" "$ERR" "--help"
  run convert --input raw --output out
  check_nonzero "convert without --format"
  check_contains "convert without --format names the option" "$ERR" "--format is required"
  run convert --format s3_access --input raw --output out --partition-by week
  check_rc "convert: bad --partition-by" 2
  check_contains "convert: bad --partition-by lists the choices" "$ERR" "day, hour, none"
  run convert --format s3_access --input raw --output raw/parquet
  check_rc "convert: output inside the input" 2
  check_contains "convert: output inside the input says so" "$ERR" "lies inside the input"

  run sql "SELEC 1"
  check_nonzero "SQL syntax error"
  check_contains "SQL syntax error: DuckDB's message" "$ERR" 'silt: error: Parser Error: syntax error at or near "SELEC"'
  run sql "SELECT * FROM no_such_table"
  check_nonzero "unknown table"
  check_contains "unknown table: DuckDB's message" "$ERR" "Table with name no_such_table does not exist"
  run sql --format xml "SELECT 1"
  check_rc "unknown output format" 2
  check_contains "unknown output format lists the choices" "$ERR" "table, csv, json, parquet"

  run formats s3_access
  check_rc "formats s3_access" 0
  check_match "request_time is TIMESTAMPTZ" "$OUT" '^ +request_time +TIMESTAMPTZ '
  check_match "http_status is INTEGER" "$OUT" '^ +http_status +INTEGER '
  check_match "bytes_sent is BIGINT" "$OUT" '^ +bytes_sent +BIGINT '
  check_match "bucket is VARCHAR" "$OUT" '^ +bucket +VARCHAR '
  run formats
  check_rc "formats" 0
  check_match "formats lists s3_access" "$OUT" '^s3_access '

  run --help
  check_rc "--help" 0
  local cmd
  for cmd in convert sql gen formats; do
    check_match "--help mentions $cmd" "$OUT" "^  $cmd "
  done
  run --version
  check_rc "--version" 0
  check_match "--version prints a version" "$OUT" '^silt [0-9]+\.[0-9]+\.[0-9]+$'
  run convert --help
  check_rc "convert --help" 0
  check_contains "convert --help lists --partition-by" "$OUT" "--partition-by"
  run
  check_nonzero "no subcommand"
  check_contains "no subcommand: hint" "$ERR" "A subcommand is required"
}

# ---------------------------------------------------------------------------------------------
# 8. Conformance on real S3 access logs (../shared/data/real, when present).
scenario_real_data() {
  local real="$SRC/../shared/data/real/s3_access_dev.log"
  if [[ ! -f "$real" ]]; then
    echo "skipped: $real not found"
    exit $SKIP
  fi
  real=$(realpath "$real")
  local lines
  lines=$(grep -c '' "$real")
  csv "SELECT count(*) FROM read_log('$real', format => 's3_access')"
  check_eq "read_log: every real line parses (count = line count)" "$lines" "$VAL"
  run sql --format csv "SELECT count(*) FROM read_log_rejects('$real', format => 's3_access')"
  check_rc "read_log_rejects" 0
  check_eq "read_log_rejects: 0 rows" "count_star()
0" "$OUT"

  run convert --format s3_access --input "$real" --output out
  check_rc "convert of the real log" 0
  check_eq "convert rows = line count" "$lines" "$(summary_value "$OUT" rows)"
  check_eq "convert rejects" 0 "$(summary_value "$OUT" rejects)"
  csv "SELECT count(*), sum(bytes_sent), sum(object_size), count(request_time), min(request_time)::VARCHAR, max(request_time)::VARCHAR FROM read_log('$real', format => 's3_access')"
  local raw_val=$VAL
  csv "SELECT count(*), sum(bytes_sent), sum(object_size), count(request_time), min(request_time)::VARCHAR, max(request_time)::VARCHAR FROM 'out/**/*.parquet'"
  check_eq "count/sum(bytes_sent)/times: raw = converted" "$raw_val" "$VAL"
  csv "SELECT count(*) FROM (SELECT * FROM read_log('$real', format => 's3_access') EXCEPT ALL SELECT * EXCLUDE (day) FROM 'out/**/*.parquet')"
  check_eq "every raw row is in the converted data" 0 "$VAL"
  csv "SELECT count(*) FROM (SELECT * EXCLUDE (day) FROM 'out/**/*.parquet' EXCEPT ALL SELECT * FROM read_log('$real', format => 's3_access'))"
  check_eq "every converted row is in the raw data" 0 "$VAL"
}

# ---------------------------------------------------------------------------------------------
# 9. --partition-by hour and none.
scenario_partitioning() {
  run gen s3_access --output raw --bytes 2MiB --days 2 --seed 9 --objects 2
  check_rc "gen succeeds" 0
  csv "SELECT count(*), sum(bytes_sent) FROM read_log('raw', format => 's3_access')"
  local want=$VAL

  run convert --format s3_access --input raw --output hourly --partition-by hour
  check_rc "convert --partition-by hour" 0
  local bad
  bad=$(find hourly -name '*.parquet' -not -path '*/_*' | grep -vE '^hourly/day=[0-9]{4}-[0-9]{2}-[0-9]{2}/hour=([01][0-9]|2[0-3])/part-[^/]+\.parquet$')
  check_eq "hourly files sit in day=/hour= folders" "" "$bad"
  csv "SELECT count(*), sum(bytes_sent) FROM 'hourly/**/*.parquet'"
  check_eq "hourly: same count/sum" "$want" "$VAL"
  csv "SELECT count(*) FROM 'hourly/**/*.parquet' WHERE CAST(day AS VARCHAR) <> strftime(request_time, '%Y-%m-%d') OR CAST(hour AS INTEGER) <> hour(request_time)"
  check_eq "hourly: rows sit in their hour's folder" 0 "$VAL"

  run convert --format s3_access --input raw --output flat --partition-by none
  check_rc "convert --partition-by none" 0
  bad=$(find flat -name '*.parquet' -not -path '*/_*' | grep -vE '^flat/part-[^/]+\.parquet$')
  check_eq "unpartitioned files sit at the top" "" "$bad"
  csv "SELECT count(*), sum(bytes_sent) FROM 'flat/**/*.parquet'"
  check_eq "unpartitioned: same count/sum" "$want" "$VAL"
}

# ---------------------------------------------------------------------------------------------
# 10. Other formats end to end: detect names them; gen -> convert -> sql agree; key patterns.
scenario_formats() {
  local kind want
  for kind in combined csv jsonl; do
    run gen "$kind" --output "$kind" --bytes 2MiB --days 2 --objects 10
    check_rc "gen $kind" 0
    run detect "$kind"
    check_rc "detect $kind" 0
    check_match "detect names $kind first" "$OUT" ": $kind \(confidence 100%"
    csv "SELECT count(*) FROM read_log('$kind', format => '$kind')"
    want=$VAL
    run convert --format "$kind" --input "$kind" --output "$kind-out" --partition-by none
    check_rc "convert $kind" 0
    csv "SELECT count(*) FROM '$kind-out/**/*.parquet'"
    check_eq "$kind: raw and converted counts agree" "$want" "$VAL"
  done
  csv "SELECT count(*) FROM read_log('csv', format => 'csv') WHERE success IS NULL OR bytes IS NULL"
  check_eq "csv: typed columns inferred and filled" 0 "$VAL"
  csv "SELECT count(DISTINCT customer), min(yyyy || '-' || mm || '-' || dd) FROM read_log('csv',
         format => 'csv', key_pattern => '{customer}/audit/{yyyy}-{mm}-{dd}-*.csv')"
  check_eq "csv: key pattern captures customer and date" "5,2024-03-01" "$VAL"
  run convert --format csv --input csv --output csv-keys --key-pattern '{customer}/audit/**' \
      --with-source-columns --partition-by day
  check_rc "convert with key pattern, source columns and day partitions" 0
  csv "SELECT count(*) FROM 'csv-keys/**/*.parquet' WHERE customer IS NULL OR source_line < 2"
  check_eq "every row has its customer and a data line number (line 1 is the header)" 0 "$VAL"
  run convert --format csv --input csv --output x -O delimeter=';'
  check_rc "misspelt format option" 2
  check_contains "did-you-mean for a misspelt option" "$ERR" "did you mean 'delimiter'"
  run sql "SELECT * FROM read_log('combined', format => 'regex',
             pattern => '(?P<host>\S+) .*\" (?P<status>\d{3}) .*', types => 'status INTEGER')
           WHERE status IS NULL"
  check_rc "regex format through read_log" 0
  check_contains "regex: every line matched with a status" "$OUT" "(0 rows)"
}

# ---------------------------------------------------------------------------------------------

if ! declare -F "scenario_$SCENARIO" >/dev/null; then
  echo "unknown scenario '$SCENARIO'; known: $(declare -F | awk '$3 ~ /^scenario_/ { sub("scenario_", "", $3); printf "%s ", $3 }')" >&2
  exit 2
fi
"scenario_$SCENARIO"
if [[ $FAILURES -gt 0 ]]; then
  echo "scenario $SCENARIO: $FAILURES check(s) failed" >&2
  exit 1
fi
echo "scenario $SCENARIO: all checks passed"
