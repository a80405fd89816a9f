#!/usr/bin/env bash
# A throw-away S3 server for tests: a one-node Ceph cluster (monitor, memstore OSD, RADOS
# Gateway) on 127.0.0.1, with every file under one scratch folder.
#
#   scripts/test-servers/rgw.sh start  <dir>   fresh server; writes <dir>/env; prints start time
#   scripts/test-servers/rgw.sh stop   <dir>   kills the processes it recorded, removes <dir>
#   scripts/test-servers/rgw.sh status <dir>   exit 0 when the server answers, 1 when not
#
# <dir>/env is shell-sourceable, one `export NAME=value` per line (values never need quoting):
#   SILT_TEST_S3_ENDPOINT   http://127.0.0.1:<port> (path-style addressing)
#   SILT_TEST_S3_BUCKET     an empty bucket, `silt-test`
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY   the test user's keys (generated)
#   AWS_REGION              us-east-1
#   SILT_TEST_S3_ROLE_ARN   a role the test user may assume through STS AssumeRole on the same
#                           endpoint (s3:* on every bucket); absent when STS could not be set up
#
# What it does (facts in docs TEST-SERVERS.md): installs radosgw, ceph-mon, ceph-osd and curl
# from Debian when missing; picks free loopback ports; writes <dir>/ceph.conf (cephx off, memstore
# OSD of SILT_RGW_MEM_BYTES, default 2 GiB, held in RAM); starts ceph-mon and ceph-osd; creates
# the user, the GLACIER storage class and the STS role with radosgw-admin; starts radosgw; waits
# until an anonymous GET / answers 200; creates the bucket; checks AssumeRole.
#
# `start` on a folder of an earlier run (live or dead) stops that run first, so each start gives
# an empty server. The folder is only ever wiped when it holds this script's marker file (or is
# empty). `stop` only signals processes whose pid it recorded and whose command line still
# names <dir>/ceph.conf; it is safe to run again. SILT_RGW_TIMEOUT (default 60) bounds each wait;
# on failure the tails of the logs are printed and <dir> is kept for a look.
#
# RGW 16 behaviour worth knowing when writing tests (seen with this setup):
#   - error documents carry the right <Code> but an empty <Message>; a bad signature is answered
#     403 AccessDenied, not SignatureDoesNotMatch;
#   - CompleteMultipartUpload answers with an empty <ETag>; HeadObject gives "<md5>-<parts>";
#   - objects stored as GLACIER read back at once (no RestoreObject, no InvalidObjectState);
#   - STS answers on the S3 endpoint (POST /, signing service "sts"); AssumeRole accepts
#     DurationSeconds 900..3600 and RoleSessionName of 2+ characters, else 400 InvalidArgument;
#     its errors are S3-style <Error> documents, not STS's <ErrorResponse>;
#   - the memstore OSD holds SILT_RGW_MEM_BYTES in RAM; a full OSD blocks writes, so tests should
#     delete what they write (the bucket is shared by all tests of one fixture run);
#   - curl 7.88 --aws-sigv4 signs "?uploads" wrongly: write "?uploads=".
set -euo pipefail

BUCKET=silt-test
USER_ID=silt-test
ROLE_NAME=silt-test-role
MEM_BYTES=${SILT_RGW_MEM_BYTES:-2147483648}
STEP_TIMEOUT=${SILT_RGW_TIMEOUT:-60}  # seconds allowed for each wait
MARKER=.silt-rgw
EMPTY_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

log() { echo "rgw.sh: $*" >&2; }
die() { log "$*"; exit 1; }

usage() {
  echo "usage: $0 start|stop|status <dir>" >&2
  exit 2
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $*"; fi
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# phase <name>: notes how long the start took up to here (printed at the end).
PHASES=""
phase() { PHASES+="${PHASES:+, }$1 $(elapsed "$T0")"; }

# ---------------------------------------------------------------------------------------------
# installation

ensure_packages() {
  local missing=() p
  for p in radosgw ceph-mon ceph-osd; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  command -v curl >/dev/null || missing+=(curl)
  command -v python3 >/dev/null || missing+=(python3)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# ---------------------------------------------------------------------------------------------
# helpers on a run folder ($D, absolute)

conf() { echo "$D/ceph.conf"; }
ceph_cli() { timeout 30 ceph -c "$(conf)" --connect-timeout 10 "$@"; }
rgw_admin() { timeout 60 radosgw-admin -c "$(conf)" "$@"; }

# A recorded pid still belongs to this run when the process is alive and its command line
# names this run's ceph.conf (pids are reused after a process exits).
ours() {
  local pid=$1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "$(conf)"
}

# record <name>: reads the daemon's pid file (written once it has daemonized) into $D/pids.
record() {
  local name=$1 pidfile="$D/run/$1.pid" deadline=$((SECONDS + STEP_TIMEOUT))
  until [ -s "$pidfile" ]; do
    [ $SECONDS -lt $deadline ] || fail "$name wrote no pid file ($pidfile)"
    sleep 0.1
  done
  echo "$name $(cat "$pidfile")" >>"$D/pids"
}

show_logs() {
  local f
  for f in "$D"/log/*; do
    [ -f "$f" ] || continue
    echo "----- tail of $f" >&2
    tail -n 25 "$f" >&2
  done
}

fail() {
  log "start failed: $*"
  show_logs
  log "stopping what was started; $D is kept for a look (the next start or stop removes it)"
  stop_run || true
  exit 1
}

# wait_until <what> <command...>: polls the command until it succeeds, for STEP_TIMEOUT seconds.
wait_until() {
  local what=$1 deadline=$((SECONDS + STEP_TIMEOUT))
  shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${STEP_TIMEOUT}s waiting for $what"
    sleep 0.2
  done
}

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
rgw_ready() { [ "$(http_code "$ENDPOINT/")" = 200 ]; }
osd_up() { ceph_cli osd stat 2>/dev/null | grep -q ' 1 up'; }

# Signed request as the test user (curl 7.88 needs x-amz-content-sha256 given explicitly).
s3_curl() {
  curl -s --max-time 10 --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY" \
    -H "x-amz-content-sha256: $EMPTY_SHA256" "$@"
}

random_hex() { head -c 64 /dev/urandom | sha256sum | cut -c "1-$1"; }

# Picks n distinct ports that are free on 127.0.0.1, outside the ephemeral range that outgoing
# connections draw from (so a client socket cannot take one between now and the bind).
free_ports() {
  python3 - "$1" <<'EOF'
import random, socket, sys
n, ports = int(sys.argv[1]), []
while len(ports) < n:
    p = random.randrange(20000, 32000)
    if p in ports:
        continue
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", p))
        ports.append(p)
    except OSError:
        pass
    finally:
        s.close()
print(" ".join(map(str, ports)))
EOF
}

# ---------------------------------------------------------------------------------------------
# stop

# Kills the recorded processes of the run in $D (radosgw, then OSD, then monitor) and waits for
# each to exit. SIGKILL: the state is about to be deleted, radosgw takes 4 s to stop on SIGTERM,
# and a memstore OSD stopped with SIGTERM first writes all its in-RAM data to disk.
stop_run() {
  [ -f "$D/pids" ] || return 0
  local name pid prefix alive left=0
  for prefix in client.rgw osd. mon.; do
    local pids=()
    while read -r name pid; do
      [[ "$name" == "$prefix"* ]] || continue
      if ours "$pid"; then
        kill -KILL "$pid" 2>/dev/null || true
        pids+=("$pid")
      fi
    done <"$D/pids"
    for _ in $(seq 100); do
      alive=0
      for pid in "${pids[@]}"; do ours "$pid" && alive=1; done
      [ $alive = 0 ] && break
      sleep 0.1
    done
    for pid in "${pids[@]}"; do
      if ours "$pid"; then log "process $pid ($prefix) did not exit"; left=1; fi
    done
  done
  [ $left = 0 ] || return 1
  rm -f "$D/pids"
}

# Removes $D when it is one of ours (marker) or empty; refuses anything else.
remove_dir() {
  [ -e "$D" ] || return 0
  if [ -f "$D/$MARKER" ]; then
    rm -rf "$D"
  elif [ -d "$D" ] && [ -z "$(ls -A "$D")" ]; then
    rmdir "$D"
  else
    die "$D exists and was not made by rgw.sh (no $MARKER): not touching it"
  fi
}

cmd_stop() {
  [ -e "$D" ] || { log "nothing to stop in $D"; return 0; }
  [ -f "$D/$MARKER" ] || [ -z "$(ls -A "$D" 2>/dev/null)" ] ||
    die "$D was not made by rgw.sh (no $MARKER): not touching it"
  local t0; t0=$(now)
  stop_run || die "could not stop every process of $D; left it in place"
  remove_dir
  log "stopped and removed $D in $(elapsed "$t0") s"
}

# ---------------------------------------------------------------------------------------------
# status

cmd_status() {
  if [ ! -f "$D/$MARKER" ] || [ ! -f "$D/env" ] || [ ! -f "$D/pids" ]; then
    echo "not running ($D)"
    return 1
  fi
  local name pid down=0
  while read -r name pid; do
    if ours "$pid"; then echo "$name pid $pid"; else echo "$name pid $pid: gone"; down=1; fi
  done <"$D/pids"
  ENDPOINT=$(sed -n 's/^export SILT_TEST_S3_ENDPOINT=//p' "$D/env")
  if [ $down = 0 ] && rgw_ready; then
    echo "running: $ENDPOINT (env in $D/env)"
    return 0
  fi
  echo "not healthy: $ENDPOINT"
  return 1
}

# ---------------------------------------------------------------------------------------------
# start

write_conf() {
  cat >"$(conf)" <<EOF
# Written by scripts/test-servers/rgw.sh: a one-node throw-away cluster, loopback only.
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]
mon initial members = a
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
# with cephx off, radosgw hangs at start without these two
ms mon client mode = crc secure
ms client mode = crc secure
run dir = $D/run
log file = $D/log/\$name.log
keyring = $D/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
# the monitor stops when its disk has less than 5 % free; its store here is a few MiB
mon data avail crit = 0
mon data avail warn = 1
debug ms = 0
# pool creation waits for a new OSD map; the default 1 s batching makes each pool cost seconds
paxos propose interval = 0.1

[mon]
mon data = $D/mon/\$name
pid file = $D/run/\$name.pid
admin socket = $D/run/\$name.asok

[osd]
osd data = $D/osd/\$name
osd objectstore = memstore
memstore device bytes = $MEM_BYTES
pid file = $D/run/\$name.pid
admin socket = $D/run/\$name.asok

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $D/rgw
pid file = $D/run/\$name.pid
admin socket = $D/run/\$name.asok
debug rgw = 1
rgw s3 auth use sts = true
rgw sts key = $STS_KEY
EOF
}

# Creates the STS role and checks that the test user can assume it and list the bucket with the
# temporary credentials. Prints the role's ARN; returns non-zero when any step fails.
setup_sts() {
  local trust policy out arn body creds ak sk tok
  trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/'$USER_ID'"]},"Action":["sts:AssumeRole"]}]}'
  policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::*"]}]}'
  out=$(rgw_admin role create --role-name "$ROLE_NAME" --path / --assume-role-policy-doc "$trust") ||
    { log "STS: role create failed: $out"; return 1; }
  arn=$(python3 -c 'import json, sys; r = json.load(sys.stdin); print(r.get("Arn") or r.get("arn") or "")' \
    <<<"$out") || arn=""
  [ -n "$arn" ] || { log "STS: no arn in: $out"; return 1; }
  rgw_admin role-policy put --role-name "$ROLE_NAME" --policy-name silt-test-s3 \
    --policy-doc "$policy" >/dev/null || { log "STS: role-policy put failed"; return 1; }
  body="Action=AssumeRole&Version=2011-06-15&RoleSessionName=rgw-sh-check&DurationSeconds=900&RoleArn=$(
    python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$arn")"
  creds=$(curl -s --max-time 10 --aws-sigv4 "aws:amz:us-east-1:sts" \
    --user "$ACCESS_KEY:$SECRET_KEY" \
    -H "x-amz-content-sha256: $(printf %s "$body" | sha256sum | cut -d' ' -f1)" \
    -H 'Content-Type: application/x-www-form-urlencoded' --data "$body" "$ENDPOINT/") ||
    { log "STS: AssumeRole request failed"; return 1; }
  ak=$(sed -n 's:.*<AccessKeyId>\([^<]*\)</AccessKeyId>.*:\1:p' <<<"$creds")
  sk=$(sed -n 's:.*<SecretAccessKey>\([^<]*\)</SecretAccessKey>.*:\1:p' <<<"$creds")
  tok=$(sed -n 's:.*<SessionToken>\([^<]*\)</SessionToken>.*:\1:p' <<<"$creds")
  [ -n "$ak" ] && [ -n "$sk" ] && [ -n "$tok" ] ||
    { log "STS: AssumeRole gave no credentials: $creds"; return 1; }
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$ak:$sk" -H "x-amz-security-token: $tok" -H "x-amz-content-sha256: $EMPTY_SHA256" \
    "$ENDPOINT/$BUCKET?list-type=2") || true
  [ "$code" = 200 ] || { log "STS: listing with the role's credentials answered $code"; return 1; }
  echo "$arn"
}

cmd_start() {
  T0=$(now)
  ensure_packages
  phase packages

  if [ -e "$D" ]; then
    [ -f "$D/$MARKER" ] || [ -z "$(ls -A "$D" 2>/dev/null)" ] ||
      die "$D exists and was not made by rgw.sh (no $MARKER): not touching it"
    if [ -f "$D/pids" ]; then log "stopping the earlier run in $D"; fi
    stop_run || die "could not stop the earlier run in $D"
    remove_dir
  fi
  mkdir -p "$D"/{run,log,mon,osd,rgw}
  touch "$D/$MARKER"

  read -r MON_V2 MON_V1 RGW_PORT <<<"$(free_ports 3)"
  ENDPOINT="http://127.0.0.1:$RGW_PORT"
  FSID=$(cat /proc/sys/kernel/random/uuid)
  STS_KEY=$(random_hex 16)
  ACCESS_KEY=$(random_hex 20 | tr a-f A-F)
  SECRET_KEY=$(random_hex 40)
  write_conf

  # monitor
  ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$D/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
    --cap mds 'allow *' --cap mgr 'allow *' >/dev/null
  monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]" \
    "$D/monmap" >/dev/null
  ceph-mon -c "$(conf)" --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring" \
    >>"$D/log/mkfs.log" 2>&1 || fail "ceph-mon --mkfs failed"
  ceph-mon -c "$(conf)" -i a </dev/null >>"$D/log/mon.a.out" 2>&1 || fail "ceph-mon did not start"
  record mon.a
  wait_until "the monitor" ceph_cli mon stat
  phase mon

  # OSD (memstore: its data lives in RAM)
  local osd_uuid osd_id
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  osd_id=$(ceph_cli osd new "$osd_uuid") || fail "ceph osd new failed"
  mkdir -p "$D/osd/osd.$osd_id"
  ceph-osd -c "$(conf)" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" \
    >>"$D/log/mkfs.log" 2>&1 || fail "ceph-osd --mkfs failed"
  ceph-osd -c "$(conf)" -i "$osd_id" </dev/null >>"$D/log/osd.$osd_id.out" 2>&1 ||
    fail "ceph-osd did not start"
  record "osd.$osd_id"
  wait_until "the OSD to be up" osd_up
  phase osd

  # user, GLACIER storage class (before radosgw starts, so it reads them at start)
  rgw_admin user create --uid "$USER_ID" --display-name "silt tests" \
    --access-key "$ACCESS_KEY" --secret-key "$SECRET_KEY" >/dev/null ||
    fail "radosgw-admin user create failed"
  rgw_admin zonegroup placement add --rgw-zonegroup default --placement-id default-placement \
    --storage-class GLACIER >/dev/null || fail "zonegroup placement add failed"
  rgw_admin zone placement add --rgw-zone default --placement-id default-placement \
    --storage-class GLACIER --data-pool default.rgw.glacier.data >/dev/null ||
    fail "zone placement add failed"
  phase user

  # gateway
  radosgw -c "$(conf)" -n client.rgw </dev/null >>"$D/log/client.rgw.out" 2>&1 ||
    fail "radosgw did not start"
  record client.rgw
  wait_until "radosgw to answer GET / with 200 on $ENDPOINT" rgw_ready
  phase rgw

  local code
  code=$(s3_curl -o "$D/log/create-bucket.out" -w '%{http_code}' -X PUT "$ENDPOINT/$BUCKET") || true
  [ "$code" = 200 ] || fail "creating bucket $BUCKET answered $code: $(cat "$D/log/create-bucket.out")"
  phase bucket

  local role_arn=""
  if role_arn=$(setup_sts); then :; else
    role_arn=""
    log "STS/AssumeRole not available: SILT_TEST_S3_ROLE_ARN left out of $D/env"
  fi
  phase sts

  {
    echo "# Written by scripts/test-servers/rgw.sh start $D"
    echo "export SILT_TEST_S3_ENDPOINT=$ENDPOINT"
    echo "export SILT_TEST_S3_BUCKET=$BUCKET"
    echo "export AWS_ACCESS_KEY_ID=$ACCESS_KEY"
    echo "export AWS_SECRET_ACCESS_KEY=$SECRET_KEY"
    echo "export AWS_REGION=us-east-1"
    [ -z "$role_arn" ] || echo "export SILT_TEST_S3_ROLE_ARN=$role_arn"
  } >"$D/env.tmp"
  mv "$D/env.tmp" "$D/env"

  log "ready in $(elapsed "$T0") s (seconds since start at the end of each step: $PHASES)"
  log "$ENDPOINT, bucket $BUCKET${role_arn:+, role $role_arn}; env in $D/env"
}

# ---------------------------------------------------------------------------------------------

[ $# -eq 2 ] || usage
[ -n "$2" ] || usage
mkdir -p "$(dirname "$2")"
D=$(realpath -m "$2")
[ "$D" != / ] || die "refusing to use / as the run folder"
case $1 in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) usage ;;
esac
