// Load errors name the file, line and column: of the JSON value, or of the exact character
// inside an expression string.

#include <gtest/gtest.h>

#include "tests/mappings/mapping_test_support.h"

namespace ferry::mappings::test {
namespace {

// Compiles a mapping expected to fail; returns the first error's describe().
std::string firstError(const std::string& json, const TableSet& tables = {}) {
  std::vector<LoadError> errors;
  auto mapping = compile(json, tables, errors);
  EXPECT_FALSE(mapping);
  return errors.empty() ? "" : errors.front().describe();
}

// One transform on line 3 whose value expression starts at column 60 (its opening quote).
std::string valueError(const std::string& expr) {
  return firstError("{\"name\": \"t\", \"version\": \"1\",\n \"transforms\": [\n"
                    "  {\"name\": \"probe\", \"set\": \"encounter.location.bed\", \"value\": " +
                    jsonString(expr) + "}]}");
}

TEST(MappingLoadErrors, UnknownFunctionPointsAtItsName) {
  EXPECT_EQ(valueError("concat('a', lokup('t', 'k'))"),
            "mappings/test.json:3:76: unknown function 'lokup' (rule 'probe')");
}

TEST(MappingLoadErrors, UnknownMemberPointsAtTheSegment) {
  EXPECT_EQ(valueError("patient.birth_dat"),
            "mappings/test.json:3:72: unknown member 'birth_dat' of Patient (members: identifiers, "
            "names, birthDate, sex, addresses, telecom, race, ethnicity, maritalStatus, accountNumber, "
            "mothersMaidenName, language, deceasedTime, deceasedIndicator, multipleBirthIndicator, "
            "birthOrder) "
            "(rule 'probe')");
}

TEST(MappingLoadErrors, ColumnCountsJsonEscapesInTheString) {
  // \" in the JSON text is two characters but one in the expression.
  EXPECT_EQ(valueError("concat(\"a\", bogus(1))"),
            "mappings/test.json:3:78: unknown function 'bogus' (rule 'probe')");
}

TEST(MappingLoadErrors, MemberOfAScalarIsAnError) {
  EXPECT_EQ(valueError("header.message_type.code"),
            "mappings/test.json:3:84: 'messageType' is text and has no member 'code' (rule 'probe')");
}

TEST(MappingLoadErrors, IndexOnANonListIsAnError) {
  EXPECT_EQ(valueError("patient.sex[0]"),
            "mappings/test.json:3:72: 'sex' is text, not a list: it takes no [index] (rule 'probe')");
}

TEST(MappingLoadErrors, StructureWhereAValueIsNeeded) {
  EXPECT_EQ(valueError("patient.marital_status"),
            "mappings/test.json:3:64: 'patient.marital_status' is a structure (Coding); name one of "
            "its members (system, code, display), or use exists(), empty() or count() (rule 'probe')");
}

TEST(MappingLoadErrors, SyntaxErrorsPointAtTheToken) {
  EXPECT_EQ(valueError("patient.sex = 'f'"),
            "mappings/test.json:3:76: '=' alone is not an operator: compare with '==' (rule 'probe')");
  EXPECT_EQ(valueError("(patient.sex == 'f'"),
            "mappings/test.json:3:83: expected ')', found the end of the expression (rule 'probe')");
  EXPECT_EQ(valueError("'open"),
            "mappings/test.json:3:64: text starting here has no closing quote (rule 'probe')");
  EXPECT_EQ(valueError("patient.sex 'f'"),
            "mappings/test.json:3:76: unexpected 'f' (rule 'probe')");
}

TEST(MappingLoadErrors, WrongArgumentCount) {
  EXPECT_EQ(valueError("upper('a', 'b')"),
            "mappings/test.json:3:64: upper() takes 1 argument, not 2 (rule 'probe')");
  EXPECT_EQ(valueError("lookup('t', 'k', '', 'display')"),
            "mappings/test.json:3:64: lookup() takes 2 to 3 arguments, not 4; for another column use "
            "lookup_column(table, column, key[, default]) (rule 'probe')");
}

TEST(MappingLoadErrors, UnknownTableAndColumn) {
  EXPECT_EQ(valueError("lookup('lab-lonic', 'GLU')"),
            "mappings/test.json:3:71: unknown table 'lab-lonic' (no tables/lab-lonic.csv) (rule 'probe')");
  std::vector<LoadError> errors;
  TableSet tables;
  tables.add(CodeTable::parse("lab", "k,v\nA,1\n", "tables/lab.csv", nullptr, "", errors));
  EXPECT_EQ(firstError("{\"name\": \"t\", \"version\": \"1\", \"transforms\": [\n"
                       "{\"name\": \"p\", \"set\": \"patient.sex\", \"value\": \"lookup_column('lab', 'dsplay', 'A')\"}]}",
                       tables),
            "mappings/test.json:2:68: table 'lab' has no column 'dsplay' (columns: k, v) (rule 'p')");
}

TEST(MappingLoadErrors, BadRegexIsALoadError) {
  const std::string expected = "mappings/test.json:3:85: '([a-z' is not a valid regular expression: ";
  EXPECT_EQ(valueError("matches(patient.sex, '([a-z')").substr(0, expected.size()), expected);
}

TEST(MappingLoadErrors, SourceQueriesAreCheckedAtLoad) {
  EXPECT_EQ(valueError("hl7('PID-x')").substr(0, 62),
            "mappings/test.json:3:69: 'PID-x' is not an HL7 v2 path such as");
  EXPECT_EQ(valueError("json('entry[x].id')"),
            "mappings/test.json:3:76: JSON path 'entry[x].id': '[x]' is not an index ([0], [*]) (rule 'probe')");
  EXPECT_EQ(valueError("xpath('/z:Claim/@id')"),
            "mappings/test.json:3:72: namespace prefix 'z' is not declared in \"namespaces\" (rule 'probe')");
}

TEST(MappingLoadErrors, UnknownKeyPointsAtTheKey) {
  EXPECT_EQ(firstError("{\"name\": \"t\", \"version\": \"1\",\n  \"filter\": []}"),
            "mappings/test.json:2:3: unknown key 'filter' (expected name, version, description, "
            "namespaces, filters, transforms, routes)");
  EXPECT_EQ(firstError("{\"name\": \"t\", \"version\": \"1\", \"routes\": [\n"
                       "  {\"name\": \"r\", \"when\": \"true\", \"to\": [\"x\"], \"destination\": \"y\"}]}"),
            "mappings/test.json:2:46: unknown key 'destination' (expected name, when, otherwise, to)");
}

TEST(MappingLoadErrors, MissingNameAndVersion) {
  std::vector<LoadError> errors;
  EXPECT_FALSE(compile("{\n  \"filters\": []\n}", TableSet{}, errors));
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_EQ(errors[0].describe(), "mappings/test.json:1:1: 'name' is required");
  EXPECT_EQ(errors[1].describe(), "mappings/test.json:1:1: 'version' is required");
}

TEST(MappingLoadErrors, WrongTypeNamesTheValue) {
  EXPECT_EQ(firstError("{\"name\": \"t\",\n \"version\": 2}"),
            "mappings/test.json:2:14: 'version' must be a string, not a number");
}

TEST(MappingLoadErrors, FilterNeedsExactlyOneOfAcceptAndDrop) {
  EXPECT_EQ(firstError("{\"name\": \"t\", \"version\": \"1\", \"filters\": [\n"
                       "  {\"name\": \"f\", \"accept\": \"true\", \"drop\": \"false\", \"reason\": \"r\"}]}"),
            "mappings/test.json:2:3: a filter has exactly one of 'accept' and 'drop' (rule 'f')");
}

TEST(MappingLoadErrors, InvalidJsonNamesLineAndColumn) {
  EXPECT_EQ(firstError("{\"name\": \"t\",\n \"version\" \"1\"}"),
            "mappings/test.json:2:12: not valid JSON: Missing a colon after a name of object member.");
}

TEST(MappingLoadErrors, DuplicateRuleName) {
  EXPECT_EQ(firstError("{\"name\": \"t\", \"version\": \"1\", \"routes\": [\n"
                       "  {\"name\": \"r\", \"when\": \"true\", \"to\": [\"x\"]},\n"
                       "  {\"name\": \"r\", \"when\": \"true\", \"to\": [\"y\"]}]}"),
            "mappings/test.json:3:12: the rule name 'r' is used twice in this mapping");
}

TEST(MappingLoadErrors, TargetChecks) {
  const std::string head = "{\"name\": \"t\", \"version\": \"1\", \"transforms\": [\n";
  EXPECT_EQ(firstError(head + "  {\"name\": \"s\", \"set\": \"patient.identifiers\", \"value\": \"'x'\"}]}"),
            "mappings/test.json:2:24: 'patient.identifiers' is a structure: set its members, or use copy or append (rule 's')");
  EXPECT_EQ(firstError(head + "  {\"name\": \"a\", \"append\": \"patient.sex\", \"value\": \"'x'\"}]}"),
            "mappings/test.json:2:27: append needs a list such as \"code.codings\" (without [index]) (rule 'a')");
  EXPECT_EQ(firstError(head + "  {\"name\": \"e\", \"for_each\": \"observations[*]\", \"set\": \"$.patient.sex\", \"value\": \"'x'\"}]}"),
            "mappings/test.json:2:55: inside for_each, targets are relative to the element; '$.' paths can be read but not written (rule 'e')");
  EXPECT_EQ(firstError(head + "  {\"name\": \"e\", \"for_each\": \"observations[*]\", \"set\": \"code.text\", \"value\": \"patient.sex\"}]}"),
            "mappings/test.json:2:78: unknown member 'patient' of Observation (members: setId, valueType, category, code, subId, "
            "value, units, referenceRange, interpretations, status, observationTime, analysisTime, performer, "
            "method, performingOrganization, medicalDirector, orderIndex); inside for_each and keep, paths are relative to the element, write '$.patient' to start at the message (rule 'e')");
}

TEST(MappingLoadErrors, OutIsOnlyATarget) {
  EXPECT_EQ(valueError("out('MSH-5')"),
            "mappings/test.json:3:64: out('...') names a field of the outgoing message and can only be a target (rule 'probe')");
}

TEST(MappingLoadErrors, EveryErrorOfAFileIsReported) {
  std::vector<LoadError> errors;
  EXPECT_FALSE(compile("{\"name\": \"t\", \"version\": \"1\", \"routes\": [\n"
                       "  {\"name\": \"a\", \"when\": \"bogus(1)\", \"to\": [\"x\"]},\n"
                       "  {\"name\": \"b\", \"when\": \"patient.nope\", \"to\": [\"y\"]}]}",
                       TableSet{}, errors));
  ASSERT_EQ(errors.size(), 2U);
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_EQ(errors[1].line, 3);
}

}  // namespace
}  // namespace ferry::mappings::test
