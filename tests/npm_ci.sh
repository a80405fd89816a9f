#!/usr/bin/env bash
# Installs a test folder's pinned npm packages (its package-lock.json) into <dir>/node_modules
# with `npm ci`, only when node_modules is missing or was installed from another lock file.
# Safe to run from several tests at once (one installs, the others wait for it).
#
#   tests/npm_ci.sh <dir> <what, for messages>
set -euo pipefail
dir=$1
what=${2:-$1}
cd "$dir"

log() { echo "$what: $*" >&2; }

command -v npm >/dev/null && command -v node >/dev/null ||
  { log "node and npm are needed (scripts/bootstrap.sh installs them)"; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  log "warning: node $(node --version); the pinned packages declare node >= 20"
fi

stamp=node_modules/.silt-lock-sha256
want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
current() { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; }

current && exit 0
exec 9<package-lock.json
flock 9            # another test may be installing right now
current && exit 0  # it was
log "npm ci (package-lock.json changed or node_modules missing)"
npm ci --no-audit --no-fund --loglevel=error >&2
echo "$want" >"$stamp"
