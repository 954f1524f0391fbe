#!/usr/bin/env bash
# Sends the sample feed of the three flows to an engine started with `make run`, then lists what
# the stand-in receivers wrote to samples/out/. Each step prints the ACK (MLLP) or the HTTP answer.
set -euo pipefail
ferry=${1:-build/release/engine/ferry}
cd "$(dirname "$0")/.."
step() { printf '\n== %s\n' "$*"; }

step "Lab: results with the lab's local codes -> LOINC -> hospital results system (MLLP 2575)"
"$ferry" send --mllp 127.0.0.1:2575 samples/hl7v2/oru_r01_local_codes.hl7
step "Lab: orders the other way, hospital -> lab (MLLP 2578)"
"$ferry" send --mllp 127.0.0.1:2578 samples/hl7v2/oml_o21_order.hl7
step "National reporting: a notifiable result (SARS-CoV-2 RNA detected) and one that is not"
"$ferry" send --mllp 127.0.0.1:2575 samples/hl7v2/oru_r01_reportable.hl7 samples/hl7v2/oru_r01_not_reportable.hl7
step "Insurer: an insured admission (ADT^A01 + IN1) -> claim XML over HTTPS (MLLP 2577)"
"$ferry" send --mllp 127.0.0.1:2577 samples/hl7v2/adt_a01_insured.hl7
step "Insurer: a FHIR Claim from the billing app -> claim XML (HTTP 8080)"
"$ferry" send --http http://127.0.0.1:8080/fhir samples/fhir/claim.json
sleep 2  # the claim reaches the insurer stand-in before its remittance comes back
step "Insurer: the remittance comes back and is linked to its claim (HTTP 8081)"
"$ferry" send --http http://127.0.0.1:8081/remittance samples/xml/remittance_clm_56010.xml
sleep 1
step "What the stand-in receivers got (samples/out/)"
find samples/out -type f | sort
