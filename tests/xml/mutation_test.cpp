// Insurer XML under structure-aware mutation: every XML sample, its tags, attributes, texts,
// entities and namespaces damaged, read with the shipped profiles. Run under AddressSanitizer and
// UBSan, a crash or an out-of-bounds read fails the suite by itself; the properties below fail it
// otherwise:
// - a refused document has an error sentence and a place: line and column inside the input, or
//   the XPath of the node concerned;
// - what is read has canonical JSON that is JSON (RapidJSON, UTF-8 validated);
// - what is read is written with its profile (when the profile can carry it), read again and
//   written again to the same document (elements, attributes and texts by namespace URI).
//
// Deterministic: fixed seeds. FERRY_MUTATION_ROUNDS=N runs N rounds (default 1), each with new
// mutants from the next seed, for a long soak by hand. What the mutants found is pinned in
// hostile_input_test.cpp.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "engine/canonical/json_writer.h"
#include "parsers/xml/reader.h"
#include "parsers/xml/safe_parser.h"
#include "parsers/xml/writer.h"
#include "tests/support/files.h"
#include "tests/support/mutation_rounds.h"
#include "tests/xml/xml_test_support.h"

namespace xml = ferry::xml;

// Named, not anonymous: the unity build puts several test files in one translation unit.
namespace xml_mutation {

using ferry::test::mutationRounds;

// A DOCTYPE whose entity lol9 expands to 10^9 "lol"s (the billion laughs).
std::string billionLaughs() {
  std::string dtd = "<!DOCTYPE r [<!ENTITY lol \"lol\">";
  for (int i = 1; i <= 9; ++i) {
    dtd += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) dtd += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    dtd += "\">";
  }
  dtd += "]>";
  return dtd;
}

using Seed = ferry::test::FileText;

// Every XML sample: the shared ones (../shared/samples/xml, when present) and the sample
// configuration's.
const std::vector<Seed>& seeds() {
  static const std::string root = FERRY_SOURCE_DIR;
  static const std::vector<Seed> all =
      ferry::test::readFilesIn({root + "/../shared/samples/xml", root + "/samples/xml"}, ".xml");
  return all;
}

// Markup of a seed: where each tag ('<' to '>') lies; text runs lie between.
struct Tag {
  std::size_t begin;
  std::size_t end;  // one past '>'
  bool closing;
};

std::vector<Tag> tagsOf(const std::string& x) {
  std::vector<Tag> tags;
  for (std::size_t at = x.find('<'); at != std::string::npos; at = x.find('<', at + 1)) {
    const std::size_t gt = x.find('>', at);
    if (gt == std::string::npos) break;
    tags.push_back({at, gt + 1, at + 1 < x.size() && x[at + 1] == '/'});
    at = gt;
  }
  return tags;
}

// The name in a tag: "Claim" of <Claim id="1">, "invoice:body" of </invoice:body>.
std::string nameIn(const std::string& x, const Tag& t) {
  std::size_t b = t.begin + (t.closing ? 2 : 1);
  std::size_t e = b;
  while (e < t.end && std::string_view(" \t\r\n/>").find(x[e]) == std::string_view::npos) ++e;
  return x.substr(b, e - b);
}

template <std::size_t N>
std::string pick(std::mt19937& random, const char* const (&options)[N]) {
  return options[random() % N];
}

// A text run's place: just after a start tag (its text, or before its first child).
std::size_t textPlace(std::mt19937& random, const std::vector<Tag>& tags) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    const Tag& t = tags[random() % tags.size()];
    if (!t.closing) return t.end;
  }
  return tags.back().begin;
}

std::string mutate(const std::string& x, std::mt19937& random, std::string& kind) {
  const std::vector<Tag> tags = tagsOf(x);
  if (tags.empty()) {
    kind = "none";
    return x;
  }
  const Tag& tag = tags[random() % tags.size()];
  std::string out = x;
  static constexpr const char* kTexts[] = {
      "&amp;", "&lt;&gt;", "&undefined;", "&#0;", "&#x110000;", "&#xD800;", "&#65;", "&", "&#;", "&#x;",
      "&#99999999999;", "&lol9;", "\xC3\x28", "\xFF\xFE", "\xED\xA0\x80", "\xC0\xAF", "\xE2\x82", "]]>",
      "<![CDATA[x]]>", "<!-- c -->", "<?pi x?>", "<![CDATA[", "<!--", "&#x0;", "\x01", "&apos;&quot;"};
  switch (random() % 13) {
    case 0:  // a tag's '<', '>' or '/' dropped
      kind = "tag-damage";
      out.erase(random() % 2 == 0 ? tag.begin : tag.end - 1, 1);
      return out;
    case 1:  // a whole tag dropped or doubled
      kind = "tag-drop-or-double";
      if (random() % 2 == 0) out.erase(tag.begin, tag.end - tag.begin);
      else out.insert(tag.begin, x.substr(tag.begin, tag.end - tag.begin));
      return out;
    case 2: {  // a tag renamed: mismatched end tags, unknown elements, another root
      kind = "rename";
      const std::string name = nameIn(x, tag);
      const std::string other = nameIn(x, tags[random() % tags.size()]);
      static constexpr const char* kNames[] = {"Unknown", "x:Claim", "Claim", "Remittance",
                                               "invoice:request", "", "1a"};
      out.replace(tag.begin + (tag.closing ? 2 : 1), name.size(), random() % 2 == 0 ? other : pick(random, kNames));
      return out;
    }
    case 3:  // an attribute's quote, '=' or value damaged
      kind = "attribute";
      for (std::size_t at = tag.begin; at < tag.end; ++at) {
        if ((x[at] == '"' || x[at] == '=') && random() % 3 == 0) {
          if (random() % 2 == 0) out.erase(at, 1);
          else out.insert(at + 1, pick(random, kTexts));
          return out;
        }
      }
      out.insert(tag.end - 1, " a=\"1\" a=\"2\"");  // a duplicated attribute
      return out;
    case 4:  // truncation at a tag boundary
      kind = "truncate";
      return x.substr(0, random() % 2 == 0 ? tag.begin : tag.end);
    case 5:  // entities, character references, invalid UTF-8, markup in text
      kind = "text";
      out.insert(textPlace(random, tags), pick(random, kTexts));
      return out;
    case 6: {  // namespaces
      kind = "namespace";
      static constexpr const char* kDeclarations[] = {
          " xmlns=\"\"", " xmlns=\"urn:example:other\"", " xmlns:c=\"urn:example:insurer:claims:1\"",
          " xmlns:invoice=\"\"", " xmlns:x=\"urn:x\"", " xmlns=\"http://www.forum-datenaustausch.ch/invoice\"",
          " xmlns:xmlns=\"x\"", " xmlns:xml=\"urn:x\""};
      if (const std::size_t ns = x.find("xmlns"); ns != std::string::npos && random() % 2 == 0) {
        out.erase(ns, x.find('"', x.find('"', ns) + 1) + 1 - ns);  // the first declaration gone
        return out;
      }
      if (!tag.closing) out.insert(tag.begin + 1 + nameIn(x, tag).size(), pick(random, kDeclarations));
      return out;
    }
    case 7:  // huge text
      kind = "huge-text";
      out.insert(textPlace(random, tags), std::string(std::size_t{1} << (12 + random() % 9), 'x'));
      return out;
    case 8: {  // deep nesting around the limit (64) and past it
      kind = "deep";
      static constexpr std::size_t kDepths[] = {10, 61, 62, 63, 64, 65, 200, 5000};
      const std::size_t depth = kDepths[random() % std::size(kDepths)];
      std::string nest;
      for (std::size_t i = 0; i < depth; ++i) nest += "<d>";
      for (std::size_t i = 0; i < depth; ++i) nest += "</d>";
      out.insert(textPlace(random, tags), nest);
      return out;
    }
    case 9: {  // a billion-laughs style DOCTYPE in front, used in the text
      kind = "doctype";
      const std::string dtd = billionLaughs();
      const std::size_t decl = x.rfind("?>", 100);
      out.insert(decl == std::string::npos ? 0 : decl + 2, dtd);
      out.insert(textPlace(random, tags) + dtd.size(), "&lol9;");
      return out;
    }
    case 10:  // a random byte changed, inserted or removed
      kind = "byte";
      switch (const std::size_t at = random() % out.size(); random() % 3) {
        case 0: out.erase(at, 1); break;
        case 1: out.insert(at, 1, static_cast<char>(random() % 256)); break;
        default: out[at] = static_cast<char>(random() % 256); break;
      }
      return out;
    case 11: {  // an element moved elsewhere
      kind = "splice";
      const Tag& other = tags[random() % tags.size()];
      const std::size_t length = std::min<std::size_t>(tag.end - tag.begin + random() % 200, x.size() - tag.begin);
      out.insert(other.begin, x.substr(tag.begin, length));
      return out;
    }
    default: {  // a text or attribute value replaced by an odd value
      kind = "value";
      static constexpr const char* kValues[] = {"", "-0", "1e999", "NaN", "99999999999999999999", "2026-13-45",
                                               "2026", " ", "0", "-1", "1.2.3", "\xE2\x80\xAE", "CLM-55013"};
      const std::size_t place = textPlace(random, tags);
      const std::size_t lt = x.find('<', place);
      if (lt != std::string::npos) out.replace(place, lt - place, pick(random, kValues));
      return out;
    }
  }
}

std::string jsonProblem(const std::string& json) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (!d.HasParseError()) return {};
  return std::string(rapidjson::GetParseError_En(d.GetParseError())) + " at byte " +
         std::to_string(d.GetErrorOffset());
}

// Checks one document; returns "" or the first property it breaks.
std::string check(const std::string& input) {
  const xml::ReadResult first = xml::read(input, ferry::test::shippedProfiles());
  if (!first) {
    const xml::Error& e = first.error;
    if (e.text.empty()) return "an error without a sentence: " + e.describe();
    if (!e.hasPosition() && e.path.empty()) return "an error without a place: " + e.describe();
    if (e.hasPosition() && e.offset > input.size()) return "an error past the input: " + e.describe();
    return {};
  }
  const std::string canonicalJson = ferry::canonical::toJson(*first.message);
  if (std::string bad = jsonProblem(canonicalJson); !bad.empty()) return "canonical JSON is not JSON: " + bad;
  if (first.profile == nullptr) return "read without a profile";
  const xml::WriteResult written = xml::write(*first.message, *first.profile);
  if (!written) return {};  // the profile cannot carry what is left (e.g. no claim): not this test's business
  const xml::ReadResult second = xml::read(written.xml, *first.profile);
  if (!second) return "the written document does not read: " + second.error.describe() + "\n" + written.xml;
  const xml::WriteResult again = xml::write(*second.message, *first.profile);
  if (!again) return "the second reading cannot be written: " + again.error;
  // Compared as trees: a kept element may repeat the declaration of the profile's own
  // namespace in one write and not the next, which changes bytes but not the document.
  if (const std::string diff = ferry::test::compareTrees(written.xml, again.xml); !diff.empty()) {
    return "writing again gives another document (" + diff + "):\n" + written.xml + "\nvs\n" + again.xml;
  }
  return {};
}

// A failing mutant for the failure message: whole when short, else around where it leaves the seed.
std::string shown(const std::string& input, const std::string& seed) {
  if (input.size() <= 600) return input;
  std::size_t at = 0;
  while (at < input.size() && at < seed.size() && input[at] == seed[at]) ++at;
  const std::size_t from = at > 300 ? at - 300 : 0;
  return "(" + std::to_string(input.size()) + " bytes, from byte " + std::to_string(from) + ") ..." +
         input.substr(from, 600) + "...";
}


TEST(XmlMutation, EverySeedHoldsThePropertiesUnchanged) {
  ASSERT_GE(seeds().size(), 4u) << "the XML samples were not found";
  for (const Seed& seed : seeds()) {
    EXPECT_TRUE(xml::read(seed.text, ferry::test::shippedProfiles())) << seed.name;
    EXPECT_EQ(check(seed.text), "") << seed.name;
  }
}

TEST(XmlMutation, RandomMutantsHoldTheProperties) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  std::size_t mutants = 0;
  std::size_t failures = 0;
  for (int round = 0; round < mutationRounds(); ++round) {
    std::mt19937 random(20261127u + static_cast<unsigned>(round));
    for (const Seed& seed : seeds()) {
      for (int m = 0; m < 300 && std::chrono::steady_clock::now() < deadline; ++m, ++mutants) {
        std::string kind;
        // Sometimes two mutations on top of each other.
        std::string mutant = mutate(seed.text, random, kind);
        if (random() % 4 == 0) {
          std::string second;
          mutant = mutate(mutant, random, second);
          kind += "+" + second;
        }
        if (const std::string bad = check(mutant); !bad.empty() && ++failures <= 5) {
          ADD_FAILURE() << seed.name << ", round " << round << ", mutant " << m << " (" << kind << "): " << bad
                        << "\ninput: " << shown(mutant, seed.text);
        }
      }
    }
  }
  EXPECT_EQ(failures, 0u);
  RecordProperty("mutants", static_cast<int>(mutants));
}

TEST(XmlMutation, TruncatedAnywhereEveryDocumentIsAPlacedError) {
  for (const Seed& seed : seeds()) {
    const std::size_t last = seed.text.find_last_of('>');
    const std::size_t step = 1 + seed.text.size() / (400 * static_cast<std::size_t>(mutationRounds()));
    for (std::size_t cut = 0; cut < last; cut += step) {
      const std::string head = seed.text.substr(0, cut);
      EXPECT_FALSE(xml::read(head, ferry::test::shippedProfiles())) << seed.name << " cut at byte " << cut;
      EXPECT_EQ(check(head), "") << seed.name << " cut at byte " << cut;
      if (HasFailure()) return;
    }
  }
}

TEST(XmlMutation, ABillionLaughsDocumentIsRefusedAtItsDoctype) {
  const std::string dtd = billionLaughs();
  const std::string claim = seeds().front().text;
  const std::size_t root = claim.find("<ClaimSubmission");
  ASSERT_NE(root, std::string::npos);
  std::string hostile = claim.substr(0, root) + dtd + claim.substr(root);
  hostile.insert(hostile.find("</SubmissionId>"), "&lol9;");
  const xml::ReadResult r = xml::read(hostile, ferry::test::shippedProfiles());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error.code, xml::ErrorCode::Doctype);
  EXPECT_EQ(r.error.offset, root);
  EXPECT_EQ(check(hostile), "");
  // pugixml itself, asked to keep the DOCTYPE, does not expand the entities either: the
  // reference stays as text, so even without Ferry's refusal nothing would grow.
  pugi::xml_document document;
  ASSERT_TRUE(document.load_string(hostile.c_str(), pugi::parse_default | pugi::parse_doctype));
  const std::string id = document.child("ClaimSubmission").child("Header").child("SubmissionId").text().get();
  EXPECT_EQ(id, "SUB-20261121-0042&lol9;");
}

}  // namespace xml_mutation
