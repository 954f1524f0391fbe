#include "parsers/xml/profile_set.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/xml/xml_test_support.h"

namespace xml = ferry::xml;
namespace fs = std::filesystem;

namespace {

// A directory under the system temp folder, removed with everything in it.
class TempDirectory {
 public:
  TempDirectory() {
    path_ = fs::temp_directory_path() /
            ("ferry_xml_profiles_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDirectory() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
  }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

std::string profileJson(const std::string& name, const std::string& root) {
  return "{\"schema\": \"ferry.xml-profile/v1\", \"name\": \"" + name +
         "\", \"version\": \"1\", \"kind\": \"claim\", \"namespaces\": {\"c\": \"urn:t\"},"
         " \"root\": {\"name\": \"" + root + "\", \"namespace\": \"urn:t\"},"
         " \"mappings\": [{\"field\": \"claims[].claimId\", \"path\": \"@id\"}]}";
}

}  // namespace

TEST(XmlProfileSet, LoadsEveryProfileOfTheShippedDirectory) {
  const xml::ProfileSet& set = ferry::test::shippedProfiles();
  EXPECT_EQ(set.size(), 3u);
  EXPECT_NE(set.find("example-insurer-claims-1-submission"), nullptr);
  EXPECT_NE(set.find("example-insurer-claims-1-remittance"), nullptr);
  EXPECT_NE(set.find("forum-datenaustausch-generalinvoice-4.5-request"), nullptr);
}

TEST(XmlProfileSet, MatchesByRootLocalNameAndNamespace) {
  const xml::ProfileSet& set = ferry::test::shippedProfiles();
  const xml::Profile* claim = set.match("ClaimSubmission", "urn:example:insurer:claims:1");
  ASSERT_NE(claim, nullptr);
  EXPECT_EQ(claim->name(), "example-insurer-claims-1-submission");
  const xml::Profile* invoice = set.match("request", "http://www.forum-datenaustausch.ch/invoice");
  ASSERT_NE(invoice, nullptr);
  EXPECT_EQ(invoice->name(), "forum-datenaustausch-generalinvoice-4.5-request");
  EXPECT_EQ(set.match("ClaimSubmission", "urn:example:insurer:claims:2"), nullptr);
  EXPECT_EQ(set.match("request", ""), nullptr);
}

TEST(XmlProfileSet, DescribeListsEveryProfileWithItsRoot) {
  const std::string text = ferry::test::shippedProfiles().describe();
  EXPECT_NE(text.find("example-insurer-claims-1-remittance (root Remittance in namespace "
                      "urn:example:insurer:claims:1)"),
            std::string::npos)
      << text;
}

TEST(XmlProfileSet, TwoProfilesForOneRootAreALoadError) {
  TempDirectory dir;
  dir.write("a.json", profileJson("a", "Doc"));
  dir.write("b.json", profileJson("b", "Doc"));
  try {
    xml::ProfileSet::load(dir.path());
    FAIL() << "loaded";
  } catch (const xml::ProfileError& error) {
    EXPECT_EQ(error.file(), (dir.path() / "b.json").string());
    EXPECT_NE(std::string(error.what()).find("already claimed by profile 'a'"), std::string::npos) << error.what();
  }
}

TEST(XmlProfileSet, ABrokenFileNamesItself) {
  TempDirectory dir;
  dir.write("a.json", profileJson("a", "Doc"));
  dir.write("b.json", "{\n\"schema\": \"ferry.xml-profile/v1\",\n\"name\": 7\n}");
  try {
    xml::ProfileSet::load(dir.path());
    FAIL() << "loaded";
  } catch (const xml::ProfileError& error) {
    EXPECT_EQ(error.file(), (dir.path() / "b.json").string());
    EXPECT_EQ(error.line(), 3);
    EXPECT_EQ(error.field(), "name");
  }
}

TEST(XmlProfileSet, OtherFilesOfTheDirectoryAreIgnored) {
  TempDirectory dir;
  dir.write("a.json", profileJson("a", "Doc"));
  dir.write("README.md", "# not a profile");
  EXPECT_EQ(xml::ProfileSet::load(dir.path()).size(), 1u);
}

TEST(XmlProfileSet, MissingDirectoryIsALoadError) {
  EXPECT_THROW(xml::ProfileSet::load("/nonexistent/profiles"), xml::ProfileError);
}
