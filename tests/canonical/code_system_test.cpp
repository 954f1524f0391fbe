// canonical::CodeSystem: Coding.system as a read-only string that shares well-known URIs.

#include "engine/canonical/code_system.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "engine/canonical/datatypes.h"
#include "parsers/terminology/concept_map.h"

namespace {

using ferry::canonical::CodeSystem;
using ferry::canonical::Coding;

TEST(CodeSystem, AWellKnownUriIsSharedNotCopied) {
  const CodeSystem a = "http://loinc.org";
  const CodeSystem b = std::string("http://loinc.org");
  EXPECT_TRUE(a.wellKnown());
  EXPECT_EQ(a.data(), b.data());
  EXPECT_EQ(a.str(), "http://loinc.org");
}

TEST(CodeSystem, ALocalV2CodingSystemIdIsKeptAsSent) {
  const CodeSystem local = "99LAB";
  EXPECT_FALSE(local.wellKnown());
  EXPECT_EQ(local, "99LAB");
  EXPECT_EQ(local.size(), 5u);
}

TEST(CodeSystem, AnUnknownUriIsKeptInItsOwnString) {
  CodeSystem s;
  s = std::string("http://example.org/fhir/CodeSystem/local-tests");
  EXPECT_FALSE(s.wellKnown());
  EXPECT_EQ(s, "http://example.org/fhir/CodeSystem/local-tests");
}

TEST(CodeSystem, ATextThatOnlyResemblesAWellKnownUriIsNotMistakenForIt) {
  const CodeSystem s = "http://loinc.orG";
  EXPECT_FALSE(s.wellKnown());
  EXPECT_NE(s, "http://loinc.org");
}

TEST(CodeSystem, ComparesWithTextOfEveryKind) {
  const CodeSystem s = "http://snomed.info/sct";
  EXPECT_TRUE(s == "http://snomed.info/sct");
  EXPECT_TRUE(s == std::string("http://snomed.info/sct"));
  EXPECT_TRUE(s == std::string_view("http://snomed.info/sct"));
  EXPECT_TRUE("http://snomed.info/sct" == s);
  EXPECT_TRUE(s != "L");
  EXPECT_EQ(std::string_view(s), "http://snomed.info/sct");
}

TEST(CodeSystem, ReassigningReplacesTheTextWhicheverKindItWas) {
  CodeSystem s = "L";
  s = "http://unitsofmeasure.org";
  EXPECT_TRUE(s.wellKnown());
  s = "L";
  EXPECT_FALSE(s.wellKnown());
  EXPECT_EQ(s, "L");
  s.clear();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s, "");
}

TEST(CodeSystem, CodingsWithTheSameTextAreEqual) {
  const Coding a{"http://loinc.org", "2345-7", "Glucose"};
  Coding b;
  b.system = std::string_view("http://loinc.org");
  b.code = "2345-7";
  b.display = "Glucose";
  EXPECT_EQ(a, b);
  b.system = "LN";
  EXPECT_NE(a, b);
}

// The terminology tables are where the codecs take their URIs from: each of them must be shared.
TEST(CodeSystem, EveryCodeSystemOfTheTerminologyTablesIsWellKnown) {
  namespace terminology = ferry::terminology;
  for (const auto& row : terminology::conceptMap("0396")) {
    EXPECT_TRUE(CodeSystem(row.fhir_code).wellKnown()) << row.v2_code << " " << row.fhir_code;
  }
  // Tables whose FHIR side is a Coding (not a plain code such as address-use or name-use).
  for (std::string_view table :
       {"0001", "0004", "0038", "0063", "0078", "0085", "0119", "0123", "0162", "0163", "0203"}) {
    EXPECT_FALSE(terminology::conceptMap(table).empty()) << table;
    for (const auto& row : terminology::conceptMap(table)) {
      EXPECT_TRUE(CodeSystem(row.fhir_system).wellKnown()) << table << " " << row.fhir_system;
    }
  }
}

}  // namespace
