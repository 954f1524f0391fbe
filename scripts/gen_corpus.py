#!/usr/bin/python3
"""Writes a synthetic HL7 v2.5.1 ORU^R01 corpus for the parser benchmarks (bench/).

Why it exists: benchmark figures mean little on three hand-written samples, and real lab feeds
cannot leave a hospital. This script produces any number of realistic, entirely fictitious lab
result messages -- the same bytes for the same seed -- so that the C++ benchmark and the
python3-hl7 comparison (scripts/bench.sh) read identical input on every machine.

Each message is ~2.5-3.5 KB: MSH with the usual LRI fields, PID with repeating identifiers, names
and telecoms, PV1, ORC, OBR, 10-20 OBX of mixed value types (NM, ST, CWE, SN) with LOINC codes,
UCUM units, reference ranges and abnormal flags, NTE comments that carry the escape sequences
\\T\\ \\F\\ \\S\\ \\E\\, and SPM. Segments end in CR; messages follow one another with no framing.

Usage: gen_corpus.py [--count N] [--seed S] [--out FILE]
"""

import argparse
import datetime
import os
import random
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "bench", "corpus", "oru_100k.hl7")

# --- Fictitious people and places -------------------------------------------------------------
FAMILY = ["Testperson", "Samplename", "Example", "Placeholder", "Fictional", "Mockwell",
          "Demoson", "Synthia", "Proxley", "Dummett", "Trialworth", "Imaginary", "Notreal",
          "Pretendo", "Specimenov", "Fakhouri", "Lorempson", "Ipsumova", "Fixturez", "Stubbins"]
GIVEN_F = ["Adaline", "Beatrix", "Casey", "Dana", "Elin", "Freya", "Greta", "Hana", "Ines",
           "Juno", "Kira", "Lena", "Mira", "Nora", "Opal", "Pia"]
GIVEN_M = ["Bertram", "Cyrus", "Dorian", "Eli", "Felix", "Gideon", "Hugo", "Ivo", "Jasper",
           "Kai", "Leon", "Milo", "Nils", "Otto", "Piet", "Quinn"]
STREETS = ["Elm Street", "Oak Road", "Birch Lane", "Maple Avenue", "Cedar Court", "Pine Way",
           "Willow Drive", "Aspen Place", "Linden Row", "Hazel Terrace"]
CITIES = [("Springfield", "IL", "627"), ("Riverton", "WY", "825"), ("Lakeside", "CA", "920"),
          ("Fairview", "OR", "970"), ("Georgetown", "TX", "786"), ("Clinton", "MA", "015"),
          ("Franklin", "TN", "370"), ("Madison", "WI", "537")]
RACES = [("2106-3", "White"), ("2054-5", "Black or African American"), ("2028-9", "Asian"),
         ("2076-8", "Native Hawaiian or Other Pacific Islander"), ("2131-1", "Other Race")]
LANGUAGES = [("ENG", "English"), ("SPA", "Spanish"), ("VIE", "Vietnamese"), ("DEU", "German")]
DOCTORS = [("1234567893", "Rivera", "Marco"), ("2233445566", "Okafor", "Ngozi"),
           ("4455667788", "Nguyen", "Linh"), ("1098765432", "Lindqvist", "Sara"),
           ("1357924680", "Haddad", "Omar"), ("1928374650", "Kowalski", "Ewa")]
FACILITIES = [("CITYHOSP", "2.16.840.1.113883.3.9999.2"),
              ("NORTHCLINIC", "2.16.840.1.113883.3.9999.3"),
              ("LAKEMED", "2.16.840.1.113883.3.9999.4")]
LAB = ("NORTHLAB", "2.16.840.1.113883.3.9999.1", "99D9999999")

# --- Tests: real LOINC / SNOMED CT / UCUM codes (public code systems), LOINC short names ---
# (LOINC, short name, local code, unit, low, high, decimals)
# NM rows carry a numeric reference range; the other types pick from their own value lists.
NM_TESTS = [
    ("2345-7", "Glucose SerPl-mCnc", "GLU", "mg/dL", 70, 99, 0),
    ("2160-0", "Creat SerPl-mCnc", "CREA", "mg/dL", 0.6, 1.3, 2),
    ("3094-0", "BUN SerPl-mCnc", "BUN", "mg/dL", 7, 20, 0),
    ("2951-2", "Sodium SerPl-sCnc", "NA", "mmol/L", 136, 145, 0),
    ("2823-3", "Potassium SerPl-sCnc", "K", "mmol/L", 3.5, 5.1, 1),
    ("2075-0", "Chloride SerPl-sCnc", "CL", "mmol/L", 98, 107, 0),
    ("2028-9", "CO2 SerPl-sCnc", "CO2", "mmol/L", 22, 29, 0),
    ("17861-6", "Calcium SerPl-mCnc", "CA", "mg/dL", 8.6, 10.3, 1),
    ("2885-2", "Prot SerPl-mCnc", "TP", "g/dL", 6.0, 8.3, 1),
    ("1751-7", "Albumin SerPl-mCnc", "ALB", "g/dL", 3.5, 5.0, 1),
    ("1975-2", "Bilirub SerPl-mCnc", "TBIL", "mg/dL", 0.1, 1.2, 1),
    ("6768-6", "ALP SerPl-cCnc", "ALP", "U/L", 44, 147, 0),
    ("1742-6", "ALT SerPl-cCnc", "ALT", "U/L", 7, 56, 0),
    ("1920-8", "AST SerPl-cCnc", "AST", "U/L", 10, 40, 0),
    ("6690-2", "WBC # Bld Auto", "WBC", "10*3/uL", 4.5, 11.0, 1),
    ("789-8", "RBC # Bld Auto", "RBC", "10*6/uL", 4.2, 5.9, 2),
    ("718-7", "Hgb Bld-mCnc", "HGB", "g/dL", 12.0, 17.5, 1),
    ("4544-3", "Hct VFr Bld Auto", "HCT", "%", 36, 50, 1),
    ("777-3", "Platelet # Bld Auto", "PLT", "10*3/uL", 150, 400, 0),
    ("4548-4", "Hgb A1c MFr Bld", "HBA1C", "%", 4.0, 5.6, 1),
    ("2093-3", "Cholest SerPl-mCnc", "CHOL", "mg/dL", 125, 200, 0),
    ("2571-8", "Trigl SerPl-mCnc", "TRIG", "mg/dL", 40, 150, 0),
    ("3016-3", "TSH SerPl-aCnc", "TSH", "m[IU]/L", 0.4, 4.0, 2),
]
# (LOINC, name, local code, [(code, text, system), ...], index of the normal answer)
CWE_TESTS = [
    ("5778-6", "Color Ur", "UCOL",
     [("371244009", "Yellow", "SCT"), ("371251000", "Amber", "SCT"),
      ("371252007", "Red", "SCT")], 0),
    ("5767-9", "Appearance Ur", "UAPP",
     [("263707001", "Clear", "SCT"), ("263709003", "Cloudy", "SCT"),
      ("260361002", "Turbid", "SCT")], 0),
    ("94500-6", "SARS-CoV-2 RNA Resp Ql NAA+probe", "COVPCR",
     [("260415000", "Not detected", "SCT"), ("260373001", "Detected", "SCT")], 0),
    ("600-7", "Bacteria Bld Cult", "BCX",
     [("264868006", "No growth", "SCT"), ("3092008", "Staphylococcus aureus", "SCT"),
      ("112283007", "Escherichia coli", "SCT")], 0),
    ("5802-4", "Nitrite Ur Ql Strip", "UNO2",
     [("260385009", "Negative", "SCT"), ("10828004", "Positive", "SCT")], 0),
]
# (LOINC, name, local code, unit, [(comparator, number, separator, number2), ...])
SN_TESTS = [
    ("33914-3", "GFR/BSA.pred SerPl MDRD-ArVRat", "EGFR",
     "mL/min/{1.73_m2}", [(">", "60", "", ""), ("", "48", "", ""), ("", "35", "", "")]),
    ("5370-8", "S pyogenes Ab Titr Ser", "ASO", "{titer}",
     [("", "1", ":", "64"), ("", "1", ":", "128"), ("", "1", ":", "256")]),
    ("10839-9", "Troponin I SerPl-mCnc", "TROPI", "ng/mL",
     [("<", "0.01", "", ""), ("", "0.04", "", ""), ("", "0.52", "", "")]),
]
ST_TESTS = [
    ("8251-1", "Service cmnt XXX-Imp", "SVCCMT",
     ["Specimen received at room temperature", "Hemolysis may falsely elevate potassium",
      "Results verified by second technologist", "Recollection advised if clinically indicated"]),
    ("18771-6", "Micro Obs UrnS LM", "UMIC",
     ["Few epithelial cells", "Rare hyaline casts", "Moderate amorphous crystals"]),
]
# NTE texts; each holds delimiters written as escape sequences, as a sender must.
NOTES = [
    "Fasting specimen \\T\\ verified by tech \\F\\ 2nd draw",
    "Reference ranges apply to adults 18 \\S\\ 65 years; see lab handbook \\E\\ section 4",
    "Called to Dr. on ward 4W \\F\\ read back confirmed \\T\\ documented",
    "Result reviewed \\S\\ repeat in 3 months recommended \\E\\ no action needed",
    "Slight hemolysis \\T\\ lipemia noted; values \\F\\ flags may be affected",
]
PANELS = [("24323-8", "Comprehensive metabolic 2000 panel - Serum or Plasma", "CMP"),
          ("58410-2", "CBC panel - Blood by Automated count", "CBC"),
          ("24356-8", "Urinalysis complete panel - Urine", "UA"),
          ("57021-8", "CBC W Auto Differential panel - Blood", "CBCD")]
SPECIMENS = [("119297000", "Blood specimen"), ("122575003", "Urine specimen"),
             ("119364003", "Serum specimen"), ("258500001", "Nasopharyngeal swab")]


def ts(t):
    return t.strftime("%Y%m%d%H%M%S") + "-0500"


def format_number(value, decimals):
    return f"{value:.{decimals}f}" if decimals else str(int(round(value)))


class MessageWriter:
    """Builds one message at a time from a seeded random generator (no global state)."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.base = datetime.datetime(2026, 1, 5, 6, 0, 0)

    def patient(self, n):
        r = self.rng
        female = r.random() < 0.5
        given = r.choice(GIVEN_F if female else GIVEN_M)
        middle = r.choice("ABCDEFGHJKLMNPRSTW")
        family = r.choice(FAMILY)
        city, state, zip3 = r.choice(CITIES)
        fac, fac_oid = r.choice(FACILITIES)
        birth = datetime.date(1930, 1, 1) + datetime.timedelta(days=r.randrange(0, 33000))
        return {
            "mrn": f"MRN{400000 + n:07d}", "family": family, "given": given, "middle": middle,
            "sex": "F" if female else "M", "birth": birth.strftime("%Y%m%d"),
            "ssn": f"9{r.randrange(10, 99)}-{r.randrange(10, 99)}-{r.randrange(1000, 9999)}",
            "street": f"{r.randrange(1, 9999)} {r.choice(STREETS)}",
            "unit": f"Apt {r.randrange(1, 40)}" if r.random() < 0.3 else "",
            "city": city, "state": state, "zip": f"{zip3}{r.randrange(10, 99)}",
            "area": f"{r.randrange(201, 989)}", "phone": f"555{r.randrange(1000, 9999)}",
            "race": r.choice(RACES), "lang": r.choice(LANGUAGES), "fac": fac, "fac_oid": fac_oid,
        }

    def message(self, n):
        r = self.rng
        p = self.patient(n)
        t_collect = self.base + datetime.timedelta(minutes=7 * n + r.randrange(0, 6))
        t_result = t_collect + datetime.timedelta(minutes=r.randrange(30, 240))
        t_msg = t_result + datetime.timedelta(seconds=r.randrange(5, 90))
        doc = r.choice(DOCTORS)
        panel = r.choice(PANELS)
        spec = r.choice(SPECIMENS)
        lab, lab_oid, clia = LAB
        order = f"ORD-{700000 + n}"
        filler = f"LAB-{500000 + n}"
        prov = f"{doc[0]}^{doc[1]}^{doc[2]}^^^Dr^^^NPI"
        fac = p["fac"]
        segs = [
            f"MSH|^~\\&|{lab}^{lab_oid}^ISO|{lab}^{clia}^CLIA|HOSPRES|{fac}|{ts(t_msg)}"
            f"||ORU^R01^ORU_R01|NL-{n + 1:09d}|P|2.5.1|||AL|NE|USA|UNICODE UTF-8|||"
            f"LRI_Common_Component^^2.16.840.1.113883.9.16^ISO",
            f"PID|1||{p['mrn']}^^^{fac}&{p['fac_oid']}&ISO^MR~{p['ssn']}^^^USSSA^SS"
            f"~ACCT{n + 55000:07d}^^^{fac}&{p['fac_oid']}&ISO^AN"
            f"||{p['family']}^{p['given']}^{p['middle']}^^^^L~{p['family']}^{p['given'][0]}^^^^^A"
            f"||{p['birth']}|{p['sex']}||{p['race'][0]}^{p['race'][1]}^CDCREC"
            f"|{p['street']}^{p['unit']}^{p['city']}^{p['state']}^{p['zip']}^USA^H"
            f"||^PRN^PH^^1^{p['area']}^{p['phone']}~^NET^Internet^{p['given'].lower()}@example.org"
            f"||{p['lang'][0]}^{p['lang'][1]}^ISO6392|||ACCT{n + 55000:07d}^^^{fac}^AN",
            f"PV1|1|O|LAB^{r.randrange(100, 499)}^{r.choice('ABCD')}^{fac}||||{prov}|{prov}"
            f"|||||||||||V{n + 300000:08d}^^^{fac}^VN",
            f"ORC|RE|{order}^HOSPORD|{filler}^{lab}||CM||||{ts(t_collect)}|||{prov}"
            f"||^WPN^PH^^1^{p['area']}^5550100|||||||{fac} Laboratory^L",
            f"OBR|1|{order}^HOSPORD|{filler}^{lab}"
            f"|{panel[0]}^{panel[1]}^LN^{panel[2]}^{panel[2]} panel^L"
            f"|||{ts(t_collect)}|||||||||{prov}||||||{ts(t_result)}|||F",
        ]
        count = r.randrange(10, 21)
        for i in range(1, count + 1):
            segs.append(self.observation(i, t_collect, t_result))
        # Notes on the last observation; their text carries delimiters as escape sequences.
        segs.append(f"NTE|1|L|{r.choice(NOTES)}|RE^Remark^HL70364")
        segs.append(f"NTE|2|L|{r.choice(NOTES)}")
        t_received = t_collect + datetime.timedelta(minutes=20)
        segs.append(f"SPM|1|SP-{900000 + n}&{lab}^{filler}&{lab}||{spec[0]}^{spec[1]}^SCT"
                    f"|||||||||||||{ts(t_collect)}|{ts(t_received)}")
        return "\r".join(segs) + "\r"

    def observation(self, i, t_collect, t_result):
        r = self.rng
        roll = r.random()
        tail = f"|||F|||{ts(t_collect)}"
        if r.random() < 0.3:  # some senders add OBX-19, the date/time of the analysis
            tail += f"|||||{ts(t_result)}"
        if roll < 0.65:
            loinc, name, _, unit, low, high, dec = r.choice(NM_TESTS)
            span = high - low
            value = r.uniform(low - 0.4 * span, high + 0.4 * span)
            value = max(value, 0.01)
            flag = "L" if value < low else "H" if value > high else "N"
            if value > high + 0.35 * span:
                flag = "HH"
            rng_text = f"{format_number(low, dec)}-{format_number(high, dec)}"
            return (f"OBX|{i}|NM|{loinc}^{name}^LN||{format_number(value, dec)}|"
                    f"{unit}^^UCUM|{rng_text}|{flag}" + tail)
        if roll < 0.8:
            loinc, name, local, answers, normal = r.choice(CWE_TESTS)
            k = normal if r.random() < 0.75 else r.randrange(len(answers))
            code, text, system = answers[k]
            flag = "N" if k == normal else "A"
            return (f"OBX|{i}|CWE|{loinc}^{name}^LN^{local}^{local}^L||{code}^{text}^{system}"
                    f"|||{flag}" + tail)
        if roll < 0.92:
            loinc, name, _, unit, values = r.choice(SN_TESTS)
            cmp_, n1, sep, n2 = r.choice(values)
            flag = "N" if values.index((cmp_, n1, sep, n2)) == 0 else "A"
            return (f"OBX|{i}|SN|{loinc}^{name}^LN||{cmp_}^{n1}^{sep}^{n2}|"
                    f"{unit}^^UCUM||{flag}" + tail)
        loinc, name, _, texts = r.choice(ST_TESTS)
        return f"OBX|{i}|ST|{loinc}^{name}^LN||{r.choice(texts)}|||N" + tail


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="messages to write (100000)")
    parser.add_argument("--seed", type=int, default=20261120, help="random seed (20261120)")
    parser.add_argument("--out", default=DEFAULT_OUT, help=f"output file ({DEFAULT_OUT})")
    args = parser.parse_args()

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    writer = MessageWriter(args.seed)
    tmp = args.out + ".tmp"
    total = 0
    smallest, largest = sys.maxsize, 0
    with open(tmp, "w", encoding="ascii", newline="") as out:
        batch = []
        for n in range(args.count):
            text = writer.message(n)
            size = len(text)
            total += size
            smallest, largest = min(smallest, size), max(largest, size)
            batch.append(text)
            if len(batch) == 1000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))
    os.replace(tmp, args.out)  # a half-written corpus never looks finished
    mean = total / max(args.count, 1)
    print(f"wrote {args.count} messages, {total / 1e6:.1f} MB to {args.out} "
          f"(bytes per message: mean {mean:.0f}, min {smallest}, max {largest})", file=sys.stderr)


if __name__ == "__main__":
    main()
