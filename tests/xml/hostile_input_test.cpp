// Insurer XML that once slipped through Ferry's reader or broke its promises, found by the
// mutation tests (mutation_test.cpp); each case keeps the bytes that did it.
#include <gtest/gtest.h>

#include <string>

#include "engine/canonical/json_writer.h"
#include "parsers/xml/reader.h"
#include "parsers/xml/writer.h"
#include "tests/xml/xml_test_support.h"

namespace xml = ferry::xml;

namespace xml_hostile_input {

TEST(XmlHostileInput, ADocumentCutShortHasItsErrorInsideTheInput) {
  // claim_submission.xml cut inside the root's first attribute: pugixml reports the end of the
  // input one byte past it (its terminator), and the error said "byte 153" of 152.
  const std::string head = ferry::test::xmlSample("claim_submission.xml").substr(0, 152);
  const xml::ReadResult r = xml::read(head, ferry::test::shippedProfiles());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error.code, xml::ErrorCode::Malformed);
  EXPECT_EQ(r.error.offset, 152u);
  EXPECT_EQ(r.error.line, 3u);
}

TEST(XmlHostileInput, TextInsideChildrenOfAMappedElementIsNotReadTwice) {
  // <Sex> with child elements: its value was the text of all its descendants, while the
  // children were kept as extensions too; each write and read added their text again
  // ("xxxyyy", "xxxyyyyyy", ...).
  std::string claim = ferry::test::xmlSample("claim_submission.xml");
  const std::string sex = "<Sex>M</Sex>";
  claim.replace(claim.find(sex), sex.size(), "<Sex>M<d><d>yyy<d/></d></d></Sex>");
  const xml::ReadResult first = xml::read(claim, ferry::test::shippedProfiles());
  ASSERT_TRUE(first) << first.error.describe();
  const xml::WriteResult written = xml::write(*first.message, *first.profile);
  ASSERT_TRUE(written) << written.error;
  const xml::ReadResult second = xml::read(written.xml, *first.profile);
  ASSERT_TRUE(second) << second.error.describe();
  const xml::WriteResult again = xml::write(*second.message, *first.profile);
  EXPECT_EQ(again.xml, written.xml);
  EXPECT_EQ(written.xml.find("yyyyyy"), std::string::npos) << written.xml;
  EXPECT_EQ(ferry::test::compareTrees(claim, written.xml), "") << "nothing lost either";
}

TEST(XmlHostileInput, AMappedValueThatIsNotUtf8IsAnEncodingErrorAtItsElement) {
  // pugixml reads a document that is not declared ISO-8859-1 as UTF-8 without checking it: the
  // bytes went into the canonical JSON, which was then not UTF-8.
  std::string remittance = ferry::test::xmlSample("remittance.xml");
  remittance.replace(remittance.find("Acme Health"), 4, "Acme \xE9");
  const xml::ReadResult r = xml::read(remittance, ferry::test::shippedProfiles());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error.code, xml::ErrorCode::Encoding);
  EXPECT_EQ(r.error.path, "/c:Remittance");
  EXPECT_NE(r.error.text.find("byte 6 of the value of 'c:Header/c:Payer'"), std::string::npos) << r.error.text;
}

TEST(XmlHostileInput, AnUnmappedAttributeNameThatIsNotUtf8IsAnEncodingError) {
  // "seq\xAE" on a claim line: the name went into an extension's path.
  std::string claim = ferry::test::xmlSample("claim_submission.xml");
  claim.insert(claim.find("=\"2\" date="), "\xAE");
  const xml::ReadResult r = xml::read(claim, ferry::test::shippedProfiles());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error.code, xml::ErrorCode::Encoding);
  EXPECT_NE(r.error.text.find("a name here"), std::string::npos) << r.error.text;
  EXPECT_EQ(r.error.path.find('\xAE'), std::string::npos) << "the error itself stays UTF-8";
}

TEST(XmlHostileInput, UnmappedTextThatIsNotUtf8IsAnEncodingError) {
  std::string claim = ferry::test::xmlSample("claim_submission.xml");
  claim.insert(claim.find("</Claim>"), "<Note>\xC3\x28</Note>");
  const xml::ReadResult r = xml::read(claim, ferry::test::shippedProfiles());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error.code, xml::ErrorCode::Encoding);
  EXPECT_NE(r.error.path.find("Note"), std::string::npos) << r.error.describe();
}

TEST(XmlHostileInput, ALatin1DocumentDeclaredAsSuchIsRead) {
  std::string remittance = ferry::test::xmlSample("remittance.xml");
  remittance.replace(remittance.find("encoding=\"UTF-8\""), 16, "encoding=\"ISO-8859-1\"");
  remittance.replace(remittance.find("Acme Health"), 4, "Acm\xE9");
  const xml::ReadResult r = xml::read(remittance, ferry::test::shippedProfiles());
  ASSERT_TRUE(r) << r.error.describe();
  EXPECT_NE(ferry::canonical::toJson(*r.message).find("Acm\xC3\xA9 Health"), std::string::npos);
}

TEST(XmlHostileInput, AnAttributeInANamespaceTheProfileDoesNotKnowIsWrittenWithItsDeclaration) {
  // xsi's URI damaged by one byte: the root's schemaLocation attribute was kept under the
  // generated prefix ns1 and written back as ns1:schemaLocation without declaring ns1, so the
  // written document did not read ("the namespace prefix 'ns1' ... is not declared").
  std::string invoice = ferry::test::xmlSample("generalinvoice_request.xml");
  invoice.replace(invoice.find("XMLSchema-instance\""), 19, "XMLSchema-instancX\"");
  const xml::ReadResult first = xml::read(invoice, ferry::test::shippedProfiles());
  ASSERT_TRUE(first) << first.error.describe();
  const xml::WriteResult written = xml::write(*first.message, *first.profile);
  ASSERT_TRUE(written) << written.error;
  EXPECT_NE(written.xml.find("xmlns:ns1=\"http://www.w3.org/2001/XMLSchema-instancX\""), std::string::npos);
  const xml::ReadResult second = xml::read(written.xml, *first.profile);
  ASSERT_TRUE(second) << second.error.describe();
  EXPECT_EQ(xml::write(*second.message, *first.profile).xml, written.xml);
}

TEST(XmlHostileInput, AnElementOrAttributeNameWithAStrayColonIsMalformed) {
  // Found by the xml_read fuzzer: pugixml takes ":nvoice:service" as a name; the reader took it
  // as the unprefixed local name "nvoice:service" and wrote it back as the prefix "nvoice",
  // undeclared, so that Ferry's own output did not read again.
  std::string invoice = ferry::test::xmlSample("generalinvoice_request.xml");
  const std::string services = "<invoice:services>";
  invoice.insert(invoice.find(services) + services.size(), "<:nvoice:service record_id=\"3\"/>");
  const xml::ReadResult r = xml::read(invoice, ferry::test::shippedProfiles());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error.code, xml::ErrorCode::Malformed);
  EXPECT_EQ(r.error.line, 117u);
  EXPECT_EQ(r.error.text,
            "the name ':nvoice:service' is not a qualified name: expected a local name, or a prefix, one "
            "colon and a local name");

  std::string claim = ferry::test::xmlSample("claim_submission.xml");
  claim.replace(claim.find("<Sex>"), 5, "<Sex a:b:c=\"1\">");
  const xml::ReadResult attribute = xml::read(claim, ferry::test::shippedProfiles());
  ASSERT_FALSE(attribute);
  EXPECT_EQ(attribute.error.line, 14u);
  EXPECT_NE(attribute.error.text.find("the name 'a:b:c' is not a qualified name"), std::string::npos)
      << attribute.error.text;
}

TEST(XmlHostileInput, AnAttributeWithAnUndeclaredPrefixIsReportedOnItsElementsLine) {
  // pugixml finds a node's offset through its name; once the element was renamed to the
  // profile's prefix, the error about its attribute said line 1.
  std::string claim = ferry::test::xmlSample("claim_submission.xml");
  claim.replace(claim.find("<Sex>"), 5, "<Sex q:x=\"1\">");
  const xml::ReadResult r = xml::read(claim, ferry::test::shippedProfiles());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error.text, "the namespace prefix 'q' of 'q:x' is not declared");
  EXPECT_EQ(r.error.line, 14u);
}

TEST(XmlHostileInput, AnUnmappedAttributeWhoseElementIsNotWrittenCreatesNoEmptyElement) {
  // A claim with a second <Lines>: its lines are read as items and written into the first, so
  // the written document has no Lines[2]. An unmapped attribute kept from Lines[2]/Line[1]/
  // Procedure created that element, empty: a <Line> without the code the profile requires, and
  // Ferry's own output did not read again (found by fuzz_xml_read).
  std::string claim = ferry::test::xmlSample("claim_submission.xml");
  const std::size_t end = claim.find("</Lines>") + std::string("</Lines>").size();
  claim.insert(end,
               "<Lines><Line seq=\"3\" date=\"2026-11-20\"><Procedure system=\"CPT\" code=\"99231\" "
               "legacy=\"x\"/><Quantity>1</Quantity><Charge currency=\"USD\">80.00</Charge></Line></Lines>");
  const xml::ReadResult first = xml::read(claim, ferry::test::shippedProfiles());
  ASSERT_TRUE(first) << first.error.describe();
  const xml::WriteResult written = xml::write(*first.message, *first.profile);
  ASSERT_TRUE(written) << written.error;
  EXPECT_EQ(written.xml.find("<Lines>", written.xml.find("</Lines>")), std::string::npos) << written.xml;
  const xml::ReadResult second = xml::read(written.xml, *first.profile);
  ASSERT_TRUE(second) << second.error.describe();
  ASSERT_EQ(second.message->claims.at(0).items.size(), first.message->claims.at(0).items.size());
}

}  // namespace xml_hostile_input
