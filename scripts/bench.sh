#!/usr/bin/env bash
# Measures the HL7 v2 codec against python3-hl7 on the same corpus, in the same run.
#
# Why it exists: `make bench` needs one command that produces comparable figures on any
# machine: it generates the synthetic corpus when it is missing, runs the Google Benchmark
# program (bench/hl7v2_bench.cpp), runs python3-hl7 over the same file
# (bench/python_hl7_bench.py), and prints a table with the C++/Python ratios
# (bench/bench_summary.py). Takes 2.5-3 minutes, most of it python3-hl7.
#
# Usage: scripts/bench.sh BUILD_DIR        (a Release build, e.g. build/release)
# Environment: FERRY_CORPUS (corpus file), FERRY_PY_LIMIT (parse only the first N messages in
# Python, for a quick look; the published figures use the whole corpus).
set -euo pipefail

build=${1:?usage: scripts/bench.sh BUILD_DIR}
cd "$(dirname "$0")/.."
build=$(cd "$build" && pwd)
python=/usr/bin/python3  # Debian's python3-hl7 is installed for this interpreter only

corpus=${FERRY_CORPUS:-bench/corpus/oru_100k.hl7}
if [[ ! -s $corpus ]]; then
  echo "generating $corpus" >&2
  "$python" scripts/gen_corpus.py --out "$corpus"
fi

bench=$build/bench/hl7v2_bench
if [[ ! -x $bench ]]; then
  echo "no $bench: build it first (cmake --build $build --target hl7v2_bench)" >&2
  exit 1
fi
if grep -q '^CMAKE_BUILD_TYPE:STRING=Debug' "$build/CMakeCache.txt" 2>/dev/null; then
  echo "warning: $build is a Debug build; figures will be far below Release" >&2
fi

# Other jobs on a 2-core machine halve the figures; say so rather than publish them silently.
read -r load _ </proc/loadavg
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
  echo "warning: load average is $load; other processes will distort the figures" >&2
fi

results=$build/bench-results
mkdir -p "$results"

# Three repetitions of at least 0.5 s each; the summary uses the median. One iteration is a
# full pass over the corpus (~0.2 s), so each repetition averages a few passes.
echo "== C++ (Google Benchmark)" >&2
FERRY_CORPUS=$corpus "$bench" \
  --benchmark_min_time=0.5 \
  --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true \
  --benchmark_out="$results/cpp.json" \
  --benchmark_out_format=json

echo "== python3-hl7 (same corpus; ~2-3 min)" >&2
limit=()
[[ -n ${FERRY_PY_LIMIT:-} ]] && limit=(--limit "$FERRY_PY_LIMIT")
"$python" bench/python_hl7_bench.py --corpus "$corpus" "${limit[@]}" --json "$results/python.json"

"$python" bench/bench_summary.py "$results/cpp.json" "$results/python.json" "$build/CMakeCache.txt"
