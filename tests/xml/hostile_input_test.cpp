// Insurer XML that once slipped through Ferry's reader or broke its promises, found by the
// mutation tests (mutation_test.cpp); each case keeps the bytes that did it.
#include <gtest/gtest.h>

#include <string>

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

}  // namespace xml_hostile_input
