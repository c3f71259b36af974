#!/usr/bin/env bash
# Installs Debian's Chromium and a font (headless screenshots show no text without one) for the browser tests when
# they are absent. Playwright's own browser download is never used: these machines reach Debian's packages, not its CDN.
set -euo pipefail

if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi dejavu; then
  echo "Chromium not found; installing it from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  # apt-get -qq still lets dpkg print every unpacked package: keep that for when it fails.
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fontconfig; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "could not install chromium from Debian's packages" >&2
    exit 1
  fi
  rm -f "$log"
fi

# A Chromium that cannot start would fail every browser test with the same long launch error: say it once here.
if ! /usr/bin/chromium --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1; then
  echo "Chromium is installed but does not start: /usr/bin/chromium --version failed" >&2
  exit 1
fi
