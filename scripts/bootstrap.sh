#!/usr/bin/env bash
# Installs what silt needs to build and test, when it is missing:
#   - Debian bookworm packages (compiler, CMake, Ninja, libraries, test tools) through apt;
#   - DuckDB 1.4.4 (the official prebuilt libduckdb.so and its C header) from the npm registry,
#     pinned by version and verified by SHA-256, into .deps/duckdb (git-ignored).
# Safe to run again: it only acts on what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DUCKDB_LIB_PKG="@duckdb/node-bindings-linux-x64@1.4.4-r.4"
DUCKDB_LIB_SHA256="732fac4dc6b8f198870b9c4bb6ddf13544466daca00ad28ba2f1d80de5d7aa4b"
DUCKDB_SRC_PKG="duckdb@1.4.4"
DUCKDB_SRC_SHA256="5bb967dcbcd517670ba5f169f238fb9d6787e53752c60ebe24386169d76941ed"
DEPS_DIR=".deps/duckdb"

APT_PACKAGES=(
  g++ make cmake ninja-build pkg-config git ca-certificates
  libfmt-dev libcli11-dev nlohmann-json3-dev
  libzstd-dev libdeflate-dev zlib1g-dev libbz2-dev libre2-dev libsimdjson-dev
  libcurl4-openssl-dev libssl-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3
)

log() { echo "bootstrap: $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@";
  elif command -v sudo >/dev/null; then sudo "$@";
  else log "need root to run: $*"; exit 1; fi
}

missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# npm (and node) may come from elsewhere than Debian's packages: look for the command.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

stamp="$DEPS_DIR/.stamp"
want_stamp="$DUCKDB_LIB_PKG $DUCKDB_LIB_SHA256 $DUCKDB_SRC_PKG $DUCKDB_SRC_SHA256"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want_stamp" ] \
   && [ -f "$DEPS_DIR/lib/libduckdb.so" ] && [ -f "$DEPS_DIR/include/duckdb.h" ]; then
  exit 0
fi

log "fetching DuckDB 1.4.4 from the npm registry"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "$DUCKDB_LIB_PKG" "$DUCKDB_SRC_PKG" >/dev/null )
lib_tgz=$(ls "$tmp"/duckdb-node-bindings-linux-x64-*.tgz)
src_tgz=$(ls "$tmp"/duckdb-1.4.4.tgz)
check() {
  local got; got=$(sha256sum "$1" | cut -d' ' -f1)
  if [ "$got" != "$2" ]; then
    log "checksum mismatch for $(basename "$1"): got $got, expected $2"; exit 1
  fi
}
check "$lib_tgz" "$DUCKDB_LIB_SHA256"
check "$src_tgz" "$DUCKDB_SRC_SHA256"
rm -rf "$DEPS_DIR"
mkdir -p "$DEPS_DIR/lib" "$DEPS_DIR/include"
tar -xzf "$lib_tgz" -C "$tmp" package/libduckdb.so
mv "$tmp/package/libduckdb.so" "$DEPS_DIR/lib/"
tar -xzf "$src_tgz" -C "$tmp" package/src/duckdb/src/include/duckdb.h
mv "$tmp/package/src/duckdb/src/include/duckdb.h" "$DEPS_DIR/include/"
echo "$want_stamp" > "$stamp"
log "DuckDB ready in $DEPS_DIR"
