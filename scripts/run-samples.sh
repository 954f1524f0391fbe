#!/usr/bin/env bash
# The main job until the engine exists: parse every sample message and print canonical JSON.
set -euo pipefail
ferry=${1:-build/release/engine/ferry}
cd "$(dirname "$0")/.."
status=0
for f in samples/hl7v2/*.hl7; do
  echo "# $f" >&2
  "$ferry" parse "$f" || status=1
done
exit $status
