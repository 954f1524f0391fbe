// Code tables: CSV reading, sidecar policies, duplicate keys, size.

#include <gtest/gtest.h>

#include <chrono>

#include "tests/mappings/mapping_test_support.h"

namespace ferry::mappings::test {
namespace {

std::shared_ptr<const CodeTable> parse(const std::string& csv, std::vector<LoadError>& errors,
                                       const std::string* sidecar = nullptr) {
  return CodeTable::parse("lab", csv, "tables/lab.csv", sidecar, "tables/lab.json", errors);
}

TEST(CodeTable, FirstColumnIsTheKeyAndSecondTheValue) {
  std::vector<LoadError> errors;
  auto t = parse("local,loinc,display\nGLU,2345-7,Glucose\n", errors);
  ASSERT_TRUE(t) << describeAll(errors);
  EXPECT_EQ(t->find("GLU"), "2345-7");
  EXPECT_EQ(t->find("GLU", 2), "Glucose");
  EXPECT_EQ(t->find("GLU", 0), "GLU");
  EXPECT_EQ(t->find("NOPE"), std::nullopt);
  EXPECT_EQ(t->columnIndex("display"), 2U);
  EXPECT_EQ(t->size(), 1U);
}

TEST(CodeTable, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  std::vector<LoadError> errors;
  auto t = parse("code,display\r\n\"A,1\",\"say \"\"hi\"\"\"\r\n\"B\",\"two\nlines\"\r\n", errors);
  ASSERT_TRUE(t) << describeAll(errors);
  EXPECT_EQ(t->find("A,1"), "say \"hi\"");
  EXPECT_EQ(t->find("B"), "two\nlines");
}

TEST(CodeTable, BlankLinesAndByteOrderMarkAreIgnored) {
  std::vector<LoadError> errors;
  auto t = parse("\xEF\xBB\xBFk,v\n\nA,1\n\n\nB,2", errors);
  ASSERT_TRUE(t) << describeAll(errors);
  EXPECT_EQ(t->columns().front(), "k");
  EXPECT_EQ(t->size(), 2U);
  EXPECT_EQ(t->find("B"), "2");
}

TEST(CodeTable, Utf8ValuesAreKept) {
  std::vector<LoadError> errors;
  auto t = parse("k,v\nZH,Zürich\n", errors);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->find("ZH"), "Zürich");
}

TEST(CodeTable, DuplicateKeyNamesBothLines) {
  std::vector<LoadError> errors;
  EXPECT_FALSE(parse("k,v\nA,1\nB,2\n\nA,3\n", errors));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].describe(), "tables/lab.csv:5: duplicate key 'A' (first on line 2)");
}

TEST(CodeTable, MalformedQuotingNamesLineAndColumn) {
  std::vector<LoadError> errors;
  EXPECT_FALSE(parse("k,v\nA,\"open\n", errors));
  EXPECT_EQ(errors.at(0).describe(), "tables/lab.csv:2:3: the quoted field starting here has no closing quote");
  errors.clear();
  EXPECT_FALSE(parse("k,v\nA,x\"y\n", errors));
  EXPECT_EQ(errors.at(0).describe(),
            "tables/lab.csv:2:4: a quote inside an unquoted field (quote the whole field and double the quote)");
}

TEST(CodeTable, RowWithWrongFieldCountIsAnError) {
  std::vector<LoadError> errors;
  EXPECT_FALSE(parse("k,v,w\nA,1,2\nB,1\n", errors));
  EXPECT_EQ(errors.at(0).describe(), "tables/lab.csv:3: this row has 2 fields, the header has 3");
}

TEST(CodeTable, SidecarGivesVersionAndPolicy) {
  std::vector<LoadError> errors;
  const std::string sidecar = R"({"version": "3", "on_missing": "default", "default": "UNK"})";
  auto t = parse("k,v\nA,1\n", errors, &sidecar);
  ASSERT_TRUE(t) << describeAll(errors);
  EXPECT_EQ(t->version(), "3");
  EXPECT_EQ(t->id(), "lab@3");
  EXPECT_EQ(t->onMissing(), MissingKeyPolicy::Default);
  EXPECT_EQ(t->defaultValue(), "UNK");
}

TEST(CodeTable, WithoutSidecarTheMissingKeyPolicyIsError) {
  std::vector<LoadError> errors;
  auto t = parse("k,v\nA,1\n", errors);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->onMissing(), MissingKeyPolicy::Error);
  EXPECT_EQ(t->version(), "");
}

TEST(CodeTable, SidecarErrorsNameLineAndColumn) {
  std::vector<LoadError> errors;
  const std::string unknown = "{\"version\": \"1\",\n  \"on_mising\": \"error\"}";
  EXPECT_FALSE(parse("k,v\nA,1\n", errors, &unknown));
  EXPECT_EQ(errors.at(0).describe(),
            "tables/lab.json:2:3: unknown key 'on_mising' (expected version, on_missing, default)");
  errors.clear();
  const std::string policy = "{\"on_missing\": \"ignore\"}";
  EXPECT_FALSE(parse("k,v\nA,1\n", errors, &policy));
  EXPECT_EQ(errors.at(0).describe(),
            "tables/lab.json:1:16: on_missing is \"error\", \"pass_through\" or \"default\", not \"ignore\"");
  errors.clear();
  const std::string no_default = "{\"on_missing\": \"default\"}";
  EXPECT_FALSE(parse("k,v\nA,1\n", errors, &no_default));
  EXPECT_EQ(errors.at(0).text, "on_missing \"default\" needs a \"default\" value");
}

TEST(CodeTable, TenThousandRowsLoadFast) {
  std::string csv = "local,loinc,display\n";
  for (int i = 0; i < 10000; ++i) {
    csv += "LOC" + std::to_string(i) + "," + std::to_string(10000 + i) + "-" + std::to_string(i % 10) +
           ",\"Test, number " + std::to_string(i) + "\"\n";
  }
  std::vector<LoadError> errors;
  const auto start = std::chrono::steady_clock::now();
  auto t = parse(csv, errors);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(t) << describeAll(errors);
  EXPECT_EQ(t->size(), 10000U);
  EXPECT_EQ(t->find("LOC9999", 2), "Test, number 9999");
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(), 500);
}

TEST(CodeTable, EveryKeyOfABigTableIsFoundAndOthersAreNot) {
  std::string csv = "key,value,other\n";
  for (int i = 0; i < 3000; ++i) csv += "K" + std::to_string(i) + "," + std::to_string(i) + ",x\n";
  std::vector<LoadError> errors;
  auto t = parse(csv, errors);
  ASSERT_TRUE(t) << describeAll(errors);
  for (int i = 0; i < 3000; ++i) {
    ASSERT_EQ(t->find("K" + std::to_string(i)), std::to_string(i));
    const CodeTable::Row row = t->row("K" + std::to_string(i));
    ASSERT_TRUE(row);
    EXPECT_EQ(t->find(row, 0), "K" + std::to_string(i));
    EXPECT_EQ(t->find(row, 2), "x");
    EXPECT_FALSE(t->find(row, 3));
  }
  EXPECT_FALSE(t->contains("K3000"));
  EXPECT_FALSE(t->contains(""));
  EXPECT_FALSE(t->row("k1"));
}

TEST(CodeTable, DuplicateKeysAreReportedInFileOrder) {
  std::vector<LoadError> errors;
  EXPECT_FALSE(parse("k,v\nB,1\nA,2\nC,3\nA,4\nB,5\nA,6\n", errors));
  ASSERT_EQ(errors.size(), 3U) << describeAll(errors);
  EXPECT_EQ(errors[0].describe(), "tables/lab.csv:5: duplicate key 'A' (first on line 3)");
  EXPECT_EQ(errors[1].describe(), "tables/lab.csv:6: duplicate key 'B' (first on line 2)");
  EXPECT_EQ(errors[2].describe(), "tables/lab.csv:7: duplicate key 'A' (first on line 3)");
}

TEST(TableSet, LoadsEveryCsvOfAFolderWithSidecars) {
  TempFolder folder;
  folder.write("tables/lab-loinc.csv", "local,loinc\nGLU,2345-7\n");
  folder.write("tables/lab-loinc.json", R"({"version": "2"})");
  folder.write("tables/sex.csv", "v2,fhir\nF,female\n");
  folder.write("tables/readme.txt", "not a table");
  std::vector<LoadError> errors;
  const TableSet set = TableSet::load(folder.path() + "/tables", errors, "tables");
  EXPECT_TRUE(errors.empty()) << describeAll(errors);
  EXPECT_EQ(set.names(), (std::vector<std::string>{"lab-loinc", "sex"}));
  ASSERT_NE(set.find("lab-loinc@2"), nullptr);
  EXPECT_EQ(set.find("lab-loinc@1"), nullptr);
  EXPECT_EQ(set.find("sex")->find("F"), "female");
}

TEST(TableSet, ErrorsNameTheShownFile) {
  TempFolder folder;
  folder.write("tables/bad.csv", "k,v\nA,1\nA,2\n");
  std::vector<LoadError> errors;
  const TableSet set = TableSet::load(folder.path() + "/tables", errors, "tables");
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].describe(), "tables/bad.csv:3: duplicate key 'A' (first on line 2)");
  EXPECT_EQ(set.find("bad"), nullptr);
}

TEST(TableSet, SidecarErrorsNameTheShownSidecar) {
  TempFolder folder;
  folder.write("tables/lab.csv", "k,v\nA,1\n");
  folder.write("tables/lab.json", R"({"on_missing": "shrug"})");
  std::vector<LoadError> errors;
  const TableSet set = TableSet::load(folder.path() + "/tables", errors, "tables");
  ASSERT_EQ(errors.size(), 1U) << describeAll(errors);
  EXPECT_EQ(errors[0].file, "tables/lab.json") << errors[0].describe();
  EXPECT_EQ(set.find("lab"), nullptr);
}

TEST(TableSet, MissingFolderIsAnEmptySet) {
  std::vector<LoadError> errors;
  const TableSet set = TableSet::load("/nonexistent/ferry/tables", errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_TRUE(set.names().empty());
}

}  // namespace
}  // namespace ferry::mappings::test
