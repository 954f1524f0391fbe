#!/usr/bin/python3
"""Prints one table from the C++ benchmark JSON and the python3-hl7 result JSON.

Why it exists: scripts/bench.sh runs two programs in two languages; this joins their figures
stage by stage, divides C++ by Python, checks the targets (>= 1 GB/s split + tokenize, >= 50x
python3-hl7) and names the machine and compiler, so a run can be pasted into
docs/performance.md as it is.

Usage: bench_summary.py CPP_JSON PYTHON_JSON [CMAKE_CACHE]
Units: MB and GB are decimal (10^6, 10^9 bytes); Google Benchmark's own console output uses
binary G/s (2^30), which reads about 7 % lower for the same speed.
"""

import json
import os
import platform
import re
import subprocess
import sys

# (label, C++ benchmark name, python stage name or None)
STAGES = [
    ("memchr '\\r' baseline", "BM_MemchrBaseline", None),
    ("split", "BM_Split", "split"),
    ("split + tokenize", "BM_SplitTokenize", "split_parse"),
    ("split + tokenize + 10 fields", "BM_SplitTokenizeRead10", "split_parse_read10"),
    # Ferry's full normalize compared with python3-hl7's parse alone: conservative for Ferry.
    ("split + tokenize + normalize", "BM_SplitTokenizeNormalize", "split_parse"),
    ("normalize + canonical JSON", "BM_SplitTokenizeNormalizeJson", "split_parse"),
]
TARGET_NORMALIZED_PER_SECOND = 200_000
TARGET_BYTES_PER_SECOND = 1e9
TARGET_RATIO = 50


def cpp_figures(path):
    """Median (or only) run of each benchmark: name -> (bytes/s, items/s)."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    figures = {}
    for b in data["benchmarks"]:
        name = b.get("run_name", b["name"])
        if b.get("error_occurred"):
            continue
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        if b.get("run_type") == "iteration" and name in figures:
            continue  # repetitions without aggregates: keep the first
        figures[name] = (b["bytes_per_second"], b["items_per_second"])
    return figures, data.get("context", {})


def machine_lines(context, cache_path):
    lines = []
    model = "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            match = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            model = match.group(1) if match else model
    except OSError:
        pass
    lines.append(f"CPU: {model}, {os.cpu_count()} logical cores, "
                 f"{context.get('mhz_per_cpu', '?')} MHz; {platform.system()} {platform.release()}")
    if cache_path and os.path.exists(cache_path):
        cache = {}
        with open(cache_path, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^([A-Z_]+):[A-Z]+=(.*)$", line.strip())
                if m:
                    cache[m.group(1)] = m.group(2)
        build_type = cache.get("CMAKE_BUILD_TYPE", "?")
        flags = (cache.get("CMAKE_CXX_FLAGS", "") + " " +
                 cache.get(f"CMAKE_CXX_FLAGS_{build_type.upper()}", "")).strip()
        compiler = cache.get("CMAKE_CXX_COMPILER", "?")
        try:
            version = subprocess.run([compiler, "--version"], capture_output=True, text=True,
                                     check=False).stdout.splitlines()[0]
        except (OSError, IndexError):
            version = "version unknown"
        # A profile-guided build (scripts/build-release.sh) runs faster than the same flags alone.
        pgo = cache.get("FERRY_PGO", "OFF")
        pgo_note = (", profile-guided (FERRY_PGO=USE)" if pgo == "USE"
                    else ", no profile (FERRY_PGO=OFF)")
        lines.append(f"Compiler: {compiler}, {version} "
                     f"({build_type}, flags: {flags or 'none'}, -std=c++20{pgo_note})")
    lines.append("Load average (1/5/15 min) at the end of the run: " +
                 " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return lines


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cpp, context = cpp_figures(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        py = json.load(f)
    cache = sys.argv[3] if len(sys.argv) > 3 else None

    print()
    for line in machine_lines(context, cache):
        print(line)
    print(f"Corpus: {py['corpus']} ({py['messages']} messages parsed by Python, "
          f"{py['bytes'] / 1e6:.1f} MB); python3-hl7 {py['hl7_version']} on Python {py['python']}")
    print()
    header = (f"| {'stage':<30} | {'C++ MB/s':>9} | {'C++ msg/s':>10} | {'% of memchr':>11} "
              f"| {'py MB/s':>8} | {'py msg/s':>9} | {'C++/py':>7} |")
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    baseline = cpp.get("BM_MemchrBaseline", (0, 0))[0]
    verdicts = []
    for label, cpp_name, py_name in STAGES:
        if cpp_name not in cpp:
            continue
        bps, ips = cpp[cpp_name]
        share = f"{100 * bps / baseline:.0f} %" if baseline else "-"
        py_mb = py_msg = ratio = "-"
        if py_name:
            stage = py["stages"][py_name]
            py_mb = f"{stage['bytes_per_second'] / 1e6:.2f}"
            py_msg = f"{stage['messages_per_second']:.0f}"
            ratio_value = bps / stage["bytes_per_second"]
            ratio = f"{ratio_value:.0f}x"
            if cpp_name == "BM_SplitTokenize":
                verdicts.append(("split + tokenize >= 50x python3-hl7", ratio_value >= TARGET_RATIO,
                                 f"{ratio_value:.0f}x"))
        if cpp_name == "BM_SplitTokenize":
            verdicts.append(("split + tokenize >= 1 GB/s", bps >= TARGET_BYTES_PER_SECOND,
                             f"{bps / 1e9:.2f} GB/s"))
        if cpp_name == "BM_SplitTokenizeNormalize":
            verdicts.append(("normalize >= 200,000 messages/s on one core",
                             ips >= TARGET_NORMALIZED_PER_SECOND, f"{ips:,.0f} messages/s"))
            if py_name:
                verdicts.append(("normalize >= 50x python3-hl7 parse", ratio_value >= TARGET_RATIO,
                                 f"{ratio_value:.0f}x"))
        print(f"| {label:<30} | {bps / 1e6:>9.0f} | {ips:>10.0f} | {share:>11} "
              f"| {py_mb:>8} | {py_msg:>9} | {ratio:>7} |")
    print()
    for text, ok, value in verdicts:
        print(f"target {text}: {'met' if ok else 'NOT met'} ({value})")


if __name__ == "__main__":
    main()
