#!/usr/bin/env bash
# Runs every test. Installs what the tests need first: the pinned npm packages (anvil, solc) and, when absent,
# PostgreSQL (a throwaway cluster on 127.0.0.1 is started for the store tests), Chromium (for the browser tests),
# promtool (for the metrics test), poppler-utils (to read the invoice PDFs back), kubectl (to render the Kustomize
# overlays; the machines have it) and pgbackrest (for the PostgreSQL backup test) from Debian's packages.
# Ends by printing the totals alone on a line: "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"

"$root/scripts/node-packages.sh" || exit 1
"$root/scripts/chromium.sh" || { echo "could not install Chromium" >&2; exit 1; }
"$root/scripts/prometheus.sh" || { echo "could not install promtool" >&2; exit 1; }
"$root/scripts/poppler.sh" || { echo "could not install poppler-utils" >&2; exit 1; }
# Not fatal: without it only the deployment test fails, and says why.
"$root/scripts/kubectl.sh" || echo "no kubectl with Kustomize v4 or later: the deployment test (KustomizeOverlaysTests) will fail" >&2
SANKOFA_TEST_POSTGRES="$("$root/scripts/postgres.sh")" || { echo "could not start PostgreSQL" >&2; exit 1; }
"$root/scripts/pgbackrest.sh" || { echo "could not install pgbackrest" >&2; exit 1; }
export SANKOFA_TEST_POSTGRES

log="$root/artifacts/test.log"
mkdir -p "$root/artifacts"
dotnet build Sankofa.slnx -c Release -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }
dotnet test Sankofa.slnx -c Release --no-build -nologo --blame-hang-timeout 10m "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries ("Failed!  - Failed: 1, Passed: 8, ..."); a crashed test host prints none, so a
# non-zero exit without counted failures still counts as one failure.
passed=0; failed=0
while read -r f p; do
  passed=$((passed + p)); failed=$((failed + f))
done < <(sed -n 's/.*Failed: *\([0-9]*\), Passed: *\([0-9]*\),.*/\1 \2/p' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
