#!/usr/bin/env bash
# Installs the pinned AWS SDK for JavaScript (package-lock.json) into tests/sdk/node_modules,
# only when missing or stale (tests/npm_ci.sh).
exec "$(dirname "$0")/../npm_ci.sh" "$(cd "$(dirname "$0")" && pwd)" tests/sdk/install.sh
