// MappingSet: a configuration folder's mappings and tables, found by name@version.

#include <gtest/gtest.h>

#include "mappings/mapping_set.h"
#include "tests/mappings/mapping_test_support.h"

namespace ferry::mappings::test {
namespace {

std::string mappingJson(const std::string& name, const std::string& version) {
  return R"({"name": ")" + name + R"(", "version": ")" + version +
         R"(", "routes": [{"name": "r", "when": "lookup('lab-loinc', 'GLU') == '2345-7'", "to": ["v)" +
         version + R"("]}]})";
}

TEST(MappingSet, LoadsMappingsAndTablesOfAConfigFolder) {
  TempFolder config;
  config.write("tables/lab-loinc.csv", "local,loinc\nGLU,2345-7\n");
  config.write("mappings/lab-2.json", mappingJson("lab-to-hospital", "2"));
  config.write("mappings/lab-10.json", mappingJson("lab-to-hospital", "10"));
  config.write("mappings/other.json", mappingJson("other", "1"));
  std::vector<LoadError> errors;
  const MappingSet set = MappingSet::load(config.path(), {}, errors);
  EXPECT_TRUE(errors.empty()) << describeAll(errors);
  EXPECT_EQ(set.ids(), (std::vector<std::string>{"lab-to-hospital@10", "lab-to-hospital@2", "other@1"}));
  ASSERT_NE(set.find("lab-to-hospital@2"), nullptr);
  EXPECT_EQ(set.find("lab-to-hospital@2")->version(), "2");
  EXPECT_EQ(set.find("lab-to-hospital")->version(), "10");  // highest, compared as numbers
  EXPECT_EQ(set.find("lab-to-hospital@3"), nullptr);
  EXPECT_EQ(set.find("nothing"), nullptr);
  ASSERT_NE(set.tables().find("lab-loinc"), nullptr);
}

TEST(MappingSet, SameNameAndVersionTwiceIsAnError) {
  TempFolder config;
  config.write("tables/lab-loinc.csv", "local,loinc\nGLU,2345-7\n");
  config.write("mappings/a.json", mappingJson("lab", "1"));
  config.write("mappings/b.json", mappingJson("lab", "1"));
  std::vector<LoadError> errors;
  const MappingSet set = MappingSet::load(config.path(), {}, errors);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].describe(), "mappings/b.json: mapping lab@1 is already defined in mappings/a.json");
  EXPECT_NE(set.find("lab@1"), nullptr);
}

TEST(MappingSet, ErrorsNameFilesRelativeToTheConfigFolder) {
  TempFolder config;
  config.write("mappings/bad.json", "{\"name\": \"bad\", \"version\": \"1\",\n \"routes\": [{\"name\": \"r\", \"when\": \"lookup('nope', 'x')\", \"to\": [\"d\"]}]}");
  config.write("mappings/good.json", R"({"name": "good", "version": "1"})");
  std::vector<LoadError> errors;
  const MappingSet set = MappingSet::load(config.path(), {}, errors);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].describe(), "mappings/bad.json:2:43: unknown table 'nope' (no tables/nope.csv) (rule 'r')");
  EXPECT_EQ(set.ids(), std::vector<std::string>{"good@1"});
}

TEST(MappingSet, LoadReadsAFileByPath) {
  TempFolder folder;
  const std::string file = folder.write("m.json", R"({"name": "m", "version": "3"})");
  std::vector<LoadError> errors;
  auto mapping = Mapping::load(file, TableSet{}, {}, errors);
  ASSERT_TRUE(mapping) << describeAll(errors);
  EXPECT_EQ(mapping->id(), "m@3");
  EXPECT_EQ(mapping->file(), file);
}

TEST(MappingSet, VersionsCompareNumericallyBySegment) {
  EXPECT_LT(compareVersions("2", "10"), 0);
  EXPECT_LT(compareVersions("1.9", "1.10"), 0);
  EXPECT_EQ(compareVersions("1.0", "1.0"), 0);
  EXPECT_GT(compareVersions("2.1", "2"), 0);
  EXPECT_LT(compareVersions("1.0-beta", "1.0-rc"), 0);
}

}  // namespace
}  // namespace ferry::mappings::test
