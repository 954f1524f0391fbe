#!/usr/bin/python3
"""Reads HL7 v2 values with python3-hl7, for python_hl7_interop_test.cpp.

Why it exists: Ferry's tokenizer should agree with an independent, widely used parser on where
every field, repetition, component and subcomponent begins and ends and on what its decoded
text is. The C++ test writes the paths it wants into a file; this script splits and parses the
HL7 file with python3-hl7 alone (no Ferry code) and prints the values as JSON.

Usage: read_fields.py HL7_FILE PATHS_FILE
  PATHS_FILE: one "MESSAGE_NUMBER<TAB>PATH" a line; MESSAGE_NUMBER is 1-based in file order
  (batch envelopes FHS/BHS/BTS/FTS are not messages), PATH is Ferry's syntax SEG[n]-F[r].C.S
  where a missing component or subcomponent means "the whole of it".
Output: {"messages": [{"segments": ["MSH", ...]}, ...], "values": [TEXT or null, ...]}
  with one value per path line, null when the element is not present.

The value rules, stated once so both sides can be judged against them:
  - python-hl7 builds Field -> Repetition -> Component -> str, but collapses a level to a plain
    str when its text holds no lower delimiter. Descending into a str treats it as its own
    only child, so "PID-8.1.1" of "F" is "F" and "PID-8.2" is absent.
  - A leaf (a str, or a container holding exactly one child that is a leaf) is decoded with
    python-hl7's own Message.unescape. MSH-1 and MSH-2 are never decoded (they hold the
    delimiters themselves).
  - A composite (a container with several children) is returned as python-hl7 writes it back,
    str(container): delimiters and escape sequences as on the wire.
  - Ferry's "PID-3" (no repetition, no component) means the first repetition, so that is what
    is read here too.
"""

import json
import re
import sys

import hl7
from hl7.containers import Container

PATH = re.compile(r"^([A-Z0-9]{3})(?:\[(\d+)\])?-(\d+)(?:\[(\d+)\])?(?:\.(\d+)(?:\.(\d+))?)?$")


def read_messages(file_name):
    with open(file_name, encoding="utf-8", newline="") as f:  # keep CRs as they are
        text = f.read()
    # python-hl7 separates segments by CR only.
    text = text.replace("\r\n", "\r").replace("\n", "\r")
    parsed = hl7.parse_file(text) if hl7.isfile(text) else hl7.parse_batch(text)
    if isinstance(parsed, hl7.File):
        return [message for batch in parsed for message in batch]
    return list(parsed)


def children(node):
    return list(node) if isinstance(node, Container) else [node]


def text_of(message, node, literal):
    if isinstance(node, Container) and len(node) == 1:
        return text_of(message, node[0], literal)
    if isinstance(node, Container):
        return str(node)
    return node if literal else message.unescape(node)


def value(message, path):
    match = PATH.match(path)
    if not match:
        raise ValueError(f"unsupported path {path!r}")
    seg_id, occurrence, field, repetition, component, subcomponent = match.groups()
    occurrence = int(occurrence or 1)
    field = int(field)
    repetition = int(repetition or 1)
    component = int(component or 0)
    subcomponent = int(subcomponent or 0)

    segments = [s for s in message if str(s[0]) == seg_id]
    if occurrence > len(segments):
        return None
    segment = segments[occurrence - 1]
    if field >= len(segment):  # segment[0] is the id, so field n is segment[n]
        return None
    literal = seg_id in ("MSH", "FHS", "BHS") and field in (1, 2)

    node = segment[field]
    for number in (repetition, component, subcomponent):
        if number == 0:
            break
        parts = children(node)
        if number > len(parts):
            return None
        node = parts[number - 1]
    return text_of(message, node, literal)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    messages = read_messages(sys.argv[1])
    values = []
    with open(sys.argv[2], encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            number, path = line.split("\t")
            number = int(number)
            values.append(value(messages[number - 1], path) if number <= len(messages) else None)
    json.dump({"messages": [{"segments": [str(s[0]) for s in m]} for m in messages],
               "values": values}, sys.stdout)


if __name__ == "__main__":
    main()
