#!/usr/bin/env bash
# Coverage-guided fuzzing of Ferry's parsers with libFuzzer (docs/fuzzing.md).
#
#   scripts/fuzz.sh                    every target, 180 s each
#   scripts/fuzz.sh hl7v2_message 600  one target for 600 s
#   scripts/fuzz.sh list               the targets
#
# Builds build/fuzz (clang, -DFERRY_FUZZ=ON, ASan + UBSan), then runs one fuzzer process at a
# time under nice: the machine has two cores and is shared. New inputs go to build/fuzz/corpus/
# TARGET (the checked-in seeds of tests/fuzz/corpus/TARGET are read too, never written); a crash,
# leak, timeout or broken invariant is saved as build/fuzz/artifacts/TARGET/crash-* (or leak-,
# timeout-, oom-). Replay one in a normal test build with
#   build/test/tests/fuzz/fuzz_replay TARGET FILE
# Environment: FUZZ_MAX_LEN (bytes of an input, default 65536), FUZZ_EXTRA (more libFuzzer
# options, e.g. "-len_control=0" to try long inputs from the start), JOBS (build jobs, default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(hl7v2_message hl7v2_splitter hl7v2_path fhir_read xml_read mllp_frames
         mapping_expression mapping_rules config_load)
target=${1:-all}
seconds=${2:-180}
if [ "$target" = list ]; then
  printf '%s\n' "${targets[@]}"
  exit 0
fi
if [ "$target" != all ] && [[ ! " ${targets[*]} " =~ " $target " ]]; then
  echo "fuzz.sh: no target '$target' (scripts/fuzz.sh list)" >&2
  exit 2
fi
[ "$target" = all ] || targets=("$target")

# libFuzzer ships with clang; GCC has no equivalent.
if ! command -v clang++ >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "fuzz.sh: clang is missing: run as root to install it (apt-get install -y clang)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq clang
fi

build=build/fuzz
nice -n 10 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DFERRY_FUZZ=ON -DFERRY_TESTS=OFF -DFERRY_BENCH=OFF >/dev/null
nice -n 10 cmake --build "$build" -j"${JOBS:-2}" --target "${targets[@]/#/fuzz_}"

dictionary() {
  case "$1" in
    hl7v2_*|mllp_*) echo "-dict=tests/fuzz/hl7v2.dict" ;;
    mapping_*) echo "-dict=tests/fuzz/mapping.dict" ;;
  esac
}

status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t" "$build/artifacts/$t"
  echo "fuzz.sh: $t for ${seconds} s"
  # The whole log goes to build/fuzz/TARGET.log; the terminal gets the start, the end, the
  # final stats and any report.
  set +e
  # shellcheck disable=SC2046,SC2086  # the dictionary and FUZZ_EXTRA split into options
  nice -n 10 "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -max_len="${FUZZ_MAX_LEN:-65536}" -print_final_stats=1 -artifact_prefix="$build/artifacts/$t/" \
    $(dictionary "$t") ${FUZZ_EXTRA:-} "$build/corpus/$t" "tests/fuzz/corpus/$t" >"$build/$t.log" 2>&1
  rc=$?
  set -e
  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|ERROR|SUMMARY|invariant failed|Test unit written' "$build/$t.log" || true
  [ "$rc" -eq 0 ] || { echo "fuzz.sh: $t stopped with status $rc (see $build/$t.log)"; status=1; }
done
exit $status
