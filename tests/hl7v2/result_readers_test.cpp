// The result and order readers (parsers/hl7v2/order_segments.cpp) take short cuts for the shapes
// a lab feed sends on every result. Each case here pins what the short cut must give: the same
// as the general path, for the usual shape and for the ones next to it.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "parsers/hl7v2/normalizer.h"
#include "parsers/terminology/concept_map.h"
#include "tests/support/normalized_stream.h"

using namespace ferry;

namespace result_readers_test {

// A report whose OBR-25 and OBX-11 are the given statuses, one result a status.
std::string reportWithStatuses(const std::string& order_status,
                               const std::vector<std::string>& result_statuses) {
  std::string m = "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261120083015-0500||ORU^R01|S-1|P|2.5.1\r"
                  "PID|1||MRN1^^^CITYHOSP^MR||Doe^Jane\r"
                  "OBR|1|ORD-1|LAB-1|2345-7^Glucose^LN|||||||||||||||||||||" +
                  order_status + "\r";
  int set_id = 1;
  for (const std::string& status : result_statuses) {
    m += "OBX|" + std::to_string(set_id++) + "|NM|2345-7^Glucose^LN||107|mg/dL^^UCUM|70-99|H|||" +
         status + "\r";
  }
  return m;
}

// The FHIR code of table for v2, as the concept map gives it; empty when it has none.
std::string mapped(std::string_view table, std::string_view v2) {
  if (v2.empty()) return {};
  const terminology::ConceptMapping* row = terminology::findFhir(table, v2);
  return row != nullptr ? std::string(row->fhir_code) : std::string();
}

}  // namespace result_readers_test

using ferry::test::expectEachEqualsFresh;
using result_readers_test::mapped;
using result_readers_test::reportWithStatuses;

TEST(ResultReaders, StatusesOfOneCharacterOrMoreMapAsTheTableSays) {
  const std::vector<std::string> statuses = {"F", "P", "C", "X", "A", "W", "D", "Z", "f", "",
                                             "FF", "\"\"", "F ", "~", "\x80"};
  for (const std::string& order_status : statuses) {
    SCOPED_TRACE("OBR-25 " + order_status);
    const auto parsed = hl7v2::Message::parse(reportWithStatuses(order_status, statuses));
    ASSERT_TRUE(parsed);
    const hl7v2::Normalized n = hl7v2::normalize(*parsed);
    ASSERT_EQ(n.message.orders.size(), 1u);
    const canonical::StatusCode& order = n.message.orders[0].result_status;
    EXPECT_EQ(order.fhir, mapped("0123", order.v2));
    ASSERT_EQ(n.message.observations.size(), statuses.size());
    for (std::size_t i = 0; i < statuses.size(); ++i) {
      const canonical::StatusCode& status = n.message.observations[i].status;
      EXPECT_EQ(status.fhir, mapped("0085", status.v2)) << "OBX-11 " << statuses[i];
    }
  }
  const auto parsed = hl7v2::Message::parse(reportWithStatuses("F", {"F", "X", "Z", "FF", ""}));
  ASSERT_TRUE(parsed);
  const hl7v2::Normalized n = hl7v2::normalize(*parsed);
  EXPECT_EQ(n.message.orders[0].result_status.fhir, "final");
  EXPECT_EQ(n.message.observations[0].status.fhir, "final");
  EXPECT_EQ(n.message.observations[1].status.fhir, "cancelled");
  EXPECT_EQ(n.message.observations[2].status.v2, "Z");
  EXPECT_EQ(n.message.observations[2].status.fhir, "");
  EXPECT_EQ(n.message.observations[3].status.fhir, "");
  EXPECT_EQ(n.message.observations[4].status.v2, "");
  EXPECT_EQ(n.message.observations[4].status.fhir, "");
}

TEST(ResultReaders, ValuesAsLongAsTheResultsBeforeReplaceThem) {
  // Set ids, value types, statuses and flags are copied over the result at the same position
  // when they are as long as its own: the same lengths with other bytes, shorter and longer.
  const std::string header = "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261120083015-0500||ORU^R01|S-1|P|2.5.1\r"
                             "OBR|1\r";
  const std::string first = header +
      "OBX|1|NM|2345-7^Glucose^LN||107|mg/dL^^UCUM|70-99|H|||F\r"
      "OBX|22|SN|777-3^Platelets^LN||^1^:^2|10*3/uL^^UCUM|150-400|LL|||P\r"
      "OBX|333|ST|8251-1^Comment^LN||abcdefghijklmnopq||||||C\r";
  const std::string second = header +
      "OBX|9|TS|2345-8^Glucosf^LM||20261120|mg/dM^^UCUM|71-98|L|||X\r"
      "OBX|98|NM|777-4^Plateletz^LN||5|10*3/uM^^UCUM|151-401|HH|||C\r"
      "OBX|3|ST|8251-2^Commenu^LN||bcdefghijklmnopqr||||||F\r";
  const std::string third = header +
      "OBX|12|CWE|2345-7^Glucose^LN||A^B^L||70-99|N|||FF\r"
      "OBX||NM|777-3^Platelets^LN||12345678901234567||||||\r";
  expectEachEqualsFresh({first, second, first, third, second, third, first});
}

TEST(ResultReaders, IdsNamesDecimalsAndRangesOfEveryLengthReplaceTheOnesBefore) {
  // MSH-10, CX.1, EI.1, given names, OBX-4, an NM decimal and OBX-7 are written over the values
  // of the message before, in line when as long: values of the same length with other bytes,
  // shorter, longer, empty, escaped and not UTF-8.
  const std::vector<std::string> values = {"1", "2", "12", "1234567890123456", "2234567890123456",
                                           "12345678901234567", "", "a\\T\\b", "\xE9t\xE9"};
  std::vector<std::string> stream;
  for (std::size_t i = 0; i < values.size() * 2; ++i) {
    const std::string& v = values[i % values.size()];
    const std::string& w = values[(i * 5 + 3) % values.size()];
    stream.push_back("MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261120083015-0500||ORU^R01|C" + v +
                     "|P|2.5.1\rPID|1||M" + w + "^^^HOSP^MR||Doe^" + v + "^" + w +
                     "\rORC|RE|O" + v + "^HOSP\rOBR|1\rOBX|1|NM|2345-7^Glucose^LN|" + w + "|" + v +
                     "|mg/dL^^UCUM|" + v + "-" + w + "|N|||F\r");
  }
  expectEachEqualsFresh(stream);
}

TEST(ResultReaders, OrdersOpenedByOrcOrByObrEmptyWhatTheOrderBeforeHad) {
  // An ORC writes or empties every member it has without openOrder emptying them first; an OBR
  // that opens its order itself empties them. Each order is written over one of the message
  // before that had other members: from ORC and OBR, from OBR alone, from ORC alone, and two
  // OBR under one ORC.
  const std::string header =
      "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261120083015-0500||ORU^R01|S-1|P|2.5.1\r"
      "PID|1||MRN1^^^CITYHOSP^MR||Doe^Jane\r";
  const std::string orc = "ORC|RE|ORD-1^HOSP|LAB-1^NORTHLAB||CM||||20261120060000|||"
                          "1234567893^Rivera^Marco^^^Dr^^^NPI\r";
  const std::string obr = "OBR|1|ORD-2^HOSP|LAB-2^NORTHLAB|2345-7^Glucose^LN||20261120050000|"
                          "20261120051500|||||||||1234567893^Rivera^Marco^^^Dr^^^NPI||||||"
                          "20261120074600|||F||||||123^Reason^L\r";
  const std::string bare_orc = "ORC|NW\r";
  const std::string bare_obr = "OBR|1\r";
  const std::string result = "OBX|1|NM|2345-7^Glucose^LN||107|mg/dL^^UCUM|70-99|H|||F\r";
  expectEachEqualsFresh({header + orc + obr + result, header + bare_obr + result,
                         header + orc + obr + obr + result, header + bare_orc + result,
                         header + obr + bare_orc + bare_obr + result, header + orc + bare_obr,
                         header + bare_obr + bare_obr, header + orc + obr + result});
}

namespace result_readers_test {

// The specimen identifier as SPM-2 means it, read through the general element API: the placer's
// id and namespace, else the filler's id as the namespace.
std::pair<std::string, std::string> specimenIdentifierAsWritten(const hl7v2::Message& message) {
  const hl7v2::Element eip = message.segment(message.findSegment("SPM")).field(2);
  const hl7v2::Element placer = eip.component(1);
  std::string system = placer.subcomponent(2).text();
  if (system.empty()) system = eip.component(2).subcomponent(1).text();
  return {placer.subcomponent(1).text(), system};
}

}  // namespace result_readers_test

TEST(ResultReaders, SpecimenIdentifiersOfEveryShapeReadAsTheirPieces) {
  // SPM-2's placer is cut in line (order_segments.cpp, secondSubcomponent): each shape must give
  // the pieces subcomponent() and component() give, streamed over each other.
  std::vector<std::string> stream;
  for (const std::string spm2 :
       {"SP-1&NORTHLAB^LAB-1&NORTHLAB", "SP-1^LAB-1&NORTHLAB", "SP-1&^LAB-1", "SP-1", "", "&NS",
        "SP-1&NS&ISO^LAB-1", "~", "SP-1~SP-2&NS", "^LAB-1&NS", "SP-1&&NS", "SP\\T\\1&N\\S\\S",
        "&", "&&", "^", "SP-1&NS~X^Y", "SP-1^", "SP-1&NS^"}) {
    const std::string bytes =
        "MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261120083015-0500||ORU^R01|S-1|P|2.5.1\r"
        "OBR|1\rSPM|1|" + spm2 + "||258500001^Nasopharyngeal swab^SCT\r";
    const auto message = hl7v2::Message::parse(bytes);
    ASSERT_TRUE(message);
    const hl7v2::Normalized n = hl7v2::normalize(*message);
    ASSERT_EQ(n.message.specimens.size(), 1u);
    const auto [value, system] = result_readers_test::specimenIdentifierAsWritten(*message);
    EXPECT_EQ(n.message.specimens[0].identifier.value, value) << spm2;
    EXPECT_EQ(n.message.specimens[0].identifier.system, system) << spm2;
    stream.push_back(bytes);
  }
  stream.push_back("MSH|^~\\&|LAB|NORTHLAB|RES|CITYHOSP|20261120083015-0500||ORU^R01|S-1|P|2.5.1\r"
                   "OBR|1\rSPM|1\r");
  expectEachEqualsFresh(stream);
}
