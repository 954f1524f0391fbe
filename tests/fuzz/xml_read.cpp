// Fuzz target: insurer XML -> canonical with the shipped profiles (samples/profiles), as the HTTP
// intake and `ferry parse` read it. The properties are tests/xml/mutation_test.cpp's: a refused
// document has a sentence and a place (line and column inside the input, or an XPath); what is
// read gives canonical JSON; what is read and can be written with its profile reads again, and
// written again gives the same document (compared as trees).
//
// Input: one XML document.

#include <rapidjson/document.h>

#include "engine/canonical/json_writer.h"
#include "parsers/xml/reader.h"
#include "parsers/xml/writer.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/xml/xml_test_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace xml = ferry::xml;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const xml::ReadResult first = xml::read(input, ferry::test::shippedProfiles());
  if (!first) {
    const xml::Error& e = first.error;
    ferry::fuzz::check(!e.text.empty(), "an error without a sentence");
    ferry::fuzz::check(e.hasPosition() || !e.path.empty(), "an error without a place: " + e.describe());
    ferry::fuzz::check(!e.hasPosition() || e.offset <= size, "an error past the input: " + e.describe());
    return 0;
  }
  ferry::fuzz::check(first.profile != nullptr, "a document read without a profile");
  const std::string canonical_json = ferry::canonical::toJson(*first.message);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(canonical_json.data(), canonical_json.size());
  ferry::fuzz::check(!doc.HasParseError(), "the canonical JSON is not JSON");

  const xml::WriteResult written = xml::write(*first.message, *first.profile);
  if (!written) return 0;  // the profile cannot carry what was read (e.g. no claim)
  const xml::ReadResult second = xml::read(written.xml, *first.profile);
  ferry::fuzz::check(static_cast<bool>(second), "the written document does not read: " + second.error.describe());
  const xml::WriteResult again = xml::write(*second.message, *first.profile);
  ferry::fuzz::check(static_cast<bool>(again), "the second reading cannot be written: " + again.error);
  const std::string diff = ferry::test::compareTrees(written.xml, again.xml);
  ferry::fuzz::check(diff.empty(), "writing again gives another document: " + diff);
  return 0;
}
