#!/usr/bin/env bash
# Installs the pinned npm packages (anvil, solc, OpenZeppelin) from package-lock.json when node_modules is
# missing or older than the lock file. Quiet when there is nothing to do.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "Installing pinned npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
