#!/usr/bin/env bash
# Crash safety of Iceberg commits (issue 5): `silt table append` is killed with SIGKILL at
# random moments of its commit, again and again; after every kill the table must answer at the
# previous snapshot or at the next one, never anything in between, and its history must still
# parse. At the end `silt table remove-orphans --older-than 0s` must remove everything the
# crashes left behind (every file under the table is then reachable), and appends still work.
# Then `silt convert --table` is killed the same way: one more convert must hold every raw row
# exactly once, and expiry plus orphan removal must keep its bookmark.
#
#   tests/iceberg_crash_test.sh <path/to/silt> [iterations (default 24)] [seed]
#
# To hit the short windows just before and just after the catalog swap, appends run with
# SILT_TEST_PAUSE_BEFORE_COMMIT_MS and SILT_TEST_PAUSE_AFTER_COMMIT_MS (test-only hooks in
# src/silt/catalog/committer.cc that sleep there). Kills cycle through four moments: a random
# time in the query and Parquet writing; as soon as data files appear in the table (placing
# them, writing manifests); inside the pause after the metadata file appeared; around the swap
# (just before, or after it while the writer still runs). Each kill is classified by what it
# left behind; the counts are printed at the end.
set -u -o pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <silt binary> [iterations] [seed]" >&2
  exit 2
fi
SILT=$(realpath "$1")
ITERATIONS=${2:-24}
RANDOM=${3:-$$}
HERE=$(cd "$(dirname "$0")" && pwd)

T=$(mktemp -d "${TMPDIR:-/tmp}/silt-crash-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SILT_WAREHOUSE SILT_CATALOG
export SILT_WAREHOUSE="$T/wh"
TABLE_DIR="$T/wh/crash/t"

source "$HERE/lib.sh"
now_ms() { date +%s%3N; }
ms_to_s() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

ROWS=200000
PAUSE_MS=400
AFTER_MS=300
query() {  # query <batch>: ROWS rows with ids unique to the batch
  echo "SELECT $1 * 1000000 + range AS id, md5(range::VARCHAR) AS v, TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(range) AS ts FROM range($ROWS)"
}
shopt -s nullglob
count_glob() { local a=("$@"); echo "${#a[@]}"; }
# wait_for <pid> <table dir> <what> <count before>: polls until more files of a kind exist than
# before ("parquet": placed data files, "metadata": metadata files) or the writer ended; 10 s
# at most.
wait_for() {
  local pid=$1 dir=$2 what=$3 before=$4 i n
  for ((i = 0; i < 5000; i++)); do
    if [[ $what == parquet ]]; then n=$(count_glob "$dir"/data/*/*.parquet); else
      n=$(count_glob "$dir"/metadata/*.metadata.json); fi
    ((n > before)) && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.002
  done
  return 1
}

# Files under the table folder (relative), and those the current metadata reaches. Reachable:
# the current metadata file and those its metadata-log names, manifest lists its snapshots
# name, manifests of those commits (a commit names its manifests <uuid>-m<N>.avro after the
# uuid in its manifest list snap-<id>-1-<uuid>.avro; this history only appends, so every
# manifest belongs to a live commit), and the data files `silt table files` lists.
list_files() { (cd "$TABLE_DIR" && find . -type f | sed 's|^\./||' | sort); }
reachable_files() {
  run table describe crash.t
  local current
  current=$(sed -n 's|^metadata  *file://||p' <<<"$OUT")
  local rel=${current#"$TABLE_DIR"/}
  {
    echo "$rel"
    grep -o '[0-9]\{5\}-[0-9a-f-]*\.metadata\.json' "$current" | sed 's|^|metadata/|'
    local lists
    lists=$(grep -o 'snap-[0-9]*-1-[0-9a-f-]*\.avro' "$current" | sort -u)
    sed 's|^|metadata/|' <<<"$lists"
    local uuid
    for uuid in $(sed 's|^snap-[0-9]*-1-||; s|\.avro$||' <<<"$lists"); do
      (cd "$TABLE_DIR" && ls metadata/ | grep "^$uuid-m[0-9]*\.avro$" | sed 's|^|metadata/|')
    done
    run table files crash.t
    tail -n +2 <<<"$OUT" | awk '{print $1}'
  } | grep -v '^$' | sort -u
}

# kill_at <moment 0-3> <pid> <table dir>: kills the writer at one of four moments of its commit
# (HOW says which), waits for it and returns its exit status (137 when the kill hit it).
kill_at() {
  local moment=$1 pid=$2 dir=$3 delay
  local parquet_before metadata_before
  parquet_before=$(count_glob "$dir"/data/*/*.parquet)
  metadata_before=$(count_glob "$dir"/metadata/*.metadata.json)
  case $moment in
    0)  # anywhere in the query and the Parquet writing
      delay=$((RANDOM % WORK_MS))
      sleep "$(ms_to_s "$delay")"
      HOW="after ${delay} ms" ;;
    1)  # as soon as data files appear: placing them, writing manifests and the manifest list
      wait_for "$pid" "$dir" parquet "$parquet_before"
      HOW="when data files appeared" ;;
    2)  # the metadata file is written, the pointer not swapped yet
      wait_for "$pid" "$dir" metadata "$metadata_before"
      delay=$((RANDOM % PAUSE_MS))
      sleep "$(ms_to_s "$delay")"
      HOW="${delay} ms after the metadata file appeared" ;;
    3)  # around the swap: just before it, or after it while the writer has not finished
      wait_for "$pid" "$dir" metadata "$metadata_before"
      delay=$((PAUSE_MS - 40 + RANDOM % (AFTER_MS + 40)))
      sleep "$(ms_to_s "$delay")"
      HOW="${delay} ms after the metadata file appeared (swap at ${PAUSE_MS})" ;;
  esac
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}

run table create crash.t --columns 'id BIGINT, v VARCHAR, ts TIMESTAMPTZ' --partition-by 'bucket(4, id)'
[[ "$RC" == 0 ]] || { echo "FAIL: create: $ERR" >&2; exit 1; }
run table append crash.t --sql "$(query 0)"
[[ "$RC" == 0 ]] || { echo "FAIL: first append: $ERR" >&2; exit 1; }
COUNT=$ROWS
SNAPSHOTS=1

# How long an undisturbed append takes, without the pauses: the work before the swap.
t0=$(now_ms)
SILT_TEST_PAUSE_BEFORE_COMMIT_MS=$PAUSE_MS SILT_TEST_PAUSE_AFTER_COMMIT_MS=$AFTER_MS \
  "$SILT" table append crash.t --sql "$(query 1)" >/dev/null 2>&1 || fail "undisturbed append"
WORK_MS=$(($(now_ms) - t0 - PAUSE_MS - AFTER_MS))
((WORK_MS < 50)) && WORK_MS=50
COUNT=$((COUNT + ROWS))
SNAPSHOTS=$((SNAPSHOTS + 1))
echo "an append takes ${WORK_MS} ms besides its pauses (${PAUSE_MS} ms before the swap, ${AFTER_MS} ms after)"

declare -A PHASES=()
KILLS=0
BATCH=2
START=$(now_ms)
for ((i = 0; i < ITERATIONS; i++)); do
  if (($(now_ms) - START > 60000)); then
    echo "time budget reached after $i iterations"
    break
  fi
  before=$(list_files)
  SILT_TEST_PAUSE_BEFORE_COMMIT_MS=$PAUSE_MS SILT_TEST_PAUSE_AFTER_COMMIT_MS=$AFTER_MS \
    "$SILT" table append crash.t --sql "$(query $BATCH)" >/dev/null 2>"$T/append.err" &
  kill_at $((i % 4)) $! "$TABLE_DIR"
  rc=$?
  BATCH=$((BATCH + 1))
  after=$(list_files)
  new=$(comm -13 <(echo "$before") <(echo "$after"))

  csv "SELECT count(*) || ' ' || count(DISTINCT id) FROM crash.t"
  read -r n distinct <<<"$VAL"
  if [[ "$n" == "$COUNT" ]]; then
    committed=0
  elif [[ "$n" == "$((COUNT + ROWS))" ]]; then
    committed=1
    COUNT=$n
    SNAPSHOTS=$((SNAPSHOTS + 1))
  else
    committed=-1
    fail "iteration $i (kill $HOW): $n rows, expected $COUNT or $((COUNT + ROWS))"
    COUNT=$n
  fi
  [[ "$distinct" == "$n" ]] || fail "iteration $i: $n rows but $distinct distinct ids"
  run table snapshots crash.t
  if [[ "$RC" != 0 ]]; then
    fail "iteration $i: snapshots: $ERR"
  else
    check_eq "iteration $i: snapshots parse, one per commit" "$SNAPSHOTS" "$(($(wc -l <<<"$OUT") - 1))"
  fi

  if [[ "$rc" != 137 ]]; then
    phase="finished before the kill (exit $rc)"
    [[ "$rc" == 0 && "$committed" == 1 ]] || fail "iteration $i: append exited $rc: $(<"$T/append.err")"
  else
    KILLS=$((KILLS + 1))
    if [[ "$committed" == 1 ]]; then
      phase="after the catalog swap"
    elif grep -q '\.metadata\.json$' <<<"$new"; then
      phase="metadata written, before the swap"
    elif grep -q '\.avro$' <<<"$new"; then
      phase="manifests written"
    elif grep -q '\.parquet$' <<<"$new"; then
      phase="data files placed"
    elif [[ -n "$(ls -A "$T/wh/.silt-staging" 2>/dev/null)" ]]; then
      phase="writing data (staging)"
    else
      phase="before writing"
    fi
  fi
  echo "iteration $i: kill $HOW -> $phase; table at $n rows"
  PHASES[$phase]=$((${PHASES[$phase]:-0} + 1))
done

echo "kills: $KILLS"
for p in "${!PHASES[@]}"; do echo "  ${PHASES[$p]}  $p"; done
((KILLS >= ITERATIONS / 2)) && pass "$KILLS kills" || fail "only $KILLS of $ITERATIONS appends were killed"
hit=0
for p in "writing data (staging)" "data files placed" "manifests written" "metadata written, before the swap" \
         "after the catalog swap"; do
  [[ -n "${PHASES[$p]:-}" ]] && hit=$((hit + 1))
done
((hit >= 3)) && pass "kills landed in $hit phases of the commit" || fail "kills landed in only $hit phases"

# What the crashes left behind, then the cleanup.
left=$(comm -23 <(list_files) <(reachable_files))
echo "unreachable files left by the kills: $(grep -c . <<<"$left")"
run table remove-orphans crash.t --older-than 0s --dry-run
[[ "$RC" == 0 ]] || fail "remove-orphans --dry-run: $ERR"
check_eq "a dry run deletes nothing" "$left" "$(comm -23 <(list_files) <(reachable_files))"
run table remove-orphans crash.t --older-than 0s
[[ "$RC" == 0 ]] || fail "remove-orphans: $ERR"
echo "$OUT" | tail -n 1
check_eq "after remove-orphans every file under the table is reachable" "" \
  "$(comm -23 <(list_files) <(reachable_files))"
check_eq "no file the metadata reaches is missing" "" "$(comm -13 <(list_files) <(reachable_files))"
check_eq "no temporary files left" "" "$(find "$TABLE_DIR" -name '.silt-tmp-*')"
[[ ! -e "$T/wh/.silt-staging" ]] && pass "no staging folders left" || fail "staging left: $(ls -R "$T/wh/.silt-staging")"
csv "SELECT count(*) FROM crash.t"
check_eq "the cleanup changed no answer" "$COUNT" "$VAL"

run table append crash.t --sql "$(query $BATCH)"
[[ "$RC" == 0 ]] || fail "append after the crashes: $ERR"
csv "SELECT count(*) FROM crash.t"
check_eq "a final append lands" "$((COUNT + ROWS))" "$VAL"
COUNT=$VAL

# Expiry on the crashed-and-cleaned table: answers stay, three snapshots remain.
run table expire crash.t --older-than 0s --retain-last 3
[[ "$RC" == 0 ]] || fail "expire: $ERR"
csv "SELECT count(*) FROM crash.t"
check_eq "expire changed no answer" "$COUNT" "$VAL"
run table snapshots crash.t
check_eq "three snapshots left" "3" "$(($(wc -l <<<"$OUT") - 1))"
run table remove-orphans crash.t --older-than 0s
check_eq "nothing orphaned by expire" "0" "$(sed -n 's/^deleted \([0-9]*\) orphan.*/\1/p' <<<"$OUT")"

# ---- silt convert --table killed the same way: exactly once across crashes ----
# Each round adds new raw objects and kills a convert over all of them; a kill before the swap
# leaves the table as it was (the next convert converts those objects again), a kill after it
# has committed them with their bookmark. One undisturbed convert at the end must leave exactly
# the rows of all raw objects, and neither expire nor remove-orphans may lose the bookmark.
LOGS_DIR="$T/wh/crash/logs"
run gen s3_access -o raw/b0 --bytes 512KiB --days 1 --seed 100
run convert --format s3_access --input raw --table crash.logs -q
[[ "$RC" == 0 ]] || fail "first convert --table: $ERR"
csv "SELECT count(*) FROM crash.logs"
LOGS=$VAL
CONVERT_KILLS=0
for ((j = 1; j <= ${CONVERT_ROUNDS:-8}; j++)); do
  run gen s3_access -o "raw/b$j" --bytes 512KiB --days 1 --seed $((100 + j))
  csv "SELECT count(*) FROM read_log('raw/b$j', format => 's3_access')"
  added=$VAL
  SILT_TEST_PAUSE_BEFORE_COMMIT_MS=$PAUSE_MS SILT_TEST_PAUSE_AFTER_COMMIT_MS=$AFTER_MS \
    "$SILT" convert --format s3_access --input raw --table crash.logs -q >/dev/null 2>"$T/convert.err" &
  kill_at $((j % 4)) $! "$LOGS_DIR"
  rc=$?
  [[ "$rc" == 137 ]] && CONVERT_KILLS=$((CONVERT_KILLS + 1))
  csv "SELECT count(*) FROM crash.logs"
  echo "convert round $j: kill $HOW (exit $rc); table at $VAL rows (was $LOGS, this round's objects $added)"
  # Objects of earlier rounds whose convert was killed before its swap come along too.
  if ((VAL < LOGS)); then fail "convert round $j: the table lost rows ($LOGS -> $VAL)"; fi
  LOGS=$VAL
done
((CONVERT_KILLS > 0)) && pass "$CONVERT_KILLS converts killed" || fail "no convert was killed"
csv "SELECT count(*) FROM read_log('raw', format => 's3_access')"
RAW=$VAL
run convert --format s3_access --input raw --table crash.logs -q
[[ "$RC" == 0 ]] || fail "convert after the kills: $ERR"
csv "SELECT count(*) FROM crash.logs"
check_eq "after the killed converts, one more holds every raw row exactly once" "$RAW" "$VAL"
# A later snapshot of another writer, so expiry removes every convert snapshot.
run table append crash.logs --sql "SELECT 'crash-test' AS operation"
[[ "$RC" == 0 ]] || fail "append to crash.logs: $ERR"
run table expire crash.logs --older-than 0s --retain-last 1
[[ "$RC" == 0 ]] || fail "expire crash.logs: $ERR"
check_contains "expire carries the bookmark forward" "$OUT" "kept in table property silt.bookmark."
run table remove-orphans crash.logs --older-than 0s
[[ "$RC" == 0 ]] || fail "remove-orphans crash.logs: $ERR"
run convert --format s3_access --input raw --table crash.logs -q
[[ "$RC" == 0 ]] || fail "convert after expire and remove-orphans: $ERR"
csv "SELECT count(*) FROM crash.logs"
check_eq "after expire and remove-orphans, a re-run converts nothing again" "$((RAW + 1))" "$VAL"
check_eq "no temporary files left in crash.logs" "" "$(find "$LOGS_DIR" -name '.silt-tmp-*')"
check_eq "only the carried bookmark is left" "1" "$(find "$LOGS_DIR/silt/bookmarks" -type f | wc -l)"

if ((FAILURES > 0)); then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
