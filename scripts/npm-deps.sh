#!/usr/bin/env bash
# Installs the pinned npm packages the tests use (third-party HL7 peers, the FHIR validator),
# from each tests/*/npm/package-lock.json, only when they are missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
for lock in tests/*/npm/package-lock.json; do
  [ -f "$lock" ] || continue
  dir=$(dirname "$lock")
  stamp="$dir/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    echo "ferry: npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
