// The expression language: literals, paths over the canonical Message, comparisons, logic and
// membership, as an analyst writes them in "when", "accept"/"drop" and "value".

#include <gtest/gtest.h>

#include "tests/mappings/mapping_test_support.h"

namespace ferry::mappings::test {
namespace {

TEST(MappingExpression, StringLiteralsTakeSingleOrDoubleQuotes) {
  Evaluator eval;
  EXPECT_EQ(eval("'single'"), "single");
  EXPECT_EQ(eval("\"double\""), "double");
  EXPECT_EQ(eval("'it\\'s'"), "it's");
}

TEST(MappingExpression, NumbersPrintWithoutTrailingZeros) {
  Evaluator eval;
  EXPECT_EQ(eval("42"), "42");
  EXPECT_EQ(eval("8.25"), "8.25");
  EXPECT_EQ(eval("-3"), "-3");
}

TEST(MappingExpression, BooleansAndNull) {
  Evaluator eval;
  EXPECT_EQ(eval("true"), "true");
  EXPECT_EQ(eval("false"), "false");
  EXPECT_EQ(eval("null"), "");
  EXPECT_EQ(eval.condition("null"), "false");
}

TEST(MappingExpression, SnakeCasePathReadsCamelCaseMember) {
  Evaluator eval;
  EXPECT_EQ(eval("patient.birth_date"), "1972-03-14");
  EXPECT_EQ(eval("patient.birthDate"), "1972-03-14");
  EXPECT_EQ(eval("header.message_type"), "ORU");
  EXPECT_EQ(eval("header.message_datetime"), "2026-11-20T08:30:15-05:00");
}

TEST(MappingExpression, IndexIsZeroBased) {
  Evaluator eval;
  EXPECT_EQ(eval("patient.identifiers[0].value"), "MRN448812");
  EXPECT_EQ(eval("patient.identifiers[1].value"), "990-22-1234");
  EXPECT_EQ(eval("observations[1].code.codings[0].code"), "HBA1C");
}

TEST(MappingExpression, AnIndexBeyondAnyListIsALoadErrorNotUndefinedBehaviour) {
  // Found by the mapping_expression fuzzer: an index beyond uint32 was converted from a double
  // unchecked (undefined behaviour; clang's UBSan stops the process there).
  Evaluator eval;
  EXPECT_EQ(eval("patient.identifiers[88888888888888888888].value"),
            "LOAD: index 88888888888888888888 is too large (at most 9999) (rule 'probe')");
  EXPECT_EQ(eval("patient.identifiers[4294967295].value"), "LOAD: index 4294967295 is too large (at most 9999) (rule 'probe')");
  EXPECT_EQ(eval("patient.identifiers[9999].value"), "");
}

TEST(MappingExpression, NestingBeyond64LevelsIsALoadErrorNotAStackOverflow) {
  // Found by the mapping_expression fuzzer: 4 KB of '[' and '(' overflowed the stack of the
  // recursive parser (AddressSanitizer: stack-overflow) while loading the mapping.
  Evaluator eval;
  const auto nested = [](int levels) { return std::string(levels, '(') + "'a'" + std::string(levels, ')'); };
  EXPECT_EQ(eval(nested(63)), "a");
  const std::string refused =
      "LOAD: the expression nests deeper than 64 levels of parentheses, lists, calls and 'not' (rule 'probe')";
  EXPECT_EQ(eval(nested(64)), refused);
  EXPECT_EQ(eval(nested(100000)), refused);
  EXPECT_EQ(eval(std::string(100000, '[')), refused);
  EXPECT_EQ(eval("upper(" + nested(100000) + ")"), refused);
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "not ";
  EXPECT_EQ(eval.condition(nots + "true"), refused);
}

TEST(MappingExpression, MissingElementReadsEmpty) {
  Evaluator eval;
  EXPECT_EQ(eval("patient.identifiers[7].value"), "");
  EXPECT_EQ(eval("coverages[0].payer.name"), "");
  EXPECT_EQ(eval.condition("patient.identifiers[7].value == null"), "true");
}

TEST(MappingExpression, NumberMembersReadAsNumbers) {
  Evaluator eval;
  EXPECT_EQ(eval("observations[0].value.number"), "182");
  EXPECT_EQ(eval.condition("observations[0].value.number > 100"), "true");
  EXPECT_EQ(eval.condition("observations[0].value.number < 100"), "false");
  EXPECT_EQ(eval.condition("observations[0].reference_range.high == 99"), "true");
}

TEST(MappingExpression, WildcardComparisonIsTrueWhenAnyElementMatches) {
  Evaluator eval;
  EXPECT_EQ(eval.condition("observations[*].code.codings[0].code == 'HBA1C'"), "true");
  EXPECT_EQ(eval.condition("observations[*].code.codings[0].code == 'NOPE'"), "false");
  EXPECT_EQ(eval.condition("observations[*].value.number > 180"), "true");
}

TEST(MappingExpression, NotEqualOnASequenceMeansNoElementMatches) {
  Evaluator eval;
  EXPECT_EQ(eval.condition("observations[*].code.codings[0].code != 'HBA1C'"), "false");
  EXPECT_EQ(eval.condition("observations[*].code.codings[0].code != 'NOPE'"), "true");
}

TEST(MappingExpression, ListWithoutSelectorMeansAllElements) {
  Evaluator eval;
  EXPECT_EQ(eval("count(observations)"), "3");
  EXPECT_EQ(eval.condition("patient.identifiers.type == 'SS'"), "true");
}

TEST(MappingExpression, NumericTextComparesAsNumber) {
  Evaluator eval;
  EXPECT_EQ(eval.condition("observations[1].value.decimal == 8.1"), "true");
  EXPECT_EQ(eval.condition("'10' > 9"), "true");
  EXPECT_EQ(eval.condition("'10' > '9'"), "false");  // text against text compares as text
}

TEST(MappingExpression, TextOrderingSuitsIsoDates) {
  Evaluator eval;
  EXPECT_EQ(eval.condition("patient.birth_date < '1980-01-01'"), "true");
  EXPECT_EQ(eval.condition("patient.birth_date >= '1972-03-14'"), "true");
  EXPECT_EQ(eval.condition("patient.birth_date <= '1972-03-13'"), "false");
}

TEST(MappingExpression, AndOrNotWithParentheses) {
  Evaluator eval;
  EXPECT_EQ(eval.condition("patient.sex == 'female' and header.message_type == 'ORU'"), "true");
  EXPECT_EQ(eval.condition("patient.sex == 'male' or header.message_type == 'ORU'"), "true");
  EXPECT_EQ(eval.condition("not (patient.sex == 'female')"), "false");
  EXPECT_EQ(eval.condition("not patient.sex == 'male' and (false or true)"), "true");
}

TEST(MappingExpression, InListAndNotIn) {
  Evaluator eval;
  EXPECT_EQ(eval.condition("header.trigger_event in ['R01', 'R03']"), "true");
  EXPECT_EQ(eval.condition("header.trigger_event not in ['R01', 'R03']"), "false");
  EXPECT_EQ(eval.condition("patient.identifiers[*].value in ['TEST1', '990-22-1234']"), "true");
  EXPECT_EQ(eval.condition("patient.identifiers[*].value in []"), "false");
}

TEST(MappingExpression, DollarReachesTheMessageInsideForEach) {
  Evaluator eval;
  canonical::Message m = oruMessage();
  std::vector<LoadError> errors;
  auto mapping = compile(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "stamp", "for_each": "observations[*]",
       "set": "sub_id", "value": "concat($.header.control_id, '-', set_id)"}]})J",
                         TableSet{}, errors);
  ASSERT_TRUE(mapping) << describeAll(errors);
  mapping->apply(m, {}, Environment::system());
  EXPECT_EQ(m.observations[2].sub_id, "NL-000184211-3");
}

TEST(MappingExpression, ConditionOnTextIsTrueWhenNotEmpty) {
  Evaluator eval;
  EXPECT_EQ(eval.condition("patient.birth_date"), "true");
  EXPECT_EQ(eval.condition("patient.account_number.system"), "false");
}

}  // namespace
}  // namespace ferry::mappings::test
