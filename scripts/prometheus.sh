#!/usr/bin/env bash
# Installs promtool from Debian's prometheus package when it is absent: the metrics test pipes a scrape of /metrics to
# `promtool check metrics`, which holds the exported names to Prometheus's rules.
set -euo pipefail

if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found; installing Debian's prometheus package" >&2
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  # apt-get -qq still lets dpkg print every unpacked package: keep that for when it fails.
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "could not install prometheus (promtool) from Debian's packages" >&2
    exit 1
  fi
  rm -f "$log"
fi

if ! promtool --version >/dev/null 2>&1; then
  echo "promtool is installed but does not run: promtool --version failed" >&2
  exit 1
fi
