// FHIR bodies under mutation, POSTed to a real engine's HTTP source: whatever the body, the
// answer is 201 or a 4xx carrying an OperationOutcome with a diagnostic, never a 5xx or a dead
// engine. The mutants are those of the FHIR codec tests (tests/fhir/json_mutator.h); the codec's
// own properties are checked there, this checks the intake around it.
//
// Deterministic: fixed seeds. FERRY_MUTATION_ROUNDS=N posts N times as many mutants.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <random>
#include <string>

#include "tests/support/mutation_rounds.h"
#include "tests/engine/engine_fixture.h"
#include "tests/fhir/json_mutator.h"
#include "tests/http/support.h"
#include "tests/support/files.h"

using namespace ferry;

// Named, not anonymous: the unity build puts several test files in one translation unit.
namespace http_intake_mutation {

using ferry::test::mutationRounds;

runtime::EngineConfig fhirIntake(const test::TempFolder& dir) {
  return test::fhirHttpConfig(dir, 4 * 1024 * 1024);  // room for the deep-nesting body
}

// "" when r is 201, or a 4xx whose body is an OperationOutcome with a diagnostic; else why not.
std::string answerProblem(const test::ClientResponse& r) {
  if (r.status == 201) return {};
  if (r.status < 400 || r.status > 499) return "status " + std::to_string(r.status) + ": " + r.body;
  if (r.headers.value("Content-Type") != "application/fhir+json") return "no FHIR content type: " + r.body;
  rapidjson::Document outcome;
  outcome.Parse<rapidjson::kParseValidateEncodingFlag>(r.body.data(), r.body.size());
  if (outcome.HasParseError() || !outcome.IsObject()) return "the answer is not JSON: " + r.body;
  const auto type = outcome.FindMember("resourceType");
  if (type == outcome.MemberEnd() || type->value != "OperationOutcome") return "not an OperationOutcome: " + r.body;
  const auto issues = outcome.FindMember("issue");
  if (issues == outcome.MemberEnd() || !issues->value.IsArray() || issues->value.Empty()) return "no issue: " + r.body;
  const auto& first = issues->value[0];
  if (!first.IsObject() || !first.HasMember("diagnostics")) return "an issue without diagnostics: " + r.body;
  return {};
}

class HttpIntakeMutation : public ::testing::Test {
 protected:
  test::ClientResponse post(const std::string& body) {
    http::Headers headers;
    headers.add("Content-Type", "application/fhir+json");
    return test::request(static_cast<std::uint16_t>(engine_->port("fhir-in")), "POST", "/fhir", body, headers);
  }

  void SetUp() override {
    engine_ = std::make_unique<runtime::Engine>(fhirIntake(dir_), log_);
    engine_->start();
    ASSERT_NE(engine_->port("fhir-in"), 0);
  }

  test::TempFolder dir_;
  runtime::JsonLog log_{"/dev/null"};
  std::unique_ptr<runtime::Engine> engine_;
};

TEST_F(HttpIntakeMutation, EveryMutatedFhirBodyIsAnswered201OrA4xxWithAnOperationOutcome) {
  const std::string dataDir = std::string(FERRY_SOURCE_DIR) + "/tests/fhir/data/";
  std::mt19937 random(20261127);
  int posted = 0;
  for (const char* name : {"bundle_lab_result.json", "bundle_message.json", "claim.json"}) {
    const fhir::test::JsonMutator mutator(test::readFile(dataDir + name));
    for (int m = 0; m < 40 * mutationRounds(); ++m, ++posted) {
      std::string kind;
      const std::string body = mutator.mutate(random, kind);
      EXPECT_EQ(answerProblem(post(body)), "") << name << ", mutant " << m << " (" << kind << ")";
      if (HasFailure()) return;
    }
  }
  // Still serving: the unmutated sample goes through.
  EXPECT_EQ(post(test::readFile(dataDir + "bundle_lab_result.json")).status, 201);
  RecordProperty("posted", posted);
}

TEST_F(HttpIntakeMutation, ADeeplyNestedBodyIsA4xxNotACrash) {
  // 2 MB of nesting is well-formed JSON under the size limit: it used to crash the engine in
  // the FHIR reader's recursive parser after the intake had stored it.
  const std::string deep = R"({"resourceType":"Patient","x":)" + std::string(1'000'000, '[') +
                           std::string(1'000'000, ']') + "}";
  const test::ClientResponse r = post(deep);
  EXPECT_EQ(answerProblem(r), "");
  EXPECT_NE(r.status, 201);
  EXPECT_NE(r.body.find("deeper than 128 levels"), std::string::npos) << r.body;
  EXPECT_EQ(post(test::readFile(std::string(FERRY_SOURCE_DIR) + "/tests/fhir/data/claim.json")).status, 201);
}

}  // namespace http_intake_mutation
