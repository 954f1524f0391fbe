// The patient's names, addresses and contact points are written over the ones at the same
// positions in the message before (person_datatypes.cpp): given names and street lines lists
// sized once, a use compared before it is written, a telephone number composed in place. A
// stream through one result must give what each message gives alone, whatever it held before.

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "parsers/hl7v2/normalizer.h"
#include "parsers/terminology/coding_systems.h"
#include "tests/support/normalized_stream.h"

using namespace ferry;

namespace person_datatypes_test {

const std::string kMsh = "MSH|^~\\&|A|B|C|D|20260101||ADT^A01|1|P|2.5.1\r";

// A PID with PID-5 names, PID-11 address, PID-13 home and PID-14 work contact points.
std::string pid(const std::string& names, const std::string& address, const std::string& home,
                const std::string& work) {
  return kMsh + "PID|1||MRN1||" + names + "|||F|||" + address + "||" + home + "|" + work + "\r";
}

// EIs (id ^ namespace) of every length from 1 to 40 bytes, the component separator at each
// place or at none, a second one or a repetition after it: the lengths where the reader cuts
// them from its masks (8 to 32 bytes) and either side.
std::vector<std::string> entityIdentifierShapes() {
  std::vector<std::string> shapes;
  for (std::size_t size = 1; size <= 40; ++size) {
    const std::string letters = std::string(size, 'A');
    shapes.push_back(letters);
    for (std::size_t at = 0; at < size; ++at) {
      std::string one = letters;
      one[at] = '^';
      shapes.push_back(one);
      for (const char after : {'^', '~', '&'}) {
        for (const std::size_t gap : {1u, 3u, 9u}) {
          if (at + gap >= size) continue;
          std::string two = one;
          two[at + gap] = after;
          shapes.push_back(two);
        }
      }
      std::string repeated = letters;
      repeated[at] = '~';
      shapes.push_back(repeated);
    }
  }
  return shapes;
}

}  // namespace person_datatypes_test

using person_datatypes_test::pid;

TEST(PersonDatatypes, NamesOfEveryShapeStreamedThroughOneResultEqualAFreshNormalization) {
  ferry::test::expectEachEqualsFresh({
      pid("Doe^Jane^Q^^^^L~Doe^J^^^^^A", "", "", ""),
      pid("Roe^Al^^^^^L~Roe^^B^^^^D", "", "", ""),   // given only, middle only
      pid("Roe^^^^^^L~Poe^Ann^Lee^Jr^Dr^^M", "", "", ""),  // none; both, a suffix and a prefix
      pid("Doe^Jane^Q^^^^X~Doe", "", "", ""),        // a use table 0200 does not hold, none
      pid("Moe^\\H\\^Zed^^^^L", "", "", ""),         // a given name that decodes to nothing
      pid("", "", "", ""),
      pid("Doe^Jane^Q^^^^L~Doe^J^^^^^A", "", "", ""),
  });
}

TEST(PersonDatatypes, AddressesOfEveryShapeStreamedThroughOneResultEqualAFreshNormalization) {
  ferry::test::expectEachEqualsFresh({
      pid("Doe", "1 Main St^Apt 2^Town^IL^62701^USA^H", "", ""),
      pid("Doe", "1 Main St^^Town^IL^62701^USA^B", "", ""),      // one line, another use
      pid("Doe", "^Apt 9^Town^^^^C", "", ""),                      // the second line alone
      pid("Doe", "\\H\\^Apt 9^City^^^^Q", "", ""),                 // a first line of nothing
      pid("Doe", "12 Long Street&Long Street&12^^Springfield^IL^62701^USA^H~^^Here", "", ""),
      pid("Doe", "", "", ""),
      pid("Doe", "1 Main St^Apt 2^Town^IL^62701^USA^H", "", ""),
  });
}

TEST(PersonDatatypes, ContactPointsOfEveryShapeStreamedThroughOneResultEqualAFreshNormalization) {
  const std::string phones = "^PRN^PH^^1^217^5550123~^NET^Internet^jane@example.org";
  ferry::test::expectEachEqualsFresh({
      pid("Doe", "", phones, "^WPN^PH^^1^217^5550199"),
      pid("Doe", "", "^PRN^PH^^1^217^5550124~^NET^Internet^j@example.org", "^WPN^PH^^1^217^55501"),
      // Not seven digits, with an extension; XTN.1 as the older versions write the number.
      pid("Doe", "", "^PRN^FX^^44^20^79460000^12", "(217)555-0123^PRS^CP"),
      // No use, a letter in the local number, an area code alone.
      pid("Doe", "", "^^PH^^^^5550123~^^^^^^555012a", "^ZZZ^BP^^^312"),
      // X.400 and Internet without an address, an extension alone.
      pid("Doe", "", "^PRN^X.400^x400@example.org~^ORN^Internet", "^^^^^^^42"),
      // Escapes: the segment is decoded value by value.
      pid("Doe", "", "^PRN^PH^^1^217^555\\T\\0123~^PRN^PH^^1^217^5550123", "\\H\\^WPN^PH"),
      // Bytes that are not UTF-8: read as ISO 8859-1, with one warning naming the first.
      pid("Doe", "", "^PRN^PH^^1^217^555\xE9" "012~^NET^Internet^j\xE9@example.org", "^WPN^P\xC3"),
      pid("Doe", "", "", ""),
      pid("Doe", "", phones, "^WPN^PH^^1^217^5550199"),
  });
}

TEST(PersonDatatypes, AContactPointWithoutAUseTakesItsFieldsDefault) {
  const auto read = ferry::test::normalizeAlone(
      pid("Doe", "", "^^PH^^1^217^5550123~^ZZZ^PH^^^^5550100",
          "^^PH^^1^217^5550199~^PRN^PH^^^^5550111"));
  const auto& telecom = read.message.patient.telecom;
  ASSERT_EQ(telecom.size(), 4u);
  EXPECT_EQ(telecom[0].use, "home");
  EXPECT_EQ(telecom[0].value, "+1 (217) 555-0123");
  EXPECT_EQ(telecom[0].system, "phone");
  EXPECT_EQ(telecom[1].use, "home");
  EXPECT_EQ(telecom[1].value, "555-0100");
  EXPECT_EQ(telecom[2].use, "work");
  EXPECT_EQ(telecom[3].use, "home");  // PRN maps, in PID-14 too
}

TEST(PersonDatatypes, EveryPatientClassGivesItsRowsSystem) {
  for (const auto& [v2, system, code] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"E", "http://terminology.hl7.org/CodeSystem/v3-ActCode", "EMER"},
           {"O", "http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"},
           {"R", "http://terminology.hl7.org/CodeSystem/v2-0004", "R"},
           {"U", "http://terminology.hl7.org/CodeSystem/v2-0004", "U"}}) {
    const auto read = ferry::test::normalizeAlone(
        person_datatypes_test::kMsh + "PID|1||MRN1||Doe\rPV1|1|" + v2 + "\r");
    EXPECT_EQ(read.message.encounter.class_code.system, system) << v2;
    EXPECT_EQ(read.message.encounter.class_code.code, code) << v2;
  }
  const auto unmapped = ferry::test::normalizeAlone(
      person_datatypes_test::kMsh + "PID|1||MRN1||Doe\rPV1|1|Z\r");
  EXPECT_TRUE(unmapped.message.encounter.class_code.system.empty());
}

TEST(PersonDatatypes, AWarningForTextThatIsNotUtf8NamesTheFirstPartOfANumberThatHasSome) {
  // XTN.6, XTN.7 and XTN.8 hold bytes that are not UTF-8: the parts are decoded in order.
  const std::string bytes = pid("Doe", "", "^PRN^PH^^1^2\xE9" "7^555\xE9" "123^4\xE9", "");
  const auto read = ferry::test::normalizeAlone(bytes);
  ASSERT_EQ(read.warnings.size(), 1u);
  EXPECT_EQ(read.warnings[0].offset, bytes.find("^2\xE9") + 1);
}

TEST(PersonDatatypes, AnEntityIdentifierOfEveryShapeIsItsFirstTwoComponents) {
  // What Pieces gives for the field (ORC-2, read as its first repetition) is what the reader
  // must give: EI.1 as the value, EI.2 (as written, "&" and all) as the authority.
  for (const std::string& ei : person_datatypes_test::entityIdentifierShapes()) {
    const std::string bytes = "MSH|^~\\&|A|B|C|D|20260101||ORM^O01|1|P|2.5.1\rPID|1||MRN1||Doe\r"
                              "ORC|NW|" + ei + "\r";
    const auto message = ferry::hl7v2::Message::parse(bytes);
    ASSERT_TRUE(message) << ei;
    const ferry::hl7v2::Pieces parts(message->segment(2).field(2));
    const auto read = ferry::hl7v2::normalize(*message);
    ASSERT_EQ(read.message.orders.size(), 1u) << ei;
    const auto& id = read.message.orders[0].placer_order_number;
    EXPECT_EQ(id.value, parts[1].raw()) << ei;
    EXPECT_EQ(id.system, ferry::terminology::identifierSystemUri(parts[2].raw())) << ei;
    EXPECT_TRUE(id.type.empty()) << ei;
  }
}

TEST(PersonDatatypes, RepetitionsAreSplitAsRepetitionsOfEveryShapeAre) {
  // PID-3, PID-5, PID-11 and PID-13 are split into components in the pass that finds their
  // repetitions: empty ones, a trailing separator, and one of more components than Pieces keeps.
  const std::string many(30, '^');
  const auto read = ferry::test::normalizeAlone(
      person_datatypes_test::kMsh + "PID|1||~ID1^^^A&1.2&ISO^MR~~ID2^^^B^SS" + many +
      "x~ID3^^^C^AN~||" +
      "~Doe^Jane^Q^^^^L~~Roe" + many + "~||||||~1 Main St^^Town^IL" + many + "^H~~^^City~||" +
      "~^PRN^PH^^1^217^5550123" + many + "~~^NET^Internet^j@example.org~\r");
  const auto& patient = read.message.patient;
  std::vector<std::tuple<std::string, std::string, std::string>> identifiers;
  for (const auto& id : patient.identifiers) identifiers.emplace_back(id.value, id.system, id.type);
  EXPECT_EQ(identifiers, (decltype(identifiers){
                             {"ID1", "A", "MR"}, {"ID2", "B", "SS"}, {"ID3", "C", "AN"}}));
  ASSERT_EQ(patient.names.size(), 2u);
  EXPECT_EQ(patient.names[0].family, "Doe");
  EXPECT_EQ(patient.names[0].use, "official");
  EXPECT_EQ(patient.names[1].family, "Roe");
  ASSERT_EQ(patient.addresses.size(), 2u);
  EXPECT_EQ(patient.addresses[0].city, "Town");
  EXPECT_TRUE(patient.addresses[0].use.empty());  // XAD.7 is past the many separators
  EXPECT_EQ(patient.addresses[1].city, "City");
  ASSERT_EQ(patient.telecom.size(), 2u);
  EXPECT_EQ(patient.telecom[0].value, "+1 (217) 555-0123");
  EXPECT_EQ(patient.telecom[1].value, "j@example.org");
  ferry::test::expectEachEqualsFresh({
      person_datatypes_test::kMsh + "PID|1||ID1^^^A^MR~ID2" + many + "SS~ID3||Doe~Roe\r",
      person_datatypes_test::kMsh + "PID|1||~~||~\r",
      person_datatypes_test::kMsh + "PID|1||ID1" + many + "~" + many + "ID2^^^^MR\r",
  });
}

TEST(PersonDatatypes, AccountAndVisitNumbersAreWrittenOverOrEmptiedForEveryMessage) {
  // PID-18 and PV1-19 are written over the numbers of the message before; a message without a
  // PID or a PV1, or one not read at all, has none.
  const std::string& adt = person_datatypes_test::kMsh;
  const std::string oru = "MSH|^~\\&|A|B|C|D|20260101||ORU^R01|1|P|2.5.1\r";
  const std::string unsupported = "MSH|^~\\&|A|B|C|D|20260101||ZZZ^Z01|1|P|2.5.1\r";
  // A PID whose PID-18 is account, a PV1 whose PV1-19 is visit.
  const auto pid = [](const std::string& account) {
    return "PID|1||MRN1||Doe" + std::string(13, '|') + account + "\r";
  };
  const auto pv1 = [](const std::string& visit) {
    return "PV1|1|O" + std::string(17, '|') + visit + "\r";
  };
  ferry::test::expectEachEqualsFresh({
      adt + pid("ACCT1^^^H^AN") + pv1("V1^^^H^VN"),
      adt + pid("ACCT2^^^H^AN") + pv1("V2^^^H^VN"),
      oru + "OBR|1\rOBX|1|NM|1^A^LN||1\r",
      adt + pid("ACCT3^^^H^AN") + pv1("V3"),
      adt + pv1("V4^^^H^VN"),
      adt + pid("ACCT5") + "PV1|1|O\r",
      unsupported + pid("ACCT6"),
      adt + pid("ACCT7^^^H^AN") + pv1("V7^^^H^VN"),
      unsupported + pid("ACCT8"),
  });
  const auto read = ferry::test::normalizeAlone(adt + pid("ACCT1^^^H^AN") + pid("ACCT2"));
  EXPECT_EQ(read.message.patient.account_number.value, "ACCT2");  // the second PID's
  EXPECT_TRUE(read.message.patient.account_number.system.empty());
  EXPECT_EQ(read.message.encounter.visit_number, ferry::canonical::Identifier{});
  // A message nothing was parsed into, normalized into a result that had both.
  auto reused = ferry::test::normalizeAlone(adt + pid("ACCT1^^^H^AN") + pv1("V1^^^H^VN"));
  ASSERT_EQ(reused.message.encounter.visit_number.value, "V1");
  ferry::hl7v2::normalize(ferry::hl7v2::Message(), reused);
  EXPECT_EQ(reused.message, ferry::hl7v2::normalize(ferry::hl7v2::Message()).message);
}

TEST(PersonDatatypes, TheEncounterIsWrittenOverByTheFirstPv1AndAppendedToByALaterOne) {
  const std::string& adt = person_datatypes_test::kMsh;
  const std::string pid = "PID|1||MRN1||Doe\r";
  // PV1-3, PV1-19, PV1-44 and PV1-45.
  const std::string visit = "PV1|1|O|LAB^288^C^NORTH&1.2&ISO" + std::string(16, '|') +
                            "V1^^^H^VN" + std::string(25, '|') + "20260102|20260103\r";
  ferry::test::expectEachEqualsFresh({
      adt + pid + visit,
      adt + pid + "PV1|1|I|WARD^12^A^SOUTH\r",
      adt + pid + "PV1|1|Z|^^^\r",                       // a class table 0004 does not hold
      adt + pid + "PV1|1|O|LAB^288^C^NORTH\rPV1|2|I|WARD^1^^\r",  // a second PV1 appends
      adt + pid,
      adt + pid + "PV1|1||L\\T\\B^2\\F\\8\r",                // values decoded
      adt + pid + "PV1|1|E|ER^1^B^EAST\r",
      "MSH|^~\\&|A|B|C|D|20260101||ZZZ^Z01|1|P|2.5.1\r" + pid + "PV1|1|O|LAB\r",
      adt + pid + visit,
  });
  const auto twice = ferry::test::normalizeAlone(
      adt + pid + "PV1|1|O|LAB^288^C^NORTH\rPV1|2|I|WARD^1^^\r");
  const auto& encounter = twice.message.encounter;
  EXPECT_EQ(encounter.patient_class, "OI");
  EXPECT_EQ(encounter.class_code.code, "AMB");  // the first's: "OI" is not a class
  EXPECT_EQ(encounter.location.point_of_care, "LABWARD");
  EXPECT_EQ(encounter.location.facility, "NORTH");
  const auto dated = ferry::test::normalizeAlone(
      adt + pid + visit);
  EXPECT_EQ(dated.message.encounter.visit_number.value, "V1");
  EXPECT_EQ(dated.message.encounter.admit_time, "2026-01-02");
  EXPECT_EQ(dated.message.encounter.discharge_time, "2026-01-03");
}

TEST(PersonDatatypes, TheLanguageIsWrittenOverByTheFirstPidAndKeptByALaterOneWithout) {
  const std::string& adt = person_datatypes_test::kMsh;
  // A PID whose PID-15 is language.
  const auto pid = [](const std::string& language) {
    return "PID|1||MRN1||Doe" + std::string(10, '|') + language + "\r";
  };
  ferry::test::expectEachEqualsFresh({
      adt + pid("VIE^Vietnamese^ISO6392"),
      adt + pid("SPA^Spanish^ISO6392"),
      adt + pid(""),
      adt + pid("VIE^Vietnamese^ISO6392~ENG"),
      adt + pid("^^^en^English^ISO6391^^^Plain English"),
      "MSH|^~\\&|A|B|C|D|20260101||ZZZ^Z01|1|P|2.5.1\r" + pid("VIE"),
      adt + pid("VIE^Vietnamese^ISO6392") + pid(""),
      adt + "PV1|1|O\r",
      adt + pid("VIE^Vietnamese^ISO6392"),
  });
  const auto twice = ferry::test::normalizeAlone(adt + pid("VIE^Vietnamese^ISO6392") + pid(""));
  ASSERT_EQ(twice.message.patient.language.codings.size(), 1u);  // the first PID's
  EXPECT_EQ(twice.message.patient.language.codings[0].code, "VIE");
}

TEST(PersonDatatypes, BirthDateAndMaritalStatusAreWrittenOverOrEmptiedForEveryMessage) {
  const std::string& adt = person_datatypes_test::kMsh;
  // A PID whose PID-7 is birth and PID-16 marital.
  const auto pid = [](const std::string& birth, const std::string& marital) {
    return "PID|1||MRN1||Doe||" + birth + std::string(9, '|') + marital + "\r";
  };
  ferry::test::expectEachEqualsFresh({
      adt + pid("19490116", "M^Married^HL70002"),
      adt + pid("19730719", "S^Single^HL70002"),
      adt + pid("", ""),
      adt + pid("2007041", "M"),                       // not a date: a warning
      adt + pid("19490116", "M^Married^HL70002") + pid("", "S"),
      adt + "PV1|1|O\r",
      "MSH|^~\\&|A|B|C|D|20260101||ZZZ^Z01|1|P|2.5.1\r" + pid("19490116", "M"),
      adt + pid("19490116", "M^Married^HL70002"),
  });
  const auto read = ferry::test::normalizeAlone(adt + pid("19490116", "M^Married^HL70002"));
  EXPECT_EQ(read.message.patient.birth_date, "1949-01-16");
  EXPECT_EQ(read.message.patient.marital_status.code, "M");
}
