#!/usr/bin/env bash
# Runs every benchmark in Release and prints a summary (figure | baseline measured in the same run | ratio | goal).
# Needs what ./test.sh needs: the pinned npm packages (anvil) and PostgreSQL (scripts/postgres.sh starts a local cluster).
# Arguments go to the benchmark program, e.g. `bench/run.sh audit --entries 50000` or `bench/run.sh all --rounds 5`;
# provisioning (not in "all", ~13 min for 10,000 VMs here): `bench/run.sh provision --vms 10000`, `bench/run.sh reads`;
# on PostgreSQL with replicas (issue 17): `bench/run.sh provision --replicas 3 [--vms 10000]` (1 replica, then 3, one database and one chain);
# the cost of a bearer token per request: `bench/run.sh auth`;
# tracing off and on (issue 18): `bench/run.sh tracing [--vms 1000] [--rounds 3] [--seconds 10]`;
# governance (issue 14): `bench/run.sh governance [--decisions 20]` (board decisions against direct grants);
# site agents (issue 13; not in "all"): `bench/run.sh agents [--agents 325] [--vms 10000]` (325 agents linked, restart,
# dispatch latency, 10,000 VMs through the agents against direct mode; e.g. `--agents 10 --vms 200` to try it).
# billing (issue 15; not in "all", ~12 min): `bench/run.sh billing [--parts rating,verify,run] [--tenants 1000]
# [--resources 100000] [--hours 6] [--verify-resources 1000] [--verify-hours 24] [--month-hours 720]` (rating 10M
# resource-hours, InvoiceVerifier.Verify for a day and a month, a billing run end to end, `sankofa billing verify`).
# hardware (issue 16; not in "all"): `bench/run.sh hardware [--components 20] [--events 30] [--assets 100000] [--requests 2000]
# [--concurrency 32]` (provenance over HTTP beside /healthz, `sankofa vm provenance --verify`, N assets registered with their
# first custody event through the API against the same registrations pre-signed straight to a fresh anvil; e.g. `--assets 2000` to try it,
# `--assets 0` to skip the registrations while iterating on provenance).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

"$root/scripts/node-packages.sh"
SANKOFA_BENCH_POSTGRES="$("$root/scripts/postgres.sh")" || { echo "could not start PostgreSQL" >&2; exit 1; }
export SANKOFA_BENCH_POSTGRES

out="$root/artifacts/bench"
"$root/scripts/publish-cli.sh" "$out/cli"
dotnet build "$root/bench/Sankofa.Bench/Sankofa.Bench.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly
export SANKOFA_BENCH_CLI="$out/cli/sankofa.dll"
export SANKOFA_BENCH_WORK="$out/work"
rm -rf "$SANKOFA_BENCH_WORK"
mkdir -p "$SANKOFA_BENCH_WORK"

{
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%FT%TZ)"
  dotnet "$root/bench/Sankofa.Bench/bin/Release/net10.0/Sankofa.Bench.dll" "${@:-all}"
} 2>&1 | tee "$out/results.txt"
