#include "parsers/xml/safe_parser.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <streambuf>

#include "parsers/xml/reader.h"
#include "tests/xml/xml_test_support.h"

namespace xml = ferry::xml;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::optional<xml::Error> parse(const std::string& text, const xml::Limits& limits = {}) {
  pugi::xml_document document;
  return xml::parseDocument(text, limits, document);
}

std::string nested(std::size_t depth) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += "<a>";
  for (std::size_t i = 0; i < depth; ++i) text += "</a>";
  return text;
}

const std::string kBillionLaughs =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE lolz [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
    "]>\n"
    "<lolz>&lol9;</lolz>\n";

// A stream of endless start tags that never ends before size bytes, without holding them.
class GeneratedStream : public std::streambuf {
 public:
  explicit GeneratedStream(std::uint64_t size) : remaining_(size), chunk_(1 << 20, '\0') {
    for (std::size_t i = 0; i < chunk_.size(); ++i) chunk_[i] = "<a>"[i % 3];
  }
  std::uint64_t delivered() const { return delivered_; }

 protected:
  int_type underflow() override {
    if (remaining_ == 0) return traits_type::eof();
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, chunk_.size()));
    remaining_ -= n;
    delivered_ += n;
    setg(chunk_.data(), chunk_.data(), chunk_.data() + n);
    return traits_type::to_int_type(chunk_[0]);
  }

 private:
  std::uint64_t remaining_;
  std::uint64_t delivered_ = 0;
  std::string chunk_;
};

constexpr std::uint64_t kOneGigabyte = std::uint64_t{1} << 30;

}  // namespace

TEST(XmlSafeParser, MalformedXmlReportsOffsetLineAndColumn) {
  const auto error = parse("<a>\n  <b>text</c>\n</a>");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, xml::ErrorCode::Malformed);
  EXPECT_EQ(error->line, 2u);
  EXPECT_EQ(error->offset, 15u);  // the name of the end tag </c>
  EXPECT_EQ(error->column, 12u);
  EXPECT_NE(error->describe().find("line 2, column 12 (byte 15): the XML is not well-formed: start-end tags mismatch"),
            std::string::npos)
      << error->describe();
}

TEST(XmlSafeParser, EmptyInputHoldsNoElement) {
  const auto error = parse("  \n");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, xml::ErrorCode::Malformed);
  EXPECT_NE(error->text.find("no XML element"), std::string::npos);
}

TEST(XmlSafeParser, BillionLaughsIsRefusedQuickly) {
  const auto start = Clock::now();
  const auto error = parse(kBillionLaughs);
  EXPECT_LT(secondsSince(start), 1.0);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, xml::ErrorCode::Doctype);
  EXPECT_EQ(error->offset, 22u);
  EXPECT_EQ(error->line, 2u);
  EXPECT_NE(error->text.find("refuses DOCTYPE"), std::string::npos);
}

TEST(XmlSafeParser, BillionLaughsIsRefusedByTheReader) {
  const xml::ReadResult result = xml::read(kBillionLaughs, ferry::test::shippedProfiles());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error.code, xml::ErrorCode::Doctype);
}

TEST(XmlSafeParser, DoctypeWithExternalEntityIsRefused) {
  const auto error = parse(
      "<?xml version=\"1.0\"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<foo>&xxe;</foo>");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, xml::ErrorCode::Doctype);
}

TEST(XmlSafeParser, ExternalDtdIsRefused) {
  const auto error = parse("<!-- c --><!DOCTYPE ClaimSubmission SYSTEM \"http://example.org/c.dtd\"><ClaimSubmission/>");
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, xml::ErrorCode::Doctype);
  EXPECT_EQ(error->offset, 10u);
}

TEST(XmlSafeParser, UnknownEntityReferenceIsNeverExpanded) {
  pugi::xml_document document;
  ASSERT_FALSE(xml::parseDocument("<a>&xxe;&lt;</a>", {}, document).has_value());
  EXPECT_STREQ(document.document_element().child_value(), "&xxe;<");
}

TEST(XmlSafeParser, MarkupInsideCommentsCdataAndAttributesIsNotStructure) {
  EXPECT_FALSE(parse("<a x=\"1>2\" y='<b>'><!-- <!DOCTYPE x> <c> --><![CDATA[<d><e>]]><?pi <f>?></a>").has_value());
  xml::Limits limits;
  limits.max_elements = 3;  // <a>, the CDATA section and the comment; nothing inside them
  EXPECT_FALSE(parse("<a><![CDATA[<b/><c/>]]><!-- <d/> --></a>", limits).has_value());
}

TEST(XmlSafeParser, CommentsCountTowardsTheElementLimit) {
  // Text split by comments costs a node per piece, so comments are counted like elements.
  xml::Limits limits;
  limits.max_elements = 10;
  std::string text = "<a>";
  for (int i = 0; i < 10; ++i) text += "x<!---->";
  text += "</a>";
  const auto error = parse(text, limits);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, xml::ErrorCode::TooManyElements);
}

TEST(XmlSafeParser, TooManyAttributesAreRefused) {
  xml::Limits limits;
  limits.max_attributes = 3;
  EXPECT_FALSE(parse("<a x='1' y=\"a=b\"><b z='2'/></a>", limits).has_value());
  const auto error = parse("<a x='1' y='2'><b z='3' w='4'/></a>", limits);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, xml::ErrorCode::TooManyElements);
  EXPECT_EQ(error->offset, 15u);
  EXPECT_NE(error->text.find("limit of 3 attributes"), std::string::npos);
}

TEST(XmlSafeParser, NestingAtTheLimitIsAccepted) {
  EXPECT_FALSE(parse(nested(64)).has_value());
}

TEST(XmlSafeParser, NestingPastTheLimitIsRefused) {
  const auto error = parse(nested(65));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, xml::ErrorCode::TooDeep);
  EXPECT_EQ(error->offset, 64u * 3);
  EXPECT_NE(error->text.find("limit of 64 levels"), std::string::npos);
}

TEST(XmlSafeParser, DeepNestingIsRefusedQuickly) {
  const std::string text = nested(1'000'000);
  const auto start = Clock::now();
  const auto error = parse(text);
  EXPECT_LT(secondsSince(start), 1.0);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, xml::ErrorCode::TooDeep);
}

TEST(XmlSafeParser, DepthLimitIsConfigurable) {
  xml::Limits limits;
  limits.max_depth = 3;
  EXPECT_FALSE(parse(nested(3), limits).has_value());
  EXPECT_EQ(parse(nested(4), limits)->code, xml::ErrorCode::TooDeep);
}

TEST(XmlSafeParser, TooManyElementsAreRefusedBeforeTheTreeIsBuilt) {
  std::string text = "<r>";
  for (int i = 0; i < 1'000'000; ++i) text += "<a/>";
  text += "</r>";
  const auto start = Clock::now();
  const auto error = parse(text);
  EXPECT_LT(secondsSince(start), 1.0);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, xml::ErrorCode::TooManyElements);
  EXPECT_EQ(error->offset, 3u + 4u * 999'999);
}

TEST(XmlSafeParser, ElementLimitIsConfigurable) {
  xml::Limits limits;
  limits.max_elements = 3;
  EXPECT_FALSE(parse("<r><a/><b/></r>", limits).has_value());
  EXPECT_EQ(parse("<r><a/><b/><c/></r>", limits)->code, xml::ErrorCode::TooManyElements);
}

TEST(XmlSafeParser, SizeLimitIsConfigurable) {
  xml::Limits limits;
  limits.max_bytes = 10;
  const auto error = parse("<a>12345</a>", limits);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, xml::ErrorCode::TooLarge);
  EXPECT_NE(error->text.find("12 bytes, more than the limit of 10 bytes"), std::string::npos) << error->text;
}

TEST(XmlSafeParser, OneGigabyteFileIsRefusedBeforeItIsRead) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("ferry_xml_1gb_" + std::to_string(::getpid()) + ".xml");
  const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(kOneGigabyte)), 0);  // sparse: no disk used
  ::close(fd);
  const auto start = Clock::now();
  const xml::ReadResult result = xml::readFile(path, ferry::test::shippedProfiles());
  const double seconds = secondsSince(start);
  std::filesystem::remove(path);
  EXPECT_LT(seconds, 1.0);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error.code, xml::ErrorCode::TooLarge);
  EXPECT_NE(result.error.text.find("1073741824 bytes, more than the limit of 67108864 bytes"),
            std::string::npos)
      << result.error.text;
}

TEST(XmlSafeParser, OneGigabyteStreamIsRefusedAtTheLimitNotAtItsEnd) {
  GeneratedStream generator(kOneGigabyte);
  std::istream in(&generator);
  const xml::ReadResult result = xml::read(in, ferry::test::shippedProfiles());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error.code, xml::ErrorCode::TooLarge);
  EXPECT_NE(result.error.text.find("limit of 67108864 bytes"), std::string::npos) << result.error.text;
  // Reading stopped within one generator chunk past the 64 MB limit.
  EXPECT_LE(generator.delivered(), (std::uint64_t{64} << 20) + (1 << 20));
}

TEST(XmlSafeParser, OneGigabyteStreamIsRefusedInUnderASecond) {
  // The default 64 MB limit costs reading 64 MB (a few ms in a release build, far more under
  // the sanitizers of the test build); a smaller limit shows the refusal is at the limit.
  GeneratedStream generator(kOneGigabyte);
  std::istream in(&generator);
  xml::Limits limits;
  limits.max_bytes = 4 << 20;
  const auto start = Clock::now();
  const xml::ReadResult result = xml::read(in, ferry::test::shippedProfiles(), limits);
  EXPECT_LT(secondsSince(start), 1.0);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error.code, xml::ErrorCode::TooLarge);
  EXPECT_LE(generator.delivered(), (std::uint64_t{5} << 20));
}

TEST(XmlSafeParser, Utf16IsRefusedWithAClearError) {
  const std::string utf16("\xFF\xFE<\0a\0/\0>\0", 10);
  const auto error = parse(utf16);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, xml::ErrorCode::Encoding);
}

TEST(XmlSafeParser, Latin1DeclaredDocumentIsReadAsUtf8) {
  pugi::xml_document document;
  ASSERT_FALSE(xml::parseDocument("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>Z\xFCrich</a>", {},
                                  document)
                   .has_value());
  EXPECT_STREQ(document.document_element().child_value(), "Z\xC3\xBCrich");
}
