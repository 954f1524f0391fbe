// The composite memo (parsers/hl7v2/composite_memo.h) answers for coded fields a stream has read
// before. What it gives must be what reading the bytes again gives, whatever changed between
// the two messages: delimiters, character set, escapes, the level the bytes are read at.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parsers/hl7v2/composite_memo.h"
#include "parsers/hl7v2/normalizer.h"
#include "tests/support/normalized_stream.h"

using namespace ferry;
using ferry::test::expectEachEqualsFresh;

namespace {

// A result report with the given MSH-2 (delimiters), MSH-18 and segments after the header,
// whose own header, patient and order use the declared component separator.
std::string report(const std::string& msh2, const std::string& charset, const std::string& body) {
  const std::string c(1, msh2[0]);
  return "MSH|" + msh2 + "|LAB|NORTHLAB|RES|CITYHOSP|20261120083015-0500||ORU" + c +
         "R01|C-1|P|2.5.1|||AL|NE|USA|" + charset + "\rPID|1||MRN1" + c + c + c + "CITYHOSP" + c +
         "MR||Doe" + c + "Jane\rOBR|1|ORD-1" + c + "HOSP|LAB-1" + c + "NORTHLAB|24356-8" + c +
         "Urinalysis" + c + "LN\r" + body;
}

const std::string kMenu =
    "ORC|RE|ORD-1^HOSP|||CM||||20261120060000-0500|||1234567893^Rivera^Marco^^^Dr^^^NPI\r"
    "OBX|1|NM|2160-0^Creat SerPl-mCnc^LN^CREA^Creatinine^L||1.24|mg/dL^^UCUM|0.60-1.30|N|||F\r"
    "OBX|2|CWE|5802-4^Nitrite Ur Ql Strip^LN||260385009^Negative^SCT|||N|||F\r"
    "OBX|3|NM|2160-0^Creat SerPl-mCnc^LN^CREA^Creatinine^L||0.9|mg/dL^^UCUM|0.60-1.30|N|||F\r"
    "OBX|4|NM|777-3^Platelets^LN||250|10*3/uL^^UCUM|150-400|N|||F|||||"
    "1234567893^Rivera^Marco^^^Dr^^^NPI\r"
    "SPM|1|SP-1&NORTHLAB||258500001^Nasopharyngeal swab^SCT\r";

}  // namespace

TEST(CompositeMemo, RepeatedCodesGiveWhatReadingThemGives) {
  const std::string plain = report("^~\\&", "UNICODE UTF-8", kMenu);
  expectEachEqualsFresh({plain, plain, plain, plain});
}

TEST(CompositeMemo, OtherDelimitersSplitTheSameBytesAgain) {
  // The same bytes after a message with other delimiters: '^' is text where '*' separates
  // components, '~' text where '!' separates repetitions, '&' text where '#' separates
  // subcomponents.
  const std::string caret = report("^~\\&", "UNICODE UTF-8", kMenu +
      "OBX|4|NM|1^a&b~2^c&d^LN||1|x^y&z~w^UCUM||H~ZZ^x~L|||F\r");
  const std::string star = report("*~\\&", "UNICODE UTF-8", kMenu +
      "OBX|4|NM|1^a&b~2^c&d^LN||1|x^y&z~w^UCUM||H~ZZ^x~L|||F\r");
  const std::string bang = report("^!\\&", "UNICODE UTF-8", kMenu +
      "OBX|4|NM|1^a&b~2^c&d^LN||1|x^y&z~w^UCUM||H~ZZ^x~L|||F\r");
  const std::string hash = report("^~\\#", "UNICODE UTF-8", kMenu +
      "OBX|4|NM|1^a&b~2^c&d^LN||1|x^y&z~w^UCUM||H~ZZ^x~L|||F\r");
  const std::string truncation = report("^~\\&#", "UNICODE UTF-8", kMenu);
  expectEachEqualsFresh({caret, caret, star, star, caret, bang, caret, hash, truncation, caret});
}

TEST(CompositeMemo, ACharacterSetChangeReadsTheSameBytesAgain) {
  // A byte outside ASCII is text of the declared character set (or ISO 8859-1, with a warning
  // each message, when none is declared): it must be widened and warned about every time.
  const std::string latin1_body =
      "OBX|1|NM|2160-0^Cr\xe9" "at SerPl-mCnc^LN||1.24|\xb5g/dL^^UCUM|0.60-1.30|N|||F\r";
  const std::string declared = report("^~\\&", "8859/1", latin1_body + kMenu);
  const std::string undeclared = report("^~\\&", "", latin1_body + kMenu);
  const std::string utf8 = report("^~\\&", "UNICODE UTF-8", kMenu);
  const std::string ascii = report("^~\\&", "ASCII", kMenu);
  expectEachEqualsFresh({utf8, utf8, declared, declared, utf8, undeclared, undeclared, ascii,
                         declared, ascii, utf8});
}

TEST(CompositeMemo, EscapedAndNullValuesAreReadEveryTime) {
  const std::string plain = report("^~\\&", "UNICODE UTF-8", kMenu);
  const std::string escaped = report("^~\\&", "UNICODE UTF-8",
      "OBX|1|NM|2160-0^Creat\\S\\SerPl\\F\\mCnc^LN^CREA^Creatinine^L||1.24|mg\\T\\dL^^UCUM||N|||F\r"
      "OBX|2|CWE|5802-4^Nitrite \\X41\\ Ur\\E\\^LN||260385009^Neg\\R\\ative^SCT|||N|||F\r"
      "OBX|3|NM|\"\"||1|\"\"||N|||F\r"
      "OBX|4|NM|||1|||N\\S\\H~\"\"|||F\r"
      "OBX|5|NM|2160-0^^^^^^^^original text||1|^^UCUM~mg^^UCUM||N|||F\r"
      "OBX|6|NM|777-3^Platelets^LN||1||||||F|||||1234567893^Rivera\\S\\Marco^^^Dr^^^NPI\r" +
      kMenu);
  expectEachEqualsFresh({plain, plain, escaped, escaped, plain, escaped});
}

TEST(CompositeMemo, PlainValuesOfSegmentsThatNeedDecodingAreKeptToo) {
  // The comment of an NTE, a result's value or a byte outside ASCII make their segment one that
  // needs decoding; its other values read as written and may come from the memo, those that
  // hold an escape or bytes that are not UTF-8 never.
  const std::string body =
      "OBX|1|ST|2160-0^Creat SerPl-mCnc^LN||a \\T\\ b|mg/dL^^UCUM|0.60-1.30|N|||F|||||"
      "1234567893^Rivera^Marco^^^Dr^^^NPI\r"
      "NTE|1|L|Result reviewed \\S\\ repeat|RE^Remark^HL70364\r"
      "OBX|2|CWE|5802-4^Nitrite Ur Ql Strip^LN||260385009^Caf\xc3\xa9^SCT|||H~N|||F\r"
      "NTE|2|L|plain|RE^Rem\\T\\ark^HL70364\r"
      "OBX|3|NM|777-3^Platelets \xe9^LN||250|10*3/uL^^UCUM|150-400|N|||F\r"
      "NTE|3|L|caf\xc3\xa9 \\F\\|RE^Remark^HL70364\r";
  const std::string utf8 = report("^~\\&", "UNICODE UTF-8", body + kMenu);
  const std::string latin1 = report("^~\\&", "8859/1", body + kMenu);
  const std::string undeclared = report("^~\\&", "", body + kMenu);
  const std::string plain = report("^~\\&", "UNICODE UTF-8", kMenu);
  expectEachEqualsFresh({utf8, utf8, plain, utf8, latin1, latin1, utf8, undeclared, undeclared,
                         utf8});
}

TEST(CompositeMemo, RecalledTextsReplaceTextsOfEveryLength) {
  // A recalled text is copied over the result's in line when both have the same length: every
  // length from 0 to 17, over the same length, a shorter and a longer text.
  hl7v2::CompositeMemo memo;
  const hl7v2::EncodingCharacters standard;
  memo.prepare(standard, hl7v2::CharacterSet::Utf8);
  ASSERT_TRUE(memo.prepare(standard, hl7v2::CharacterSet::Utf8));
  for (std::size_t n = 0; n <= 17; ++n) {
    SCOPED_TRACE("length " + std::to_string(n));
    std::string text;
    for (std::size_t i = 0; i < n; ++i) text += static_cast<char>('a' + i);
    canonical::Coding kept{"http://loinc.org", text, text + "!"};
    const std::string raw = "code" + std::to_string(n) + "^^LN";
    memo.keep(raw, hl7v2::Element::Level::Field, kept);
    for (const std::size_t before : {n, n + 1, n == 0 ? 0 : n - 1}) {
      canonical::Coding out{"L", std::string(before, 'z'), std::string(before + 1, 'y')};
      ASSERT_TRUE(memo.recall(raw, hl7v2::Element::Level::Field, out));
      EXPECT_EQ(out, kept);
    }
    std::vector<canonical::Interpretation> flags_kept(1);
    flags_kept[0].v2 = text;
    flags_kept[0].fhir = kept;
    memo.keep("F" + raw, hl7v2::Element::Level::Field, flags_kept);
    std::vector<canonical::Interpretation> flags_out(1);
    flags_out[0].v2 = std::string(n, 'q');
    flags_out[0].fhir = {"L", std::string(n, 'z'), std::string(n + 1, 'y')};
    ASSERT_TRUE(memo.recall("F" + raw, hl7v2::Element::Level::Field, flags_out));
    EXPECT_EQ(flags_out, flags_kept);
  }
}

TEST(CompositeMemo, ARecalledPractitionerReplacesEveryMemberOfTheOneBefore) {
  // Copied member by member: over a practitioner with more, as many and fewer given names, and
  // members as long, longer and shorter (the in-line copy and the assignment).
  hl7v2::CompositeMemo memo;
  const hl7v2::EncodingCharacters standard;
  memo.prepare(standard, hl7v2::CharacterSet::Utf8);
  ASSERT_TRUE(memo.prepare(standard, hl7v2::CharacterSet::Utf8));
  canonical::Practitioner kept;
  kept.identifier = {"1234567893", "http://hl7.org/fhir/sid/us-npi", "NPI"};
  kept.name = {"Rivera", {"Marco", "A"}, "Dr", "Jr", "official"};
  const std::string raw = "1234567893^Rivera^Marco^A^Jr^Dr^^^NPI";
  memo.keep(raw, hl7v2::Element::Level::Repetition, kept);
  for (const std::size_t given : {0, 1, 2, 3}) {
    for (const std::size_t extra : {0, 1, 25}) {
      SCOPED_TRACE(std::to_string(given) + " given names, " + std::to_string(extra) + " more");
      canonical::Practitioner out;
      out.identifier = {std::string(10 + extra, '9'), std::string(extra, 's'), "MD"};
      out.name = {std::string(6, 'f'), std::vector<std::string>(given, std::string(5 + extra, 'g')),
                  std::string(2, 'p'), "", std::string(8 + extra, 'u')};
      ASSERT_TRUE(memo.recall(raw, hl7v2::Element::Level::Repetition, out));
      EXPECT_EQ(out, kept);
    }
  }
}

TEST(CompositeMemo, AnswersOnlyForTheBytesLevelAndDelimitersItKept) {
  hl7v2::CompositeMemo memo;
  const hl7v2::EncodingCharacters standard;
  EXPECT_FALSE(memo.prepare(standard, hl7v2::CharacterSet::Utf8));  // the first message: unused
  ASSERT_TRUE(memo.prepare(standard, hl7v2::CharacterSet::Utf8));

  canonical::CodeableConcept concept_read;
  concept_read.codings.push_back({"http://loinc.org", "2160-0", "Creat SerPl-mCnc"});
  concept_read.text = "creatinine";
  memo.keep("2160-0^Creat SerPl-mCnc^LN", hl7v2::Element::Level::Field, concept_read);
  canonical::Coding units_read{"http://unitsofmeasure.org", "mg/dL", ""};
  memo.keep("mg/dL^^UCUM", hl7v2::Element::Level::Field, units_read);

  canonical::CodeableConcept concept_recalled;
  ASSERT_TRUE(memo.recall("2160-0^Creat SerPl-mCnc^LN", hl7v2::Element::Level::Field,
                          concept_recalled));
  EXPECT_EQ(concept_recalled, concept_read);
  canonical::Coding units_recalled;
  ASSERT_TRUE(memo.recall("mg/dL^^UCUM", hl7v2::Element::Level::Field, units_recalled));
  EXPECT_EQ(units_recalled, units_read);

  EXPECT_FALSE(memo.recall("2160-0^Creat SerPl-mCnc^LN", hl7v2::Element::Level::Repetition,
                           concept_recalled));
  EXPECT_FALSE(memo.recall("2160-0^Creat SerPl-mCnc^L", hl7v2::Element::Level::Field,
                           concept_recalled));
  // Kept as units, not as a CWE.
  EXPECT_FALSE(memo.recall("mg/dL^^UCUM", hl7v2::Element::Level::Field, concept_recalled));
  const std::string longer(hl7v2::CompositeMemo::kMaxRawSize + 1, 'x');
  memo.keep(longer, hl7v2::Element::Level::Field, concept_read);
  EXPECT_FALSE(memo.recall(longer, hl7v2::Element::Level::Field, concept_recalled));

  canonical::Practitioner practitioner_read;
  practitioner_read.identifier = {"1234567893", "http://hl7.org/fhir/sid/us-npi", ""};
  practitioner_read.name.family = "Rivera";
  practitioner_read.name.given = {"Marco"};
  memo.keep("1234567893^Rivera^Marco^^^^^^NPI", hl7v2::Element::Level::Repetition,
            practitioner_read);
  canonical::Practitioner practitioner_recalled;
  ASSERT_TRUE(memo.recall("1234567893^Rivera^Marco^^^^^^NPI", hl7v2::Element::Level::Repetition,
                          practitioner_recalled));
  EXPECT_EQ(practitioner_recalled, practitioner_read);

  std::vector<canonical::Interpretation> flags_read(2);
  flags_read[0].v2 = "H";
  flags_read[0].fhir = {"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "H",
                        "High"};
  flags_read[1].v2 = "ZZ";
  memo.keep("H~ZZ", hl7v2::Element::Level::Field, flags_read);
  std::vector<canonical::Interpretation> flags_recalled(3);
  ASSERT_TRUE(memo.recall("H~ZZ", hl7v2::Element::Level::Field, flags_recalled));
  EXPECT_EQ(flags_recalled, flags_read);
  EXPECT_FALSE(memo.recall("H~Z", hl7v2::Element::Level::Field, flags_recalled));

  // The same delimiters and character set keep the entries; others drop them.
  ASSERT_TRUE(memo.prepare(standard, hl7v2::CharacterSet::Utf8));
  EXPECT_TRUE(memo.recall("mg/dL^^UCUM", hl7v2::Element::Level::Field, units_recalled));
  hl7v2::EncodingCharacters star;
  star.component = '*';
  ASSERT_TRUE(memo.prepare(star, hl7v2::CharacterSet::Utf8));
  EXPECT_FALSE(memo.recall("mg/dL^^UCUM", hl7v2::Element::Level::Field, units_recalled));
  EXPECT_FALSE(memo.recall("1234567893^Rivera^Marco^^^^^^NPI", hl7v2::Element::Level::Repetition,
                           practitioner_recalled));
  EXPECT_FALSE(memo.recall("H~ZZ", hl7v2::Element::Level::Field, flags_recalled));
  memo.keep("mg/dL^^UCUM", hl7v2::Element::Level::Field, units_read);
  ASSERT_TRUE(memo.prepare(star, hl7v2::CharacterSet::Ascii));
  EXPECT_FALSE(memo.recall("mg/dL^^UCUM", hl7v2::Element::Level::Field, units_recalled));

  // A copy starts empty, and unused again.
  memo.keep("mg/dL^^UCUM", hl7v2::Element::Level::Field, units_read);
  hl7v2::CompositeMemo copy(memo);
  EXPECT_FALSE(copy.prepare(star, hl7v2::CharacterSet::Ascii));
}
