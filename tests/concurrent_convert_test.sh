#!/usr/bin/env bash
# Exactly once under concurrency: `silt convert --table` runs of the same inputs started
# together put every row in the table once; first-time writers of a missing table both land;
# a run whose objects another run committed only in part stops and asks for a re-run, which
# then converts the rest once. Overlap is forced with SILT_TEST_PAUSE_BEFORE_COMMIT_MS (a
# test-only sleep before each commit, src/silt/catalog/committer.cc).
#
#   tests/concurrent_convert_test.sh <path/to/silt>
set -u -o pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 <silt binary>" >&2
  exit 2
fi
SILT=$(realpath "$1")
HERE=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
T=$(mktemp -d "${TMPDIR:-/tmp}/silt-concurrent-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
unset SILT_WAREHOUSE SILT_CATALOG
source "$HERE/lib.sh"

"$SILT" gen s3_access --output raw1 --bytes 1MiB --objects 4 --days 2 --seed 1 >/dev/null || exit 1
"$SILT" gen s3_access --output raw2 --bytes 1MiB --objects 4 --days 2 --seed 2 >/dev/null || exit 1
lines() { cat "$@" | wc -l | tr -d ' '; }
RAW1=$(lines raw1/logs/*)
RAW2=$(lines raw2/logs/*)

# together <warehouse> <table> <input A> <input B>: two converts at once, each pausing before
# its commit so that both have written their files when the first one commits. Sets OUT_A/B,
# RC_A/B.
together() {
  SILT_TEST_PAUSE_BEFORE_COMMIT_MS=400 "$SILT" convert --format s3_access --input "$3" \
    --table "$2" --warehouse "$1" -q >"$T/a.out" 2>&1 &
  local a=$!
  SILT_TEST_PAUSE_BEFORE_COMMIT_MS=400 "$SILT" convert --format s3_access --input "$4" \
    --table "$2" --warehouse "$1" -q >"$T/b.out" 2>&1 &
  local b=$!
  wait "$a"; RC_A=$?
  wait "$b"; RC_B=$?
  OUT_A=$(<"$T/a.out")
  OUT_B=$(<"$T/b.out")
}
count() {  # count <warehouse> <table>: "rows,distinct request ids"
  run sql --warehouse "$1" --format csv "SELECT count(*), count(DISTINCT request_id) FROM $2"
  tail -n +2 <<<"$OUT"
}

# The same inputs twice at once, into a table of silt's own layout (convert writes the files)
# and into a bucket-partitioned one (the general append path).
for spec in 'day(request_time)' 'bucket(4, request_id)'; do
  wh="wh-${spec%%(*}"
  run table create t.logs --format s3_access --partition-by "$spec" --warehouse "$wh"
  check_rc "create a table partitioned by $spec" 0
  together "$wh" t.logs raw1 raw1
  check_eq "$spec: both runs succeed" "0 0" "$RC_A $RC_B"
  check_eq "$spec: every row once" "$RAW1,$RAW1" "$(count "$wh" t.logs)"
  check_contains "$spec: one of them wrote nothing" "$OUT_A$OUT_B" "already holds these 4 objects"
  run convert --format s3_access --input raw1 --table t.logs --warehouse "$wh" -q
  check_contains "$spec: a later run converts nothing" "$OUT" "nothing written"
done

# Two first-time writers of a table that does not exist yet: both land in the one created.
mkdir -p wh-new
together wh-new t.fresh raw1 raw2
check_eq "first-time writers both succeed" "0 0" "$RC_A $RC_B"
check_eq "both inputs' rows are in the table once" "$((RAW1 + RAW2)),$((RAW1 + RAW2))" \
  "$(count wh-new t.fresh)"

# A run that listed an object before it was rewritten, while another run committed the new
# version: the first must not commit the old one beside it, and says to run again.
cp -r raw1 raw3
run table create t.part --format s3_access --partition-by 'day(request_time)' --warehouse wh-part
SILT_TEST_PAUSE_BEFORE_COMMIT_MS=1500 "$SILT" convert --format s3_access --input raw3 \
  --table t.part --warehouse wh-part -q >"$T/slow.out" 2>&1 &
slow=$!
sleep 0.7
last=$(ls raw3/logs | tail -1)
tail -1 "raw3/logs/$last" >>"raw3/logs/$last"  # the object rewritten: one line more
run convert --format s3_access --input raw3 --table t.part --warehouse wh-part -q
check_rc "the second run commits" 0
wait "$slow"
RC=$?
check_nonzero "the first run stops"
check_contains "and says to run again" "$(<"$T/slow.out")" "run again"
check_eq "the table holds the current objects' rows only" "$((RAW1 + 1))" \
  "$(count wh-part t.part | cut -d, -f1)"
run convert --format s3_access --input raw3 --table t.part --warehouse wh-part -q
check_contains "a re-run finds everything committed" "$OUT" "nothing written"

if ((FAILURES > 0)); then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
echo "all checks passed"
