#!/usr/bin/env bash
# `make run`: validates the sample configuration and runs the engine on it in the foreground
# (Ctrl-C or SIGTERM stops it cleanly). Send it the sample feed of the three flows from another
# terminal with scripts/send-sample-feed.sh (README: "The three sample flows").
set -euo pipefail
ferry=${1:-build/release/engine/ferry}
cd "$(dirname "$0")/.."
scripts/sample-certs.sh samples/var/tls   # the HTTPS stand-ins' demo certificates, made once
"$ferry" validate samples
"$ferry" test samples
echo "ferry: store samples/var/ferry.db; the stand-in receivers write to samples/out/"
echo "ferry: send the sample feed from another terminal with: scripts/send-sample-feed.sh $ferry"
exec "$ferry" run samples
