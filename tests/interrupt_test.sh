#!/usr/bin/env bash
# Ctrl-C (SIGINT) and SIGTERM during silt's long commands: silt stops within seconds with the
# shell's exit code for the signal (130, 143), says so, and leaves things as they were before
# the command: no published or half-published files, no staging, no table snapshot, no open
# S3 multipart upload; a previous conversion's output stays whole.
#
#   tests/interrupt_test.sh <path/to/silt> local
#   tests/interrupt_test.sh <path/to/silt> s3 <env file of the test S3 server>
set -u -o pipefail
set -m  # background jobs get SIGINT as from a terminal (a script's own would ignore it)

if [[ $# -lt 2 ]]; then
  echo "usage: $0 <silt binary> local|s3 [env file]" >&2
  exit 2
fi
SILT=$(realpath "$1")
SCENARIO=$2
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/silt-interrupt.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export TMPDIR=$T/tmp  # silt's own temporary files: checked below
mkdir -p "$TMPDIR"
source "$HERE/lib.sh"

# start_bg <log> <command...>: runs silt in the background with SILT_TRACE; PID is its pid.
start_bg() {
  local log=$1; shift
  SILT_TRACE=1 "$@" >"$log" 2>&1 &
  PID=$!
}
# wait_for <log> <regex> [seconds]: until a line of the log matches (false on timeout or exit).
wait_for() {
  local deadline=$((SECONDS + ${3:-60}))
  until grep -Eq -- "$2" "$1"; do
    kill -0 "$PID" 2>/dev/null || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.02
  done
}
# stop_with <signal>: sends it, waits; sets RC and STOP_SECONDS.
stop_with() {
  local t0=$EPOCHREALTIME
  kill "-$1" "$PID"
  wait "$PID"
  RC=$?
  STOP_SECONDS=$(awk "BEGIN {printf \"%.2f\", $EPOCHREALTIME - $t0}")
}
check_quick() {  # stopping took under 5 s
  if awk "BEGIN {exit !($STOP_SECONDS < 5)}"; then pass "$1 stopped in ${STOP_SECONDS} s"; else fail "$1 took ${STOP_SECONDS} s to stop"; fi
}
answer() { "$SILT" sql --format csv "$1" | tail -n +2; }

case $SCENARIO in
local)
  "$SILT" gen s3_access --output raw --bytes 256MiB --days 3 --objects 40 --seed 5 >/dev/null || fail "gen"

  # 1. A first conversion interrupted while writing Parquet leaves no files at all.
  start_bg c1.log "$SILT" convert --format s3_access --input raw --output out --threads 2
  wait_for c1.log "copy .* starts" || fail "conversion never started copying: $(cat c1.log)"
  stop_with INT
  RC_MSG=$(cat c1.log)
  check_eq "Ctrl-C during convert: exit code 130" 130 "$RC"
  check_contains "it says it stopped" "$RC_MSG" "interrupted (Ctrl-C)"
  check_contains "and that it cleans up" "$RC_MSG" "stopping after Ctrl-C"
  check_quick "convert"
  check_eq "no Parquet file published" "" "$(find out -name '*.parquet' 2>/dev/null)"
  check_eq "no run manifest" "" "$(find out -path '*_silt/runs/*' -type f 2>/dev/null)"
  check_eq "no staging left" "" "$(find out -path '*staging*' 2>/dev/null)"
  check_eq "no output folder left by a first run" "" "$(ls -d out 2>/dev/null)"
  check_eq "no temporary file left" "" "$(ls -A "$TMPDIR")"

  # 1b. Signals at any moment of a conversion whose rows are spilled between partitions
  # (--partition-by hour): every run ends with 143 (or 0 when it was done), never a crash.
  codes=""
  for i in $(seq 16); do
    rm -rf outh
    "$SILT" convert --format s3_access --input raw --output outh --partition-by hour --threads 2 \
      >/dev/null 2>&1 &
    PID=$!
    sleep "0.$(( (i * 7) % 12 + 1 ))"
    kill -TERM "$PID" 2>/dev/null
    wait "$PID"
    codes+=" $?"
  done
  check_eq "16 conversions stopped at different moments: no crash" "" \
    "$(tr ' ' '\n' <<<"$codes" | grep -vxE '|0|143')"
  check_eq "and no staging left" "" "$(find outh -path '*staging*' 2>/dev/null)"

  # 2. A re-run interrupted leaves the previous output whole.
  run_cmd "$SILT" convert --format s3_access --input raw --output out --threads 2 -q
  check_rc "a complete conversion" 0
  BEFORE=$(answer "SELECT count(*), sum(bytes_sent) FROM 'out'")
  FILES_BEFORE=$(cd out && find . -type f | sort | xargs md5sum)
  start_bg c2.log "$SILT" convert --format s3_access --input raw --output out --threads 2
  wait_for c2.log "copy .* starts" || fail "re-run never started copying: $(cat c2.log)"
  stop_with TERM
  check_eq "SIGTERM during a re-run: exit code 143" 143 "$RC"
  check_contains "it names the signal" "$(cat c2.log)" "stopped by SIGTERM"
  check_eq "the previous output's files are unchanged" "$FILES_BEFORE" "$(cd out && find . -type f | sort | xargs md5sum)"
  check_eq "and answer as before" "$BEFORE" "$(answer "SELECT count(*), sum(bytes_sent) FROM 'out'")"

  # 2b. A query written to a file (-o) and stopped leaves the previous file as it was.
  echo "previous" > result.csv
  start_bg o.log "$SILT" sql -o result.csv --format csv "SELECT range, range * 2 FROM range(40000000)"
  sleep 0.8
  stop_with TERM
  check_eq "silt sql -o stopped: exit code 143" 143 "$RC"
  check_eq "the previous result file is untouched" "previous" "$(cat result.csv)"
  check_eq "no temporary output file" "" "$(ls -A | grep silt-tmp)"

  # 2b'. A replaced output keeps its permissions; a link is written through.
  echo "old" > private.csv
  chmod 600 private.csv
  run_cmd "$SILT" sql -o private.csv --format csv "SELECT 1 AS a"
  check_eq "a replaced -o file keeps its mode" "600" "$(stat -c %a private.csv)"
  ln -s private.csv link.csv
  run_cmd "$SILT" sql -o link.csv --format csv "SELECT 2 AS a"
  check_eq "-o through a link writes the file it names" "a 2" "$(tr '\n' ' ' < private.csv | sed 's/ $//')"
  [[ -L link.csv ]] && pass "and the link stays" || fail "the link was replaced"
  # Standard input closed: an error at once (the signal pipe must not become fd 0).
  timeout 10 "$SILT" sql <&- >/dev/null 2>&1
  RC=$?
  [[ $RC != 0 && $RC != 124 ]] && pass "silt sql with standard input closed fails at once (exit $RC)" \
    || fail "silt sql with standard input closed: exit $RC"

  # 2c. Statements read from a pipe that stays open: SIGTERM still ends silt.
  mkfifo statements
  exec 3<>statements  # a writer that stays
  echo "SELECT 1;" >&3
  "$SILT" sql <statements >/dev/null 2>&1 &
  PID=$!
  sleep 0.5
  stop_with TERM
  exec 3>&-
  check_eq "silt sql reading an open pipe: exit code 143" 143 "$RC"
  check_quick "sql reading standard input"

  # 3. A query is cancelled.
  start_bg q.log "$SILT" sql "SELECT count(*) FROM range(100000000000) a, range(10) b"
  sleep 0.5
  stop_with INT
  check_eq "Ctrl-C during silt sql: exit code 130" 130 "$RC"
  check_quick "sql"

  # 4. An append to a table commits nothing and leaves no data file.
  start_bg t.log "$SILT" convert --format s3_access --input raw --table logs.access --warehouse wh --threads 2
  wait_for t.log "copy .* starts|writing" 60 || true
  sleep 0.3
  stop_with INT
  check_eq "Ctrl-C during convert --table: exit code 130" 130 "$RC"
  check_eq "no data file in the warehouse" "" "$(find wh -path '*/data/*' -type f 2>/dev/null)"
  SNAPS=$("$SILT" sql --warehouse wh --format csv "SELECT count(*) FROM logs.access" 2>&1 | tail -n +2)
  check_eq "the table has no rows" "0" "$SNAPS"
  run_cmd "$SILT" convert --format s3_access --input raw --table logs.access --warehouse wh --threads 2 -q
  check_rc "the append run again" 0
  check_eq "then holds every row once" "$(echo "$BEFORE" | cut -d, -f1)" \
    "$("$SILT" sql --warehouse wh --format csv "SELECT count(*) FROM logs.access" | tail -n +2)"
  ;;

s3)
  ENV_FILE=${3:?env file}
  # shellcheck source=/dev/null
  . "$ENV_FILE"
  export AWS_ENDPOINT_URL=$SILT_TEST_S3_ENDPOINT
  export SILT_CACHE_DIR=$T/cache
  SDK_DIR=$HERE/sdk
  "$SDK_DIR/install.sh" || { echo "FAIL: tests/sdk/install.sh" >&2; exit 1; }
  sdk() { node "$SDK_DIR/s3.mjs" "$@"; }
  B=$SILT_TEST_S3_BUCKET
  P="interrupt-$(date +%s)-$$"

  # 1. A multipart upload interrupted is aborted: nothing stored, no upload left open.
  head -c $((160 * 1024 * 1024)) /dev/urandom > big.bin
  start_bg cp.log "$SILT" cp big.bin "s3://$B/$P/cp/big.bin" --s3 multipart_threshold=8MiB \
    --s3 part_size=5MiB
  sleep 0.4
  stop_with INT
  check_eq "Ctrl-C during a multipart upload: exit code 130" 130 "$RC"
  check_quick "cp"
  CLEAN=$(sdk delete "$B" "$P/cp/")
  check_contains "no object and no open upload left" "$CLEAN" '"deleted":0,"aborted_uploads":0'

  # 1b. Signals at moments around the requests that create and complete uploads: never an
  # upload left open, and the exit code tells the truth (130: nothing stored, 0: stored).
  head -c $((48 * 1024 * 1024)) /dev/urandom > mid.bin
  for d in 0.02 0.04 0.06 0.08 0.15 0.25 0.35 0.45; do
    for how in "multipart_threshold=8MiB" "multipart_threshold=100MiB"; do
      "$SILT" cp mid.bin "s3://$B/$P/t/mid.bin" --s3 "$how" --s3 part_size=5MiB >/dev/null 2>&1 &
      PID=$!
      sleep "$d"
      kill -INT "$PID" 2>/dev/null
      wait "$PID"
      RC=$?
      CLEAN=$(sdk delete "$B" "$P/t/")
      case "$RC:$CLEAN" in
        '130:{"deleted":0,"aborted_uploads":0}' | '0:{"deleted":1,"aborted_uploads":0}') ;;
        *) fail "cp ($how) stopped after ${d} s: exit $RC, left $CLEAN" ;;
      esac
    done
  done
  pass "cp stopped at 16 moments: no open upload, exit codes true to what was stored"

  # 2. A conversion interrupted while publishing to S3 removes what it had uploaded.
  "$SILT" gen s3_access --output raw --bytes 96MiB --days 3 --objects 12 --seed 6 >/dev/null
  # 72 hourly files, each upload delayed up to 0.2 s: publishing takes ~7 s, and the signal
  # comes when some files are stored and others not yet.
  SILT_S3_FAULTS=latency=200,seed=3 start_bg conv.log "$SILT" convert --format s3_access \
    --input raw --output "s3://$B/$P/out" --threads 2 --partition-by hour
  wait_for conv.log "copy day=2024-03-03/hour=18 ends" 120 ||
    fail "conversion never finished its copies: $(cat conv.log)"
  sleep 2
  grep -q "files published" conv.log && fail "publishing took under 2 s: nothing to interrupt"
  stop_with INT
  check_eq "Ctrl-C while publishing: exit code 130" 130 "$RC"
  check_quick "publishing"
  CLEAN=$(sdk delete "$B" "$P/out/")
  check_contains "nothing published is left, no upload open" "$CLEAN" '"deleted":0,"aborted_uploads":0'
  check_eq "no temporary file left" "" "$(ls -A "$TMPDIR")"
  ;;

*)
  echo "unknown scenario $SCENARIO" >&2
  exit 2
  ;;
esac

if ((FAILURES > 0)); then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
