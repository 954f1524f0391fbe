#!/usr/bin/env bash
# `make run`: validates the sample configuration and runs the engine on it in the foreground
# (Ctrl-C or SIGTERM stops it cleanly). Send it the sample feed from another terminal:
#   build/release/engine/ferry send --mllp 127.0.0.1:2575 samples/hl7v2/*.hl7
set -euo pipefail
ferry=${1:-build/release/engine/ferry}
cd "$(dirname "$0")/.."
"$ferry" validate samples
echo "ferry: store samples/var/ferry.db, hospital stand-in writes to samples/out/hospital/" >&2
echo "ferry: send the sample feed with: $ferry send --mllp 127.0.0.1:2575 samples/hl7v2/*.hl7" >&2
exec "$ferry" run samples
