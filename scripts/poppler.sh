#!/usr/bin/env bash
# Installs Debian's poppler-utils when it is absent: the invoice document tests render the PDFs to PNG (pdftoppm) and
# to text (pdftotext, pdfinfo) to read them back as a customer's tools do.
set -euo pipefail

if ! command -v pdftoppm >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1 || ! command -v pdfinfo >/dev/null 2>&1; then
  echo "poppler-utils not found; installing it from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  # apt-get -qq still lets dpkg print every unpacked package: keep that for when it fails.
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends poppler-utils; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "could not install poppler-utils from Debian's packages" >&2
    exit 1
  fi
  rm -f "$log"
fi

if ! pdftoppm -v >/dev/null 2>&1; then
  echo "poppler-utils is installed but does not run: pdftoppm -v failed" >&2
  exit 1
fi
