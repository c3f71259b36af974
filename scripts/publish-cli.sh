#!/usr/bin/env bash
# Publishes the sankofa CLI into the directory given (Release, framework-dependent) with its assemblies precompiled
# (ReadyToRun): a command such as `sankofa billing verify` then spends its time verifying rather than compiling its own
# code at start (about 0.1 s of a month's invoice verification here; docs/benchmarks.md). `./sankofa` and bench/run.sh
# both use it, so what is measured is what runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: scripts/publish-cli.sh OUTPUT_DIRECTORY}"
case "$(uname -m)" in
  x86_64 | amd64) rid=linux-x64 ;;
  aarch64 | arm64) rid=linux-arm64 ;;
  *) echo "No ReadyToRun runtime identifier for $(uname -m)" >&2; exit 1 ;;
esac
dotnet publish "$root/src/Sankofa.Cli/Sankofa.Cli.csproj" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
  -o "$out" -v quiet -nologo -clp:ErrorsOnly >&2
