// FHIR JSON that once crashed Ferry or slipped through it, found by the mutation tests
// (mutation_test.cpp); each case keeps the exact bytes that did it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parsers/fhir/reader.h"
#include "parsers/fhir/validator.h"

namespace ferry::fhir {
namespace hostile_input {

TEST(FhirHostileInput, NestingPastTheDepthLimitIsAFatalIssueNotAStackOverflow) {
  // A million nested arrays (2 MB) overflowed the stack of the recursive parser, in read() and
  // in validate(): `ferry parse`, `ferry validate` and the HTTP intake crashed.
  const std::string deep = R"({"resourceType":"Patient","x":)" + std::string(1'000'000, '[') +
                           std::string(1'000'000, ']') + "}";
  const ReadResult r = read(deep);
  ASSERT_EQ(r.issues.size(), 1u) << describe(r.issues);
  EXPECT_EQ(r.issues[0].severity, Severity::Fatal);
  EXPECT_NE(r.issues[0].diagnostics.find("deeper than 128 levels"), std::string::npos) << r.issues[0].diagnostics;
  EXPECT_EQ(r.issues[0].offset, 30u + 127u);  // the 128th '[' opens the 129th level
  const std::vector<Issue> v = validate(std::string_view(deep));
  ASSERT_EQ(v.size(), 1u) << describe(v);
  EXPECT_EQ(v[0].diagnostics, r.issues[0].diagnostics);
  EXPECT_EQ(v[0].offset, r.issues[0].offset);
}

TEST(FhirHostileInput, NestingUpToTheDepthLimitIsRead) {
  // 128 levels: the Patient object and 127 arrays inside it.
  const std::string deep = R"({"resourceType":"Patient","x":)" + std::string(127, '[') + std::string(127, ']') + "}";
  for (const Issue& issue : read(deep).issues) EXPECT_EQ(issue.diagnostics.find("deeper"), std::string::npos);
  for (const Issue& issue : validate(std::string_view(deep))) {
    EXPECT_EQ(issue.diagnostics.find("deeper"), std::string::npos);
  }
}

TEST(FhirHostileInput, ALoneLowSurrogateEscapeIsAFatalIssue) {
  // "\uDC00" in a Patient's family name: RapidJSON decoded it to the bytes ED B0 80, which are
  // not UTF-8, and they went on into the canonical JSON (and the store, and every output).
  const std::string patient = R"({"resourceType":"Patient","gender":"male","name":[{"family":"\uDC00"}]})";
  const ReadResult r = read(patient);
  ASSERT_EQ(r.issues.size(), 1u) << describe(r.issues);
  EXPECT_EQ(r.issues[0].severity, Severity::Fatal);
  EXPECT_NE(r.issues[0].diagnostics.find("lone surrogate"), std::string::npos) << r.issues[0].diagnostics;
  ASSERT_TRUE(r.issues[0].offset);
  EXPECT_LE(*r.issues[0].offset, patient.size());
  const std::vector<Issue> v = validate(std::string_view(patient));
  ASSERT_EQ(v.size(), 1u) << describe(v);
  EXPECT_EQ(v[0].diagnostics, r.issues[0].diagnostics);
}

TEST(FhirHostileInput, ASurrogatePairEscapeIsRead) {
  const ReadResult r = read(R"({"resourceType":"Patient","gender":"male","name":[{"family":"\uDBFF\uDFFF"}]})");
  EXPECT_TRUE(r.ok()) << describe(r.issues);
  ASSERT_EQ(r.message.patient.names.size(), 1u);
  EXPECT_EQ(r.message.patient.names[0].family, "\xF4\x8F\xBF\xBF");
}

TEST(FhirHostileInput, InvalidUtf8IsMalformedForTheValidatorAsForTheReader) {
  // validate() used to accept bytes that read() refuses.
  const std::string patient = "{\"resourceType\":\"Patient\",\"gender\":\"male\",\"name\":[{\"family\":\"\xC3\x28\"}]}";
  EXPECT_FALSE(read(patient).ok());
  const std::vector<Issue> v = validate(std::string_view(patient));
  ASSERT_EQ(v.size(), 1u) << describe(v);
  EXPECT_EQ(v[0].severity, Severity::Fatal);
}

TEST(FhirHostileInput, InputEndingInsideAUtf8CharacterIsMalformedNotAReadPastTheBuffer) {
  // Found by the fhir_read fuzzer: RapidJSON's UTF-8 check took the continuation bytes of the
  // last character past the end of the buffer (AddressSanitizer: heap-buffer-overflow), in
  // read() and in validate(). 0xE0 and 0xF0 start three- and four-byte characters.
  for (const std::string tail : {"\xE0", "\xF0", "\xF0\x9F", "\xC3"}) {
    const std::string cut = "  \n {\n  \"resourceType\": \"bu20" + tail;
    const ReadResult r = read(cut);
    ASSERT_EQ(r.issues.size(), 1u) << describe(r.issues);
    EXPECT_EQ(r.issues[0].severity, Severity::Fatal);
    EXPECT_EQ(r.issues[0].diagnostics, "malformed JSON: Invalid encoding in string.");
    EXPECT_EQ(r.issues[0].offset, 29u);  // the character cut off
    const std::vector<Issue> v = validate(std::string_view(cut));
    ASSERT_EQ(v.size(), 1u) << describe(v);
    EXPECT_EQ(v[0].diagnostics, r.issues[0].diagnostics);
  }
}

TEST(FhirHostileInput, AnEntryWhoseResourceIsNotAnObjectIsAnIssueNotACrash) {
  // "resource": -1E-400 in a transaction: laying out the Bundle asked a number for its member
  // count (a RapidJSON assertion in a debug build, undefined behaviour in a release build).
  const std::string bundle = R"({"resourceType":"Bundle","type":"transaction","entry":[)"
                             R"({"fullUrl":"urn:uuid:1","resource":-1E-400,)"
                             R"("request":{"method":"POST","url":"Observation"}}]})";
  const ReadResult r = read(bundle);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.message.extensions.size(), 1u) << "the entry is kept whole";
}

TEST(FhirHostileInput, AnEntryArrayInASingleResourceIsAnIssueAtItsPath) {
  // The issue had neither a FHIRPath nor an offset: an operator could not tell where it was.
  const ReadResult r = read(R"({"resourceType":"ServiceRequest","entry":[{"resource":{}}]})");
  ASSERT_FALSE(r.ok());
  bool found = false;
  for (const Issue& issue : r.issues) found = found || issue.expression == "ServiceRequest.entry";
  EXPECT_TRUE(found) << describe(r.issues);
}

}  // namespace hostile_input
}  // namespace ferry::fhir
