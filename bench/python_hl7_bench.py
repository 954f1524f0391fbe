#!/usr/bin/python3
"""python3-hl7 on the benchmark corpus: the reference point for the C++ figures.

Why it exists: "fast" only means something next to a parser people already use. This script
does, with python3-hl7 (Debian package, run with /usr/bin/python3), the same work as
bench/hl7v2_bench.cpp on the same corpus file: split the stream into messages, parse every
message, and read the same ten typical fields (decoded). scripts/bench.sh runs it right after
the C++ benchmark and prints the ratios.

Loading the file is not timed (as in C++). The split is timed as one pass over the whole text;
parse and field reads are timed per message with perf_counter and summed, so one pass over the
corpus yields all three stages.

Usage: python_hl7_bench.py [--corpus FILE] [--limit N] [--json OUT]
"""

import argparse
import json
import os
import sys
import time

import hl7

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CORPUS = os.path.join(REPO, "bench", "corpus", "oru_100k.hl7")

# The ten fields of kTypicalPaths in hl7v2_bench.cpp, as python-hl7 extract_field arguments:
# (segment, occurrence, field, repetition, component, subcomponent). Ferry's "MSH-9.2" is
# ("MSH", 1, 9, 1, 2, 1). extract_field returns the decoded leaf, like Ferry's text().
TYPICAL_FIELDS = [
    ("MSH", 1, 9, 1, 2, 1),    # MSH-9.2   trigger event
    ("MSH", 1, 10, 1, 1, 1),   # MSH-10    message control id
    ("PID", 1, 3, 1, 1, 1),    # PID-3[1].1 medical record number
    ("PID", 1, 5, 1, 1, 1),    # PID-5.1   family name
    ("PID", 1, 7, 1, 1, 1),    # PID-7     birth date
    ("PID", 1, 8, 1, 1, 1),    # PID-8     administrative sex
    ("OBR", 1, 4, 1, 1, 1),    # OBR-4.1   panel code
    ("OBX", 10, 3, 1, 1, 1),   # OBX[10]-3.1 LOINC code of the 10th result
    ("OBX", 10, 5, 1, 1, 1),   # OBX[10]-5 value of the 10th result
    ("NTE", 1, 3, 1, 1, 1),    # NTE-3     comment, holds escape sequences
]


def split_messages(text):
    """Splits concatenated messages at each segment that starts with MSH.

    The corpus holds plain messages one after another with CR terminators (no MLLP, no
    batch envelope), so a message starts exactly where "\\rMSH|" occurs.
    """
    parts = text.split("\rMSH|")
    messages = [parts[0] + "\r"] if parts[0] else []
    messages.extend("MSH|" + p + "\r" for p in parts[1:])
    # The last part already ends in CR; drop the duplicate one added above.
    if messages and messages[-1].endswith("\r\r"):
        messages[-1] = messages[-1][:-1]
    return messages


def run(corpus, limit):
    with open(corpus, encoding="utf-8", newline="") as f:  # newline="" keeps the CRs
        text = f.read()

    start = time.perf_counter()
    messages = split_messages(text)
    split_seconds = time.perf_counter() - start
    if limit:
        # The rate is per message; a prefix keeps quick runs short. Bytes follow the prefix.
        split_seconds *= min(limit, len(messages)) / len(messages)
        messages = messages[:limit]

    parse_seconds = 0.0
    fields_seconds = 0.0
    value_chars = 0
    perf = time.perf_counter
    for m in messages:
        t0 = perf()
        parsed = hl7.parse(m)
        t1 = perf()
        for args in TYPICAL_FIELDS:
            value_chars += len(parsed.extract_field(*args))
        fields_seconds += perf() - t1
        parse_seconds += t1 - t0

    count = len(messages)
    size = sum(len(m) for m in messages)  # ASCII corpus: characters == bytes
    stages = {
        "split": split_seconds,
        "split_parse": split_seconds + parse_seconds,
        "split_parse_read10": split_seconds + parse_seconds + fields_seconds,
    }
    return {
        "corpus": corpus,
        "messages": count,
        "bytes": size,
        "python": sys.version.split()[0],
        "hl7_version": getattr(hl7, "__version__", "?"),
        "value_chars": value_chars,
        "stages": {
            name: {
                "seconds": seconds,
                "bytes_per_second": size / seconds,
                "messages_per_second": count / seconds,
            }
            for name, seconds in stages.items()
        },
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=os.environ.get("FERRY_CORPUS") or DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="parse only the first N messages")
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args()

    result = run(args.corpus, args.limit)
    for name, stage in result["stages"].items():
        print(f"python3-hl7 {result['hl7_version']} {name:<20} {stage['seconds']:8.2f} s "
              f"{stage['bytes_per_second'] / 1e6:9.2f} MB/s "
              f"{stage['messages_per_second']:11.0f} msg/s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(result, out, indent=2)


if __name__ == "__main__":
    main()
