#!/usr/bin/env bash
# Runs every test. Installs what the tests need first: the pinned npm packages (anvil, solc) and, when absent,
# PostgreSQL from Debian's packages (a throwaway cluster on 127.0.0.1 is started for the store tests).
# Ends by printing the totals alone on a line: "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"

"$root/scripts/node-packages.sh" || exit 1
SANKOFA_TEST_POSTGRES="$("$root/scripts/postgres.sh")" || { echo "could not start PostgreSQL" >&2; exit 1; }
export SANKOFA_TEST_POSTGRES

results="$root/artifacts/test-results"
rm -rf "$results"
dotnet build Sankofa.slnx -c Release -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }
dotnet test Sankofa.slnx -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 10m "$@"
status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
