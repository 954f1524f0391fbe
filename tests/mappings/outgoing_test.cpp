// out('...') targets: edits of the outgoing v2 message, returned in the outcome and applied by
// applyOutgoing().

#include <gtest/gtest.h>

#include "tests/mappings/mapping_test_support.h"

namespace ferry::mappings::test {
namespace {

TEST(MappingOutgoing, OutTargetsBecomeEditsAndLeaveCanonicalAlone) {
  std::vector<LoadError> errors;
  auto mapping = compile(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "receiver", "set": "out('MSH-5')", "value": "'RESULTS'"},
      {"name": "pid", "copy": "patient.identifiers[0].value", "to": "out('PID-2')"},
      {"name": "ssn", "remove": "out('PID-19')"}]})J",
                         TableSet{}, errors);
  ASSERT_TRUE(mapping) << describeAll(errors);
  canonical::Message m = oruMessage();
  const canonical::Message before = m;
  const Outcome out = mapping->apply(m, {}, Environment::system());
  EXPECT_EQ(m, before);
  ASSERT_EQ(out.outgoing.size(), 3U);
  EXPECT_EQ(out.outgoing[0].path, "MSH-5");
  EXPECT_EQ(out.outgoing[0].value, "RESULTS");
  EXPECT_EQ(out.outgoing[1].value, "MRN448812");
  EXPECT_TRUE(out.outgoing[2].remove);
}

TEST(MappingOutgoing, ApplyOutgoingEditsTheV2Bytes) {
  auto message = hl7v2::Message::parse("MSH|^~\\&|LAB|NL|HOSPRES|CITY|20261120083015||ORU^R01|1|P|2.5.1\r"
                                       "PID|1||MRN1||Doe^Jane\r");
  ASSERT_TRUE(message);
  const auto problems = applyOutgoing(*message, {{"MSH-5", "RESULTS", false},
                                                 {"PID-5.2", "Mary & Ann", false},
                                                 {"PID-3", "", true},
                                                 {"PID-8", "F", false}});
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(message->bytes(),
            "MSH|^~\\&|LAB|NL|RESULTS|CITY|20261120083015||ORU^R01|1|P|2.5.1\r"
            "PID|1||||Doe^Mary \\T\\ Ann|||F\r");
}

TEST(MappingOutgoing, ApplyOutgoingReportsEditsItCannotMake) {
  auto message = hl7v2::Message::parse("MSH|^~\\&|LAB|NL|H|C|20261120||ORU^R01|1|P|2.5.1\r");
  ASSERT_TRUE(message);
  const auto problems = applyOutgoing(*message, {{"MSH-1", "#", false}, {"MSH-6", "X", false}});
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0], "out('MSH-1'): MSH-1 and MSH-2 hold the delimiters and cannot be set as values");
  EXPECT_EQ(message->get("MSH-6"), "X");
}

TEST(MappingOutgoing, EndToEndOnTheSampleMessage) {
  std::vector<LoadError> errors;
  auto mapping = compile(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "receiver", "set": "out('MSH-5')", "value": "upper('results')"}]})J",
                         TableSet{}, errors);
  ASSERT_TRUE(mapping);
  canonical::Message m = oruMessage();
  const Outcome out = mapping->apply(m, {}, Environment::system());
  auto written = hl7v2::Message::parse(oruText());
  ASSERT_TRUE(written);
  EXPECT_TRUE(applyOutgoing(*written, out.outgoing).empty());
  const std::string expected_msh =
      "MSH|^~\\&|NORTHLAB|NORTHLAB^2.16.840.1.113883.3.9999.1^ISO|RESULTS|CITYHOSP|";
  EXPECT_EQ(written->bytes().substr(0, expected_msh.size()), expected_msh);
}

}  // namespace
}  // namespace ferry::mappings::test
