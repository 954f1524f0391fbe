// The built-in functions, one behaviour a test.

#include <gtest/gtest.h>

#include <regex>

#include "tests/mappings/mapping_test_support.h"

namespace ferry::mappings::test {
namespace {

std::shared_ptr<const CodeTable> table(const std::string& name, const std::string& csv,
                                       const std::string* sidecar = nullptr) {
  std::vector<LoadError> errors;
  auto t = CodeTable::parse(name, csv, "tables/" + name + ".csv", sidecar,
                            "tables/" + name + ".json", errors);
  EXPECT_TRUE(t) << describeAll(errors);
  return t;
}

Evaluator withLabTable() {
  Evaluator eval;
  eval.tables.add(table("lab-loinc", "local,loinc,display\nGLU,2345-7,Glucose\nHBA1C,4548-4,Hemoglobin A1c\n"));
  return eval;
}

TEST(MappingFunctions, LookupReturnsTheSecondColumn) {
  EXPECT_EQ(withLabTable()("lookup('lab-loinc', 'GLU')"), "2345-7");
}

TEST(MappingFunctions, LookupColumnReturnsANamedColumn) {
  EXPECT_EQ(withLabTable()("lookup_column('lab-loinc', 'display', observations[1].code.codings[0].code)"),
            "Hemoglobin A1c");
}

TEST(MappingFunctions, LookupDefaultWinsOverTablePolicy) {
  EXPECT_EQ(withLabTable()("lookup('lab-loinc', 'XYZ', 'unknown')"), "unknown");
  EXPECT_EQ(withLabTable()("lookup_column('lab-loinc', 'display', 'XYZ', '-')"), "-");
}

TEST(MappingFunctions, LookupsOfAlternatingKeysAndTablesEachFindTheirOwnRow) {
  Evaluator eval = withLabTable();
  eval.tables.add(table("other", "local,x,display\nGLU,1,Other glucose\n"));
  EXPECT_EQ(eval("concat(lookup('lab-loinc', 'GLU'), '|', lookup_column('lab-loinc', 'display', 'HBA1C'), '|', "
                 "lookup_column('other', 'display', 'GLU'), '|', lookup_column('lab-loinc', 'display', 'GLU'), '|', "
                 "lookup('other', 'HBA1C', 'none'))"),
            "2345-7|Hemoglobin A1c|Other glucose|Glucose|none");
}

TEST(MappingFunctions, LookupMissWithErrorPolicyNamesTableAndKey) {
  EXPECT_EQ(withLabTable()("lookup('lab-loinc', 'XYZ')"),
            "ERROR: lookup: table 'lab-loinc' has no key 'XYZ'");
}

TEST(MappingFunctions, LookupMissWithPassThroughPolicyGivesTheKey) {
  Evaluator eval;
  const std::string sidecar = R"({"version": "1", "on_missing": "pass_through"})";
  eval.tables.add(table("units", "from,to\nmg/dL,mg/dL\n", &sidecar));
  EXPECT_EQ(eval("lookup('units', 'mmol/L')"), "mmol/L");
}

TEST(MappingFunctions, LookupMissWithDefaultPolicyGivesTheTableDefault) {
  Evaluator eval;
  const std::string sidecar = R"({"on_missing": "default", "default": "UNK"})";
  eval.tables.add(table("sex", "v2,fhir\nF,female\n", &sidecar));
  EXPECT_EQ(eval("lookup('sex', 'X')"), "UNK");
}

TEST(MappingFunctions, LookupOfEmptyKeyIsEmptyNotAMiss) {
  EXPECT_EQ(withLabTable()("lookup('lab-loinc', patient.account_number.system)"), "");
}

TEST(MappingFunctions, LookupMapsEachElementOfASequence) {
  EXPECT_EQ(withLabTable()("concat(lookup('lab-loinc', observations[*].code.codings[0].code, ''))"),
            "2345-74548-4");
}

TEST(MappingFunctions, InTableTestsKeyMembership) {
  Evaluator eval = withLabTable();
  EXPECT_EQ(eval.condition("in_table('lab-loinc', 'GLU')"), "true");
  EXPECT_EQ(eval.condition("in_table('lab-loinc', 'XYZ')"), "false");
  EXPECT_EQ(eval.condition("in_table('lab-loinc', observations[*].code.codings[0].code)"), "true");
}

TEST(MappingFunctions, TableVersionCanBePinned) {
  Evaluator eval;
  const std::string sidecar = R"({"version": "3"})";
  eval.tables.add(table("lab", "k,v\nA,1\n", &sidecar));
  EXPECT_EQ(eval("lookup('lab@3', 'A')"), "1");
  EXPECT_EQ(eval("lookup('lab@2', 'A')"), "LOAD: table 'lab' has version '3', not the '2' asked for (rule 'probe')");
}

TEST(MappingFunctions, UpperLowerTrim) {
  Evaluator eval;
  EXPECT_EQ(eval("upper(patient.names[0].family)"), "TESTPERSON");
  EXPECT_EQ(eval("lower('MiXeD')"), "mixed");
  EXPECT_EQ(eval("concat('[', trim('  padded \t'), ']')"), "[padded]");
}

TEST(MappingFunctions, ConcatJoinsTextAndNumbers) {
  EXPECT_EQ(Evaluator()("concat(patient.names[0].family, ', ', patient.names[0].given[0], ' #', 7)"),
            "Testperson, Adaline #7");
}

TEST(MappingFunctions, SubstringCountsCodePointsFromZero) {
  Evaluator eval;
  EXPECT_EQ(eval("substring(patient.birth_date, 0, 4)"), "1972");
  EXPECT_EQ(eval("substring(patient.birth_date, 5)"), "03-14");
  EXPECT_EQ(eval("substring('Zürich', 1, 2)"), "ür");
  EXPECT_EQ(eval("substring('abc', 10)"), "");
}

TEST(MappingFunctions, SubstringWithAStartOrLengthBeyondAnyTextActsAsTheTextsLength) {
  // A double beyond size_t was converted unchecked (undefined behaviour).
  Evaluator eval;
  EXPECT_EQ(eval("substring('abcdef', '1e30')"), "");
  EXPECT_EQ(eval("substring('abcdef', 2, '1e30')"), "cdef");
  EXPECT_EQ(eval("substring('abcdef', 2, 'inf')"), "cdef");
  EXPECT_EQ(eval("substring('abcdef', 100000000000000000000000)"), "");
}

TEST(MappingFunctions, LengthCountsCodePoints) {
  EXPECT_EQ(Evaluator()("length('Zürich')"), "6");
}

TEST(MappingFunctions, MatchesSearchesWithARegex) {
  Evaluator eval;
  EXPECT_EQ(eval.condition("matches(patient.identifiers[1].value, '^[0-9]{3}-[0-9]{2}-[0-9]{4}$')"), "true");
  EXPECT_EQ(eval.condition("matches(patient.identifiers[0].value, '^[0-9]+$')"), "false");
  EXPECT_EQ(eval.condition("matches(patient.identifiers[*].value, '^MRN')"), "true");
}

// libstdc++'s std::regex recurses once a character of the text: a 20,000-character value (an
// OBX-5 of that size is ordinary traffic) overflowed the stack and killed the process (found by
// the mapping_expression fuzzer). The value is now refused with a sentence, the rule fails.
TEST(MappingFunctions, RegexOnAValueTooLongForItFailsTheRuleInsteadOfOverflowingTheStack) {
  Evaluator eval;
  canonical::Message message = oruMessage();
  message.patient.identifiers[1].value = std::string(20000, 'a');
  const std::string refused =
      "ERROR: matches: the value is 20000 bytes long; a regular expression is only run on values of "
      "up to 4096 bytes (fewer for nested groups)";
  EXPECT_EQ(eval.condition("matches(patient.identifiers[1].value, '^(a|b)+$')", message), refused);
  EXPECT_EQ(eval("replace(patient.identifiers[1].value, '(a)', 'b')", message).substr(0, 37),
            "ERROR: replace: the value is 20000 by");
}

TEST(MappingFunctions, RegexRunsOnValuesUpToItsLimitWhichNestedGroupsLower) {
  Evaluator eval;
  canonical::Message message = oruMessage();
  message.patient.identifiers[1].value = std::string(8192, 'a');
  EXPECT_EQ(eval.condition("matches(patient.identifiers[1].value, '^a+$')", message), "true");
  message.patient.identifiers[1].value = std::string(4096, 'a');
  EXPECT_EQ(eval.condition("matches(patient.identifiers[1].value, '^(a|b)+$')", message), "true");
  EXPECT_EQ(eval.condition("matches(patient.identifiers[1].value, '^((a|b)|c)+$')", message).substr(0, 38),
            "ERROR: matches: the value is 4096 byte");
  // Parentheses in brackets or escaped open no group: the whole 8192 again.
  message.patient.identifiers[1].value = std::string(8192, 'a');
  EXPECT_EQ(eval.condition("matches(patient.identifiers[1].value, '^[()a]+\\\\(?$')", message), "true");
}

TEST(MappingFunctions, ReplaceRewritesEveryMatch) {
  Evaluator eval;
  EXPECT_EQ(eval("replace(patient.identifiers[1].value, '-', '')"), "990221234");
  EXPECT_EQ(eval("replace('2026-11-20', '([0-9]+)-([0-9]+)-([0-9]+)', '$3.$2.$1')"), "20.11.2026");
}

TEST(MappingFunctions, CoalesceTakesTheFirstNonEmpty) {
  EXPECT_EQ(Evaluator()("coalesce(patient.account_number.system, patient.names[9].family, 'fallback')"),
            "fallback");
  EXPECT_EQ(Evaluator()("coalesce(patient.sex, 'x')"), "female");
}

TEST(MappingFunctions, IfChoosesABranch) {
  Evaluator eval;
  EXPECT_EQ(eval("if(patient.sex == 'female', 'F', 'M')"), "F");
  EXPECT_EQ(eval("if(false, 'yes')"), "");
}

TEST(MappingFunctions, ExistsEmptyAndCount) {
  Evaluator eval;
  EXPECT_EQ(eval.condition("exists(patient.birth_date)"), "true");
  EXPECT_EQ(eval.condition("exists(coverages)"), "false");
  EXPECT_EQ(eval.condition("empty(claims)"), "true");
  EXPECT_EQ(eval.condition("exists(patient.marital_status)"), "false");
  EXPECT_EQ(eval.condition("exists(encounter.location)"), "true");
  EXPECT_EQ(eval("count(observations[*].code.codings[*])"), "5");
  EXPECT_EQ(eval("count(patient.identifiers[*].value)"), "2");
}

TEST(MappingFunctions, NowComesFromTheEnvironment) {
  EXPECT_EQ(Evaluator()("now()"), "2026-11-20T13:30:15Z");
}

TEST(MappingFunctions, UuidComesFromTheSeededEnvironment) {
  Evaluator a;
  Evaluator b;
  const std::string first = a("uuid()");
  EXPECT_TRUE(std::regex_match(first, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << first;
  EXPECT_EQ(first, b("uuid()"));  // same seed, same sequence
}

TEST(MappingFunctions, KeyedHashMatchesRfc4231TestCase2) {
  Evaluator eval;
  eval.keys["rfc4231"] = "Jefe";
  EXPECT_EQ(eval("keyed_hash('what do ya want for nothing?', 'rfc4231')"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(MappingFunctions, KeyedHashOfNothingIsNothing) {
  Evaluator eval;
  eval.keys["k"] = "secret";
  EXPECT_EQ(eval("keyed_hash(patient.account_number.system, 'k')"), "");
}

TEST(MappingFunctions, KeyedHashWithUnknownKeyIsALoadError) {
  EXPECT_EQ(Evaluator()("keyed_hash('x', 'pseudonym')"),
            "LOAD: unknown key 'pseudonym' for keyed_hash (keys are configured in the engine, not in mappings) (rule 'probe')");
}

}  // namespace
}  // namespace ferry::mappings::test
