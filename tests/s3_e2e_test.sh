#!/usr/bin/env bash
# End-to-end tests of silt on s3:// locations, against the test S3 server (Ceph RGW on
# 127.0.0.1, the CTest fixture s3_server) with the AWS SDK for JavaScript (tests/sdk) as an
# independent client on the other side.
#
#   tests/s3_e2e_test.sh <path/to/silt> <scenario> <env file>
#
# Scenarios:
#   sdk_to_silt   objects uploaded by the SDK are read, converted and queried by silt; the
#                 answers agree with the same data read from local disk
#   silt_to_sdk   objects silt writes (cp, multipart uploads, sql -o, convert output) are read
#                 back byte-identical by the SDK
#   faults        convert s3 -> s3 with faults injected into every kind of request
#                 (SILT_S3_FAULTS): same answers as a clean run, nothing partial left behind
#   credentials   a wrong secret fails fast with the endpoint and the key id (never the
#                 secret); --s3-role assumes a role through STS
set -u -o pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <silt binary> <scenario> <env file>" >&2
  exit 2
fi
SILT=$(realpath "$1")
SCENARIO=$2
ENV_FILE=$3
SDK_DIR=$(cd "$(dirname "$0")/sdk" && pwd)
[[ -f "$ENV_FILE" ]] || { echo "FAIL: no env file $ENV_FILE (did s3_server_start run?)" >&2; exit 1; }
# shellcheck source=/dev/null
. "$ENV_FILE"
export AWS_ENDPOINT_URL=$SILT_TEST_S3_ENDPOINT
"$SDK_DIR/install.sh" || { echo "FAIL: tests/sdk/install.sh" >&2; exit 1; }
sdk() { node "$SDK_DIR/s3.mjs" "$@"; }

T=$(mktemp -d "${TMPDIR:-/tmp}/silt-s3-e2e.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1
export SILT_CACHE_DIR=$T/cache
B=$SILT_TEST_S3_BUCKET
P="e2e-$SCENARIO-$(date +%s)-$$"  # the bucket is shared: a prefix of our own
S3="s3://$B/$P"

source "$SDK_DIR/../lib.sh"
answer() { "$SILT" sql --format csv "$1" | tail -n +2; }
TOTALS="SELECT count(*), sum(bytes_sent), count(DISTINCT request_id), min(request_time), max(request_time)"

# Uploads every file under a local folder with the SDK, keys = <prefix>/<relative path>.
sdk_put_tree() {
  local dir=$1 prefix=$2 f
  while IFS= read -r f; do
    sdk put "$B" "$prefix/$f" "$dir/$f" >/dev/null || fail "sdk put $f"
  done < <(cd "$dir" && find . -type f | sed 's|^\./||' | sort)
}

case $SCENARIO in
sdk_to_silt)
  "$SILT" gen s3_access --output raw --bytes 24MiB --days 2 --objects 30 --seed 7 >/dev/null
  "$SILT" gen s3_access --output rawgz --bytes 4MiB --days 1 --objects 3 --seed 8 --compression gzip \
    --start-date 2024-03-05 >/dev/null
  sdk_put_tree raw "$P/raw"
  sdk_put_tree rawgz "$P/raw/gz"
  # Empty "folder" objects, as the S3 console makes them: not data, skipped by every reader.
  : >empty
  for marker in "$P/raw/" "$P/raw/logs/"; do
    sdk put "$B" "$marker" empty >/dev/null || fail "sdk put folder marker $marker"
  done
  local_answer=$(answer "$TOTALS FROM read_log(['raw', 'rawgz'], format => 's3_access')")
  run sql --format csv "$TOTALS FROM read_log('$S3/raw/', format => 's3_access')"
  check_rc "read_log over s3:// objects the SDK uploaded" 0
  check_eq "raw s3:// answer = local answer" "$local_answer" "$(tail -n +2 <<<"$OUT")"
  run convert --format s3_access --input "$S3/raw/" --output "$S3/parquet" --quiet
  check_rc "convert s3:// -> s3:// (folder markers skipped)" 0
  check_contains "summary names the s3 manifest" "$OUT" "$S3/parquet/_silt/runs/"
  # A key with glob characters in its name is that object when named exactly.
  first=$(cd raw/logs && ls | head -1)
  sdk put "$B" "$P/odd/access[1].log" "raw/logs/$first" >/dev/null || fail "sdk put access[1].log"
  check_eq "an s3:// key with [ ] named exactly" "$(wc -l <"raw/logs/$first" | tr -d ' ')" \
    "$(answer "SELECT count(*) FROM read_log('$S3/odd/access[1].log', format => 's3_access')")"
  run detect "$S3/raw"
  check_rc "detect skips folder markers" 0
  run cp -r -q "$S3/raw/logs" rawback
  check_rc "cp -r skips folder markers" 0
  check_eq "cp -r downloads the objects" "$(find raw/logs -type f | wc -l)" "$(find rawback -type f | wc -l)"
  check_eq "Parquet on s3:// answers the same" "$local_answer" \
    "$(answer "$TOTALS FROM '$S3/parquet/**/*.parquet'")"
  check_eq "a glob narrows the input" "$(answer "SELECT count(*) FROM read_log('raw/logs/2024-03-01-*', format => 's3_access')")" \
    "$(answer "SELECT count(*) FROM read_log('$S3/raw/logs/2024-03-01-*', format => 's3_access')")"
  first=$(cd raw && find . -type f | sed 's|^\./||' | sort | head -1)
  check_eq "one object by its key" "$(answer "SELECT count(*) FROM read_log('raw/$first', format => 's3_access')")" \
    "$(answer "SELECT count(*) FROM read_log('$S3/raw/$first', format => 's3_access')")"
  run convert --format s3_access --input "$S3/raw/" --output local-parquet --quiet
  check_rc "convert s3:// -> local" 0
  check_eq "local Parquet from s3:// input answers the same" "$local_answer" \
    "$(answer "$TOTALS FROM 'local-parquet/**/*.parquet'")"
  # Re-running replaces the previous output; the cache follows S3 (no stale parts counted).
  run convert --format s3_access --input "$S3/raw/" --output "$S3/parquet" --quiet
  check_rc "convert again" 0
  check_eq "re-run replaced, not duplicated (through the cache)" "$local_answer" \
    "$(answer "$TOTALS FROM '$S3/parquet/**/*.parquet'")"
  # The output folder by its path reads the files its manifests name: a stray file beside
  # them (what a crash before deleting a previous run's files leaves) is not counted.
  check_eq "FROM '<s3 output folder>' answers the same" "$local_answer" "$(answer "$TOTALS FROM '$S3/parquet'")"
  # Converted a third time and read by its folder name (no trailing slash): the cache keeps
  # only the current generation's files, as many as the bucket holds.
  run convert --format s3_access --input "$S3/raw/" --output "$S3/parquet" --quiet
  check_eq "read after a third run" "$local_answer" "$(answer "$TOTALS FROM '$S3/parquet'")"
  check_eq "the cache holds the bucket's files, no older generation" \
    "$(find local-parquet -name '*.parquet' | wc -l)" \
    "$(find "$SILT_CACHE_DIR" -path "*/$P/parquet/*" -name '*.parquet' | wc -l)"
  stray=$(cd local-parquet && find . -name '*.parquet' | sed 's|^\./||' | sort | head -1)
  run cp "local-parquet/$stray" "$S3/parquet/$(dirname "$stray")/part-stray.parquet"
  check_rc "a stray Parquet object uploaded" 0
  check_eq "a stray file is not read through the folder" "$local_answer" "$(answer "$TOTALS FROM '$S3/parquet/'")"
  [[ "$(answer "$TOTALS FROM '$S3/parquet/**/*.parquet'")" != "$local_answer" ]] \
    && pass "a glob reads the stray file" || fail "the glob did not see the stray file"
  # The cache stays under SILT_CACHE_MAX: a download evicts the least recently used objects
  # (here all of them, made a day old), never those of the last ten minutes.
  run cp "local-parquet/$stray" "$S3/other/one.parquet"
  find "$SILT_CACHE_DIR" -type f -exec touch -d '1 day ago' {} +
  one_answer=$(answer "$TOTALS FROM 'local-parquet/$stray'")
  check_eq "a new object read with SILT_CACHE_MAX=1KiB" "$one_answer" \
    "$(SILT_CACHE_MAX=1KiB answer "$TOTALS FROM '$S3/other/one.parquet'")"
  check_eq "evicted the day-old objects" "0" \
    "$(find "$SILT_CACHE_DIR" -path "*/$P/parquet/*" -name '*.parquet' | wc -l)"
  check_eq "kept the one just used" "1" "$(find "$SILT_CACHE_DIR" -path "*/$P/other/*" -name '*.parquet' | wc -l)"
  check_eq "an evicted folder is fetched again" "$local_answer" "$(answer "$TOTALS FROM '$S3/parquet'")"
  SILT_CACHE_MAX=lots run sql "SELECT count(*) FROM '$S3/other/one.parquet'"
  check_rc "a bad SILT_CACHE_MAX is a usage error" 2
  check_contains "naming the variable" "$ERR" "SILT_CACHE_MAX"
  run sql "SELECT count(*) FROM '$S3/raw/'"
  check_nonzero "a folder of raw logs on s3:// in FROM is an error"
  check_contains "which names read_log on the s3:// location, not the cache" "$ERR" "read_log('$S3/raw'"
  run sql "SELECT count(*) FROM read_log('$S3/nothing-here/', format => 's3_access')"
  [[ $RC != 0 ]] && pass "an empty prefix is an error (exit $RC)" || fail "an empty prefix gave exit 0"
  check_contains "saying which matched nothing" "$ERR" "no objects match '$S3/nothing-here/'"
  ;;
silt_to_sdk)
  head -c $((23 * 1024 * 1024 + 12345)) /dev/urandom >big.bin
  printf 'small object\n' >small.txt
  run cp big.bin "$S3/big.bin" --s3 multipart_threshold=8MiB --s3 part_size=5MiB
  check_rc "silt cp uploads (multipart)" 0
  sdk get "$B" "$P/big.bin" big.sdk >/dev/null
  if cmp -s big.bin big.sdk; then pass "SDK reads silt's multipart upload byte-identical"; else fail "big.bin differs"; fi
  etag=$(sdk head "$B" "$P/big.bin" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).ETag||JSON.parse(s).etag||""))')
  check_contains "it was a 5-part multipart upload" "$etag" "-5"
  run cp small.txt "$S3/dir/"
  check_rc "silt cp into a prefix keeps the name" 0
  sdk get "$B" "$P/dir/small.txt" small.sdk >/dev/null
  if cmp -s small.txt small.sdk; then pass "SDK reads silt's small upload byte-identical"; else fail "small.txt differs"; fi
  run cp small.txt "$S3/dir/small.txt" --if-absent
  check_rc "--if-absent on an existing key" 1
  check_contains "says it exists" "$ERR" "exists"
  "$SILT" gen s3_access --output raw --bytes 4MiB --days 1 --objects 4 >/dev/null
  run sql --format csv -o "$S3/answers/ops.csv" \
    "SELECT operation, count(*) AS n FROM read_log('raw', format => 's3_access') GROUP BY 1 ORDER BY 1"
  check_rc "sql -o s3://" 0
  "$SILT" sql --format csv -o ops.csv \
    "SELECT operation, count(*) AS n FROM read_log('raw', format => 's3_access') GROUP BY 1 ORDER BY 1"
  sdk get "$B" "$P/answers/ops.csv" ops.sdk >/dev/null
  if cmp -s ops.csv ops.sdk; then pass "SDK reads silt's query answer byte-identical"; else fail "ops.csv differs"; fi
  run convert --format s3_access --input raw --output "$S3/parquet" --quiet
  check_rc "convert local -> s3://" 0
  run convert --format s3_access --input raw --output local-parquet --quiet
  n_local=$(find local-parquet -name '*.parquet' | wc -l)
  n_s3=$(sdk list "$B" "$P/parquet/" | grep -c '\.parquet ')
  check_eq "the SDK lists as many Parquet files as a local run writes" "$n_local" "$n_s3"
  key=$(sdk list "$B" "$P/parquet/" | grep '\.parquet ' | head -1 | cut -d' ' -f1)
  sdk get "$B" "$key" one.parquet >/dev/null
  check_eq "the SDK's copy of a Parquet file is readable and complete" \
    "$(answer "SELECT count(*) FROM '$S3/parquet/${key#"$P/parquet/"}'")" \
    "$(answer "SELECT count(*) FROM 'one.parquet'")"
  run cp -r "$S3/parquet" back
  check_rc "silt cp -r downloads a prefix" 0
  check_eq "downloaded tree answers like the local run" "$(answer "$TOTALS FROM 'local-parquet/**/*.parquet'")" \
    "$(answer "$TOTALS FROM 'back/**/*.parquet'")"
  ;;
faults)
  "$SILT" gen s3_access --output raw --bytes 16MiB --days 2 --objects 24 --seed 11 >/dev/null
  "$SILT" cp -r raw "$S3/raw" -q
  want=$(answer "$TOTALS FROM read_log('raw', format => 's3_access')")
  export SILT_S3_FAULTS="throttle=0.05,reset=0.05,lost=0.05,truncate=0.05,corrupt=0.05,latency=5,seed=3"
  run convert --format s3_access --input "$S3/raw/" --output "$S3/parquet" --quiet --s3 max_attempts=20
  check_rc "convert with injected faults converges" 0
  run sql --format csv "$TOTALS FROM read_log('$S3/raw/', format => 's3_access')" --s3 max_attempts=20
  check_eq "raw answer under faults = local" "$want" "$(tail -n +2 <<<"$OUT")"
  unset SILT_S3_FAULTS
  check_eq "what was committed under faults is exact" "$want" "$(answer "$TOTALS FROM '$S3/parquet/**/*.parquet'")"
  n_manifest=$(sdk list "$B" "$P/parquet/_silt/runs/" | wc -l)
  check_eq "one manifest" "1" "$n_manifest"
  ;;
credentials)
  printf 'x\n' >x.txt
  start=$(date +%s%N)
  run_cmd env AWS_SECRET_ACCESS_KEY=definitely-wrong-secret "$SILT" cp x.txt "$S3/x.txt"
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  check_rc "a wrong secret is refused" 4
  check_contains "the message names the endpoint" "$ERR" "$SILT_TEST_S3_ENDPOINT"
  check_contains "and the access key id" "$ERR" "$AWS_ACCESS_KEY_ID"
  check_not_contains "but never the secret" "$ERR" "definitely-wrong-secret"
  if (( ms < 3000 )); then pass "fails fast (${ms} ms)"; else fail "took ${ms} ms"; fi
  run_cmd env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$T" "$SILT" cp x.txt "$S3/x.txt"
  check_rc "no keys at all" 3
  check_contains "says where it looked" "$ERR" "AWS_ACCESS_KEY_ID"
  # Keys from a profile in the shared files, as the AWS CLI reads them.
  mkdir -p home/.aws
  printf '[default]\nregion = us-east-1\n[profile logs]\ns3 =\n  addressing_style = path\n' >home/.aws/config
  printf '[logs]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >home/.aws/credentials
  run_cmd env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$T/home" AWS_PROFILE=logs "$SILT" cp x.txt "$S3/from-profile.txt"
  check_rc "keys from ~/.aws/credentials (AWS_PROFILE)" 0
  if [[ -n "${SILT_TEST_S3_ROLE_ARN:-}" ]]; then
    run cp x.txt "$S3/by-role.txt" --s3-role "$SILT_TEST_S3_ROLE_ARN"
    check_rc "--s3-role assumes the role through STS" 0
    run cp x.txt "$S3/by-role.txt" --s3-role "arn:aws:iam:::role/no-such-role"
    check_rc "an unknown role is refused" 1
    check_contains "naming the role" "$ERR" "no-such-role"
    check_not_contains "not the secret" "$ERR" "$AWS_SECRET_ACCESS_KEY"
    printf '[profile cross]\nrole_arn = %s\nsource_profile = logs\n' "$SILT_TEST_S3_ROLE_ARN" >>home/.aws/config
    run_cmd env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$T/home" AWS_PROFILE=cross "$SILT" cp x.txt "$S3/by-profile-role.txt"
    check_rc "role_arn + source_profile in ~/.aws/config" 0
  else
    echo "note: the test server has no STS role; AssumeRole not checked"
  fi
  ;;
*)
  echo "unknown scenario $SCENARIO" >&2
  exit 2
  ;;
esac

# Leave the shared bucket as we found it.
"$SILT" sql "SELECT 1" >/dev/null 2>&1
sdk delete "$B" "$P/" >/dev/null 2>&1 || true
if [[ $FAILURES -gt 0 ]]; then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
exit 0
