#!/usr/bin/env bash
# CTest sdk_smoke: proves the test S3 server and the SDK harness work, before any silt code is
# involved. Installs the SDK (install.sh), then through s3.mjs against the server of
# <env file> (written by scripts/test-servers/rgw.sh start): put, list, get back and `cmp`; a
# multipart upload read back; If-None-Match: * refused with 412 on an existing key; the GLACIER
# storage class; AssumeRole when the env file names a role; delete of the prefix.
#
#   tests/sdk/smoke.sh <env file>
set -u -o pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 <env file written by scripts/test-servers/rgw.sh>" >&2
  exit 2
fi
ENV_FILE=$1
SDK=$(cd "$(dirname "$0")" && pwd)
S3=("node" "$SDK/s3.mjs")

[[ -f "$ENV_FILE" ]] || { echo "FAIL: no env file $ENV_FILE (did s3_server_start run?)" >&2; exit 1; }
# shellcheck source=/dev/null
. "$ENV_FILE"
"$SDK/install.sh" || { echo "FAIL: tests/sdk/install.sh" >&2; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/silt-sdk-smoke.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
B=$SILT_TEST_S3_BUCKET
P="sdk_smoke/$(date +%s)-$$"  # the bucket is shared with other tests: own prefix

FAILURES=0
fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { echo "ok: $*"; }

# A few hundred KiB of varied bytes, and 11 MiB for a 3-part upload with 5 MiB parts.
head -c 300000 /dev/urandom >"$T/small"
head -c $((11 * 1024 * 1024)) /dev/urandom >"$T/big"

if etag=$("${S3[@]}" put "$B" "$P/small" "$T/small"); then
  pass "put ($etag)"
  [[ "$etag" == "$(md5sum <"$T/small" | cut -d' ' -f1)" ]] && pass "put ETag is the MD5" ||
    fail "put ETag $etag is not the MD5 of the bytes"
else
  fail "put"
fi

if listing=$("${S3[@]}" list "$B" "$P/"); then
  [[ "$listing" == "$P/small 300000 $etag" ]] && pass "list" ||
    fail "list: expected [$P/small 300000 $etag], got [$listing]"
else
  fail "list"
fi

if "${S3[@]}" get "$B" "$P/small" "$T/small.back" && cmp "$T/small" "$T/small.back"; then
  pass "get gives back the same bytes"
else
  fail "get / cmp"
fi

if "${S3[@]}" get "$B" "$P/small" "$T/range" --range bytes=1000-1999 &&
   cmp <(tail -c +1001 "$T/small" | head -c 1000) "$T/range"; then
  pass "range get"
else
  fail "range get"
fi

if out=$("${S3[@]}" upload "$B" "$P/big" "$T/big" --part-size 5 --queue 2); then
  pass "multipart upload: $out"
  [[ "$out" == *'"etag":"'*'-3"'* ]] && pass "multipart ETag has 3 parts" ||
    fail "multipart ETag: $out"
  if "${S3[@]}" get "$B" "$P/big" "$T/big.back" && cmp "$T/big" "$T/big.back"; then
    pass "multipart object read back"
  else
    fail "multipart object read back"
  fi
else
  fail "multipart upload"
fi

err=$("${S3[@]}" put "$B" "$P/small" "$T/big" --if-none-match 2>&1 >/dev/null)
rc=$?
[[ $rc == 1 && "$err" == *"HTTP 412"* ]] && pass "If-None-Match: * on an existing key: 412" ||
  fail "If-None-Match: * on an existing key: exit $rc, [$err]"

if "${S3[@]}" put "$B" "$P/cold" "$T/small" --storage-class GLACIER >/dev/null &&
   head=$("${S3[@]}" head "$B" "$P/cold") && [[ "$head" == *'"StorageClass":"GLACIER"'* ]]; then
  pass "GLACIER storage class"
else
  fail "GLACIER storage class: [${head:-}]"
fi

if [[ -n "${SILT_TEST_S3_ROLE_ARN:-}" ]]; then
  if creds=$("${S3[@]}" assume-role "$SILT_TEST_S3_ROLE_ARN" --session sdk-smoke); then
    eval "$(node -e '
      const c = JSON.parse(process.argv[1]);
      console.log(`AK=${c.AccessKeyId} SK=${c.SecretAccessKey} TOK=${c.SessionToken}`);' "$creds")"
    if listing=$(AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK AWS_SESSION_TOKEN=$TOK \
                 "${S3[@]}" list "$B" "$P/small"); then
      [[ "$listing" == "$P/small "* ]] && pass "AssumeRole credentials list the bucket" ||
        fail "AssumeRole credentials: listing [$listing]"
    else
      fail "list with AssumeRole credentials"
    fi
    err=$(AWS_ACCESS_KEY_ID=$AK AWS_SECRET_ACCESS_KEY=$SK \
          "${S3[@]}" list "$B" "$P/" 2>&1 >/dev/null)
    [[ "$err" == *"HTTP 403"* ]] && pass "temporary keys without their session token: 403" ||
      fail "temporary keys without their session token: [$err]"
  else
    fail "assume-role $SILT_TEST_S3_ROLE_ARN"
  fi
else
  echo "note: no SILT_TEST_S3_ROLE_ARN in $ENV_FILE, AssumeRole not checked"
fi

if out=$("${S3[@]}" delete "$B" "$P/") && [[ "$out" == '{"deleted":3,'* ]]; then
  pass "delete prefix: $out"
  left=$("${S3[@]}" list "$B" "$P/")
  [[ -z "$left" ]] && pass "prefix empty after delete" || fail "left after delete: [$left]"
else
  fail "delete prefix: [${out:-}]"
fi

if [[ $FAILURES -gt 0 ]]; then
  echo "$FAILURES check(s) failed" >&2
  exit 1
fi
