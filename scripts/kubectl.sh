#!/usr/bin/env bash
# Makes sure kubectl with a Kustomize of v4 or later is there: the deployment test renders every overlay of
# deploy/kubernetes with `kubectl kustomize`. The machines come with kubectl; when it is absent this installs Debian's
# kubernetes-client, which bookworm ships at 1.20 (Kustomize v2): too old for these manifests, so the check below
# then fails and says so rather than letting the test fail on a rendering error.
set -euo pipefail

if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl not found; installing Debian's kubernetes-client" >&2
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp)
  # apt-get -qq still lets dpkg print every unpacked package: keep that for when it fails.
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends kubernetes-client; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "could not install kubernetes-client (kubectl) from Debian's packages" >&2
    exit 1
  fi
  rm -f "$log"
fi

# `kubectl version --client` prints "Kustomize Version: v5.5.0" from kubectl 1.24 on; older ones print none.
kustomize=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: v\([0-9]*\).*/\1/p')
if [ -z "$kustomize" ] || [ "$kustomize" -lt 4 ]; then
  echo "kubectl $(kubectl version --client 2>&1 | head -1) has no Kustomize v4 or later; deploy/kubernetes needs kubectl 1.24 or later (docs/deployment.md)" >&2
  exit 1
fi
