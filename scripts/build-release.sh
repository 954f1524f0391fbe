#!/usr/bin/env bash
# `make build`: the release build, with profile-guided optimization (PGO).
#
# Why: the HL7 v2 reader is a long chain of small branches (which segment, which value type,
# escaped or not, memo hit or miss). Given a profile of a real run, GCC lays those branches out
# and inlines by how often each is taken; measured: 1.07-1.09x normalized messages a second on this
# project's benchmark (docs/performance.md, "Session 20").
#
# How: (1) an instrumented build of the codec benchmark in build/pgo-train; (2) it runs once over
# a synthetic ORU^R01 corpus made with a different seed from the benchmark's own corpus, so the
# published figures are not measured on the training input; (3) the release build compiles with
# the profile it wrote. Steps 1-2 add ~1 minute to a clean build and ~5 s to a rebuild.
# FERRY_PGO=OFF skips them and builds without a profile (e.g. for a compiler other than GCC).
#
# Usage: scripts/build-release.sh [BUILD_DIR]     (default build/release; JOBS=2 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
release=${1:-build/release}
jobs=${JOBS:-2}
pgo=${FERRY_PGO:-ON}

if [[ $pgo == OFF ]]; then
  cmake -S . -B "$release" -DCMAKE_BUILD_TYPE=Release -DFERRY_TESTS=OFF -DFERRY_PGO=OFF >/dev/null
  cmake --build "$release" -j"$jobs"
  exit 0
fi

train=build/pgo-train
profile=$PWD/build/pgo-profile
corpus=$train/train_oru_20k.hl7

echo "ferry: PGO step 1/3: instrumented build of the codec benchmark ($train)"
cmake -S . -B "$train" -DCMAKE_BUILD_TYPE=Release -DFERRY_TESTS=OFF -DFERRY_BENCH=ON \
  -DFERRY_PGO=GENERATE -DFERRY_PGO_DIR="$profile" >/dev/null
cmake --build "$train" -j"$jobs" --target hl7v2_bench

echo "ferry: PGO step 2/3: training run"
[[ -s $corpus ]] || python3 scripts/gen_corpus.py --count 20000 --seed 777 --out "$corpus"
# A fresh profile each time: counts from an older build of the code would not match it.
rm -rf "$profile"
if ! FERRY_CORPUS=$corpus "$train/bench/hl7v2_bench" --benchmark_min_time=0 \
    >"$train/training.log" 2>&1; then
  echo "ferry: the training run failed; see $train/training.log" >&2
  exit 1
fi

echo "ferry: PGO step 3/3: release build with the profile ($release)"
cmake -S . -B "$release" -DCMAKE_BUILD_TYPE=Release -DFERRY_TESTS=OFF \
  -DFERRY_PGO=USE -DFERRY_PGO_DIR="$profile" >/dev/null
cmake --build "$release" -j"$jobs"
