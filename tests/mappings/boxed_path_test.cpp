// Rule paths through members the model keeps out of line (canonical::Boxed): they read and write
// as if the member were inline, and only a write allocates.

#include <gtest/gtest.h>

#include "tests/mappings/mapping_test_support.h"

namespace ferry::mappings::test {
namespace {

canonical::Message transformed(const std::string& transforms) {
  std::vector<LoadError> errors;
  auto mapping = compile(R"J({"name": "t", "version": "1", "transforms": )J" + transforms + "}", {}, errors);
  EXPECT_TRUE(mapping) << describeAll(errors);
  canonical::Message message = oruMessage();
  if (mapping) {
    const Outcome out = mapping->apply(message, {}, Environment::fixed("2026-11-20T13:30:15Z", 1));
    EXPECT_NE(out.kind, Outcome::Kind::Errored) << out.reason;
  }
  return message;
}

TEST(MappingBoxedPaths, AnEmptyBoxReadsAsAnEmptyMember) {
  const Evaluator eval;
  EXPECT_EQ(eval("observations[0].performer.name.family"), "");
  EXPECT_EQ(eval("observations[0].value.coded.codings[0].code"), "");
  EXPECT_EQ(eval.condition("exists(observations[0].value.structured_numeric.num1)"), "false");
  EXPECT_EQ(eval.condition("count(observations[*].value.coded.codings) == 0"), "true");
  EXPECT_EQ(eval("observations[2].value.text"), "Fasting specimen & verified by tech | 2nd draw");
}

TEST(MappingBoxedPaths, ReadingDoesNotAllocate) {
  const canonical::Message m = transformed(R"J([
      {"name": "read", "set": "encounter.location.bed", "value": "observations[0].performer.name.family"},
      {"name": "copy", "copy": "observations[1].performer", "to": "orders[0].ordering_provider"}])J");
  EXPECT_FALSE(m.observations[0].performer.has_value());
  EXPECT_FALSE(m.observations[1].performer.has_value());
  EXPECT_EQ(m.orders[0].ordering_provider, canonical::Practitioner{}) << "an empty box copies as an empty member";
}

TEST(MappingBoxedPaths, WritingThroughAnEmptyBoxCreatesIt) {
  const canonical::Message m = transformed(R"J([
      {"name": "coded", "set": "observations[0].value.coded.codings[0].code", "value": "'260373001'"},
      {"name": "observer", "for_each": "observations[*]", "set": "performer.name.family", "value": "'Rivera'"},
      {"name": "sn", "set": "observations[1].value.structured_numeric.comparator", "value": "'>'"},
      {"name": "date", "set": "observations[1].value.date_time", "value": "'2026-11-01'"}])J");
  EXPECT_EQ(m.observations[0].value.coded->codings.at(0).code, "260373001");
  for (const canonical::Observation& o : m.observations) EXPECT_EQ(o.performer->name.family, "Rivera");
  EXPECT_EQ(m.observations[1].value.structured_numeric->comparator, ">");
  EXPECT_EQ(*m.observations[1].value.date_time, "2026-11-01");
}

TEST(MappingBoxedPaths, CopyAndAppendReachIntoABox) {
  const canonical::Message m = transformed(R"J([
      {"name": "observer", "copy": "orders[0].ordering_provider", "to": "observations[2].performer"},
      {"name": "coded", "append": "observations[0].value.coded.codings",
       "value": {"system": "'http://snomed.info/sct'", "code": "'260373001'"}}])J");
  EXPECT_EQ(*m.observations[2].performer, m.orders[0].ordering_provider);
  ASSERT_EQ(m.observations[0].value.coded->codings.size(), 1u);
  EXPECT_EQ(m.observations[0].value.coded->codings[0].system, "http://snomed.info/sct");
}

TEST(MappingBoxedPaths, RemovingFromAnEmptyBoxLeavesItEmpty) {
  const canonical::Message m = transformed(R"J([
      {"name": "none", "do": [{"remove": "observations[0].performer"},
                              {"remove": "observations[*].value.coded.codings"},
                              {"remove": "observations[0].performer.name.family"}]},
      {"name": "text", "remove": "observations[2].value.text"}])J");
  EXPECT_FALSE(m.observations[0].performer.has_value());
  EXPECT_FALSE(m.observations[0].value.coded.has_value());
  EXPECT_EQ(*m.observations[2].value.text, "");
}

}  // namespace
}  // namespace ferry::mappings::test
