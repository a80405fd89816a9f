#!/usr/bin/env bash
# Installs the pinned Iceberg readers (icebird, hyparquet; package-lock.json) into
# tests/iceberg_readers/node_modules, only when missing or stale (tests/npm_ci.sh).
exec "$(dirname "$0")/../npm_ci.sh" "$(cd "$(dirname "$0")" && pwd)" tests/iceberg_readers/install.sh
