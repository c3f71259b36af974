#!/usr/bin/env bash
# Installs Debian's pgbackrest when it is absent: the backup test archives WAL, backs up and restores a PostgreSQL
# cluster of its own with deploy/postgres/pgbackrest.conf, as an operator does (docs/operations.md, "Backup and restore").
set -euo pipefail

if ! command -v pgbackrest >/dev/null 2>&1; then
  echo "pgbackrest not found; installing it from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  # apt-get -qq still lets dpkg print every unpacked package: keep that for when it fails.
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends pgbackrest; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "could not install pgbackrest from Debian's packages" >&2
    exit 1
  fi
  rm -f "$log"
fi

if ! pgbackrest version >/dev/null 2>&1; then
  echo "pgbackrest is installed but does not run: pgbackrest version failed" >&2
  exit 1
fi
