#include "parsers/xml/profile.h"

#include <gtest/gtest.h>

#include <set>

#include "parsers/xml/canonical_fields.h"
#include "tests/xml/xml_test_support.h"

namespace xml = ferry::xml;

namespace {

// A valid profile with one mapping line that each test replaces; the mapping is on line 6.
std::string profileWith(const std::string& mapping, const std::string& extra = "") {
  return "{\"schema\": \"ferry.xml-profile/v1\", \"name\": \"t\", \"version\": \"1\",\n"
         "\"kind\": \"claim\",\n"
         "\"namespaces\": {\"c\": \"urn:t\"},\n"
         "\"root\": {\"name\": \"Doc\", \"namespace\": \"urn:t\"},\n" +
         extra +
         "\"mappings\": [\n" + mapping + "\n]}";
}

// The ProfileError that loading text throws; fails the test when it loads.
xml::ProfileError loadError(const std::string& text) {
  try {
    xml::Profile::parse(text, "test.json");
  } catch (const xml::ProfileError& error) {
    return error;
  }
  ADD_FAILURE() << "the profile loaded";
  return xml::ProfileError("", 0, "", "");
}

}  // namespace

TEST(XmlProfile, ShippedProfilesLoad) {
  const xml::Profile& claim = ferry::test::shippedProfile("example-insurer-claims-1-submission");
  EXPECT_EQ(claim.kind(), xml::DocumentKind::Claim);
  EXPECT_EQ(claim.rootName(), "ClaimSubmission");
  EXPECT_EQ(claim.rootNamespace(), "urn:example:insurer:claims:1");
  EXPECT_EQ(claim.rootQName(), "c:ClaimSubmission");
  EXPECT_EQ(claim.version(), "1.2");
  EXPECT_TRUE(claim.repeatsPrimary());
  const xml::Profile& remittance = ferry::test::shippedProfile("example-insurer-claims-1-remittance");
  EXPECT_EQ(remittance.kind(), xml::DocumentKind::ClaimResponse);
  EXPECT_EQ(remittance.rootName(), "Remittance");
  const xml::Profile& invoice = ferry::test::shippedProfile("forum-datenaustausch-generalinvoice-4.5-request");
  EXPECT_EQ(invoice.rootNamespace(), "http://www.forum-datenaustausch.ch/invoice");
  EXPECT_FALSE(invoice.repeatsPrimary());
}

TEST(XmlProfile, MinimalProfileLoads) {
  const xml::Profile profile =
      xml::Profile::parse(profileWith("{\"field\": \"claims[].claimId\", \"path\": \"@id\"}"), "test.json");
  ASSERT_EQ(profile.mappings().size(), 1u);
  EXPECT_EQ(profile.mappings()[0].field->name, "claims[].claimId");
  EXPECT_EQ(profile.source(), "test.json");
}

TEST(XmlProfile, XPathThatDoesNotCompileNamesProfileFieldAndLine) {
  const xml::ProfileError error =
      loadError(profileWith("{\"field\": \"claims[].claimId\", \"read\": \"c:Lines/[@id\"}"));
  EXPECT_EQ(error.file(), "test.json");
  EXPECT_EQ(error.line(), 6);
  EXPECT_EQ(error.field(), "mappings[0].read");
  const std::string text = error.what();
  EXPECT_NE(text.find("test.json:6: mappings[0].read: XPath 'c:Lines/[@id' does not compile"), std::string::npos) << text;
  EXPECT_NE(text.find("(profile 't')"), std::string::npos) << text;
}

TEST(XmlProfile, UnknownFieldIsALoadError) {
  const xml::ProfileError error = loadError(profileWith("{\"field\": \"claims[].colour\", \"path\": \"@c\"}"));
  EXPECT_EQ(error.field(), "mappings[0].field");
  EXPECT_NE(std::string(error.what()).find("unknown canonical field 'claims[].colour'"), std::string::npos);
}

TEST(XmlProfile, FieldOutsideItsRepeatIsALoadError) {
  const xml::ProfileError error = loadError(profileWith("{\"field\": \"claims[].items[].net\", \"path\": \"c:Net\"}"));
  EXPECT_EQ(error.field(), "mappings[0].field");
  EXPECT_NE(std::string(error.what()).find("inside the repeat over claims[].items[]"), std::string::npos)
      << error.what();
}

TEST(XmlProfile, ResponseFieldInAClaimProfileIsALoadError) {
  const xml::ProfileError error = loadError(profileWith("{\"field\": \"claimResponses[].paid\", \"path\": \"@p\"}"));
  EXPECT_EQ(error.field(), "mappings[0].field");
}

TEST(XmlProfile, NestedRepeatNeedsItsParentRepeat) {
  const xml::ProfileError error = loadError(profileWith(
      "{\"repeat\": \"claimResponses[].items\", \"path\": \"c:Line\", \"mappings\": []}"));
  EXPECT_EQ(error.field(), "mappings[0].repeat");
}

TEST(XmlProfile, UndeclaredPrefixIsALoadError) {
  xml::ProfileError error = loadError(profileWith("{\"field\": \"claims[].claimId\", \"read\": \"x:Claim/@id\"}"));
  EXPECT_EQ(error.field(), "mappings[0].read");
  EXPECT_NE(std::string(error.what()).find("prefix 'x' is not declared"), std::string::npos) << error.what();
  error = loadError(profileWith("{\"field\": \"claims[].claimId\", \"write\": \"x:Claim/@id\"}"));
  EXPECT_EQ(error.field(), "mappings[0].write");
}

TEST(XmlProfile, PathMustBeASimpleWritePath) {
  const xml::ProfileError error = loadError(profileWith("{\"field\": \"claims[].claimId\", \"path\": \"c:Claim[1]/@id\"}"));
  EXPECT_EQ(error.field(), "mappings[0].path");
  EXPECT_NE(std::string(error.what()).find("give \"read\" and \"write\" separately"), std::string::npos);
}

TEST(XmlProfile, RepeatMustSelectNodes) {
  const xml::ProfileError error = loadError(profileWith(
      "{\"repeat\": \"claims\", \"read\": \"count(c:Claim)\", \"write\": \"c:Claim\", \"mappings\": []}"));
  EXPECT_EQ(error.field(), "mappings[0].read");
  EXPECT_NE(std::string(error.what()).find("must select nodes"), std::string::npos);
}

TEST(XmlProfile, MissingMemberNamesIt) {
  const xml::ProfileError error = loadError("{\"schema\": \"ferry.xml-profile/v1\", \"name\": \"t\"}");
  EXPECT_EQ(error.field(), "version");
  EXPECT_EQ(error.line(), 1);
}

TEST(XmlProfile, UnknownMemberIsALoadError) {
  const xml::ProfileError error =
      loadError(profileWith("{\"field\": \"claims[].claimId\", \"path\": \"@id\", \"requird\": true}"));
  EXPECT_EQ(error.field(), "mappings[0].requird");
  EXPECT_EQ(error.line(), 6);
}

TEST(XmlProfile, WrongSchemaIsALoadError) {
  std::string text = profileWith("");
  text.replace(text.find("v1"), 2, "v9");
  EXPECT_EQ(loadError(text).field(), "schema");
}

TEST(XmlProfile, JsonSyntaxErrorNamesTheLine) {
  const xml::ProfileError error = loadError(profileWith("{\"field\": \"claims[].claimId\" \"path\": \"@id\"}"));
  EXPECT_EQ(error.line(), 6);
  EXPECT_NE(std::string(error.what()).find("not valid JSON"), std::string::npos) << error.what();
}

TEST(XmlProfile, DuplicateMemberIsALoadError) {
  const xml::ProfileError error =
      loadError(profileWith("{\"field\": \"claims[].claimId\", \"path\": \"@id\", \"path\": \"@x\"}"));
  EXPECT_EQ(error.line(), 6);
  EXPECT_NE(std::string(error.what()).find("\"path\" is given twice"), std::string::npos) << error.what();
}

TEST(XmlProfile, RootNamespaceMustBeDeclared) {
  std::string text = profileWith("");
  text.replace(text.find("\"namespace\": \"urn:t\""), 20, "\"namespace\": \"urn:u\"");
  const xml::ProfileError error = loadError(text);
  EXPECT_EQ(error.field(), "root.namespace");
  EXPECT_EQ(error.line(), 4);
}

TEST(XmlProfile, AbsoluteWritePathMustStartAtTheRoot) {
  const xml::ProfileError error =
      loadError(profileWith("{\"field\": \"claims[].claimId\", \"path\": \"/c:Other/@id\"}"));
  EXPECT_EQ(error.field(), "mappings[0].path");
}

TEST(XmlProfile, WritePathMayNotLeaveTheDocumentElement) {
  const xml::ProfileError error =
      loadError(profileWith("{\"field\": \"claims[].claimId\", \"write\": \"../c:X\"}"));
  EXPECT_EQ(error.field(), "mappings[0].write");
}

TEST(XmlProfile, MissingFileIsALoadError) {
  EXPECT_THROW(xml::Profile::load("/nonexistent/profile.json"), xml::ProfileError);
}

TEST(XmlProfile, SchemaOrderComesFromElementOrderThenMappings) {
  const xml::Profile profile = xml::Profile::parse(
      profileWith("{\"field\": \"claims[].total\", \"path\": \"c:B/c:Total\"},\n"
                  "{\"field\": \"claims[].claimId\", \"path\": \"c:A/@id\"}",
                  "\"write\": {\"elementOrder\": {\"c:Doc\": [\"c:Z\"]}},\n"),
      "test.json");
  EXPECT_EQ(profile.childRank("c:Doc", "c:Z"), 0u);
  EXPECT_EQ(profile.childRank("c:Doc", "c:B"), 1u);
  EXPECT_EQ(profile.childRank("c:Doc", "c:A"), 2u);
  EXPECT_EQ(profile.childRank("c:B", "c:Total"), 0u);
  EXPECT_EQ(profile.childRank("c:Doc", "c:Q"), std::string_view::npos);
}

TEST(XmlProfile, EveryFieldNameIsUniqueAndEveryCollectionKnown) {
  std::set<std::string_view> names;
  for (const xml::Field& field : xml::allFields()) {
    EXPECT_TRUE(names.insert(field.name).second) << field.name;
  }
  EXPECT_GE(names.size(), 80u);
  EXPECT_NE(xml::findCollection("claimResponses[].items[].adjustments"), nullptr);
}

TEST(XmlProfile, TheProfileReadmeListsEveryFieldAndCollection) {
  const std::string readme = ferry::test::readFile(ferry::test::profilesDirectory() + "/README.md");
  for (const xml::Field& field : xml::allFields()) {
    EXPECT_NE(readme.find("`" + std::string(field.name) + "`"), std::string::npos) << field.name;
  }
  for (const xml::Collection& collection : xml::allCollections()) {
    EXPECT_NE(readme.find("`" + std::string(collection.name) + "`"), std::string::npos) << collection.name;
  }
}
