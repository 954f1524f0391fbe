// FHIR -> canonical -> FHIR keeps every element of the input: the elements Ferry does not model
// travel as canonical extensions and are written back in their place.
#include <gtest/gtest.h>

#include "parsers/fhir/reader.h"
#include "parsers/fhir/validator.h"
#include "parsers/fhir/writer.h"
#include "tests/fhir/fhir_test_support.h"
#include "tests/fhir/produced.h"

namespace ferry::fhir {
namespace {

using test::data;

class FhirRoundTrip : public ::testing::TestWithParam<test::FhirInput> {};

TEST_P(FhirRoundTrip, EveryInputElementComesBackWithItsValue) {
  const test::FhirInput& in = GetParam();
  const std::string input = data(in.file);
  const ReadResult r = test::readOk(input);
  const std::string output = test::writtenBack(in, r.message);
  EXPECT_EQ(test::joined(test::missingElements(input, output)), "") << output;
  EXPECT_TRUE(test::errorsOf(output).empty()) << describe(test::errorsOf(output));
}

TEST_P(FhirRoundTrip, ReadingTheOutputGivesTheSameMessage) {
  const test::FhirInput& in = GetParam();
  const ReadResult first = test::readOk(data(in.file));
  const std::string output = test::writtenBack(in, first.message);
  const ReadResult second = test::readOk(output);
  canonical::Message a = first.message;
  canonical::Message b = second.message;
  // The written Bundle may carry what the first read derived (an encounter link, a generated
  // fullUrl), so extensions may differ; every modelled value must not.
  a.extensions.clear();
  b.extensions.clear();
  EXPECT_EQ(a.patient, b.patient);
  EXPECT_EQ(a.encounter, b.encounter);
  EXPECT_EQ(a.orders, b.orders);
  EXPECT_EQ(a.observations, b.observations);
  EXPECT_EQ(a.specimens, b.specimens);
  EXPECT_EQ(a.notes, b.notes);
  EXPECT_EQ(a.immunizations, b.immunizations);
  EXPECT_EQ(a.coverages, b.coverages);
  EXPECT_EQ(a.claims, b.claims);
  EXPECT_EQ(a.claim_responses, b.claim_responses);
  EXPECT_EQ(test::joined(test::missingElements(output, test::writtenBack(in, second.message))), "")
      << "writing the second reading loses nothing of the first output either";
}

INSTANTIATE_TEST_SUITE_P(Inputs, FhirRoundTrip, ::testing::ValuesIn(test::fhirInputs()),
                         [](const ::testing::TestParamInfo<test::FhirInput>& info) {
                           std::string name = info.param.file;
                           return name.substr(0, name.find('.'));
                         });

TEST(FhirRoundTripDetail, ExtensionsGoBackInTheirPlaceAndOrder) {
  const ReadResult r = test::readOk(data("bundle_rich_transaction.json"));
  const std::string out = writeBundle(r.message, BundleType::Transaction);
  // The Patient's unmodelled elements are back where the definitions put them.
  const std::size_t patient = out.find(R"("resourceType":"Patient")");
  ASSERT_NE(patient, std::string::npos);
  EXPECT_LT(out.find(R"("id":"p1")", patient), out.find(R"("identifier")", patient));
  EXPECT_NE(out.find(R"("_birthDate":{"extension")"), std::string::npos);
  EXPECT_NE(out.find(R"("valueInteger":3)"), std::string::npos);
  EXPECT_EQ(out.find(R"("valueQuantity":{"value":3)"), std::string::npos) << "one value[x] only";
  // A request that was a PUT stays a PUT; entries keep their order and fullUrls.
  EXPECT_NE(out.find(R"("request":{"method":"PUT","url":"Patient/p1"})"), std::string::npos);
  EXPECT_LT(out.find(R"("resourceType":"Practitioner")"), out.find(R"("resourceType":"Encounter")"));
}

TEST(FhirRoundTripDetail, ChangedCanonicalValuesWinOverNothing) {
  // A mapping rule changes a modelled value: the new value is written, not the old one.
  ReadResult r = test::readOk(data("bundle_lab_result.json"));
  r.message.observations[0].value.decimal = "190";
  r.message.patient.names[0].family = "Newname";
  const std::string out = writeBundle(r.message, BundleType::Transaction);
  EXPECT_NE(out.find(R"("value":190)"), std::string::npos);
  EXPECT_NE(out.find(R"("family":"Newname")"), std::string::npos);
  EXPECT_NE(out.find(R"("id":"b-lab-20261120-1")"), std::string::npos) << "unmodelled elements stay";
  EXPECT_NE(out.find(R"("category":[{"coding")"), std::string::npos) << "and so do modelled ones";
}

TEST(FhirRoundTripDetail, RemovedItemLeavesNoEmptyEntry) {
  ReadResult r = test::readOk(data("bundle_lab_result.json"));
  r.message.observations.clear();
  std::vector<Issue> issues;
  const std::string out = writeBundle(r.message, BundleType::Transaction, {}, &issues);
  EXPECT_EQ(out.find(R"("resourceType":"Observation")"), std::string::npos);
  EXPECT_TRUE(test::errorsOf(out).empty()) << describe(test::errorsOf(out));
}

TEST(FhirRoundTripDetail, WritingAsAnotherBundleTypeAdjustsRequests) {
  const ReadResult r = test::readOk(data("bundle_rich_transaction.json"));
  const std::string collection = writeBundle(r.message, BundleType::Collection);
  EXPECT_EQ(collection.find(R"("request":{"method")"), std::string::npos);
  EXPECT_TRUE(test::errorsOf(collection).empty()) << describe(test::errorsOf(collection));
  const std::string message = writeBundle(r.message, BundleType::Message);
  EXPECT_NE(message.find(R"("entry":[{"fullUrl")"), std::string::npos);
  EXPECT_TRUE(test::errorsOf(message).empty()) << describe(test::errorsOf(message));
}

}  // namespace
}  // namespace ferry::fhir
