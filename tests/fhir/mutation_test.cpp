// FHIR R4 JSON under structure-aware mutation: every FHIR sample, damaged in the ways of
// json_mutator.h, goes through read -> canonical -> canonical JSON and, when it reads without
// errors, FHIR write -> read -> write. Run under AddressSanitizer and UBSan, a crash or an
// out-of-bounds read fails the suite by itself; the properties below fail it otherwise:
// - every error or fatal issue says what (diagnostics) and where (a FHIRPath or a byte offset
//   inside the input);
// - the canonical JSON of whatever was read is JSON (RapidJSON, UTF-8 validated) and reads back
//   into the same canonical JSON;
// - a mutant read without errors is written as FHIR, read again without errors, and written
//   again to the same bytes.
//
// Deterministic: fixed seeds. FERRY_MUTATION_ROUNDS=N runs N rounds (default 1), each with new
// mutants from the next seed, for a long soak by hand; FERRY_MUTATION_DUMP=FILE writes each
// random mutant to FILE before it is read, so that the one that crashes the process is there.
// What the mutants found is pinned in hostile_input_test.cpp.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "engine/canonical/json_reader.h"
#include "engine/canonical/json_writer.h"
#include "parsers/fhir/reader.h"
#include "parsers/fhir/validator.h"
#include "parsers/fhir/writer.h"
#include "tests/support/mutation_rounds.h"
#include "tests/fhir/json_mutator.h"
#include "tests/support/files.h"

namespace ferry::fhir {
// Named, not anonymous: the unity build puts several test files in one translation unit.
namespace fhir_mutation {

using ferry::test::mutationRounds;

using Seed = ferry::test::FileText;

// Every FHIR JSON sample: the shared ones (../shared/samples/fhir, when present), the sample
// configuration's and the codec tests' own.
const std::vector<Seed>& seeds() {
  static const std::string root = FERRY_SOURCE_DIR;
  static const std::vector<Seed> all = ferry::test::readFilesIn(
      {root + "/../shared/samples/fhir", root + "/samples/fhir", root + "/tests/fhir/data"}, ".json");
  return all;
}

// "" when json is well-formed UTF-8 JSON, else RapidJSON's complaint.
std::string jsonProblem(std::string_view json) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (!d.HasParseError()) return {};
  return std::string(rapidjson::GetParseError_En(d.GetParseError())) + " at byte " +
         std::to_string(d.GetErrorOffset());
}

// The first issue that is an error without a sentence or without a place inside the input.
std::string unplacedError(const std::vector<Issue>& issues, std::size_t inputSize) {
  for (const Issue& issue : issues) {
    if (issue.severity != Severity::Error && issue.severity != Severity::Fatal) continue;
    if (issue.diagnostics.empty()) return "no diagnostics: " + describe(issue);
    if (issue.expression.empty() && !issue.offset) return "no location: " + describe(issue);
    if (issue.offset && *issue.offset > inputSize) return "offset past the input: " + describe(issue);
  }
  return {};
}

BundleType bundleTypeOf(std::string_view json) {
  if (json.find("\"type\":\"message\"") != std::string_view::npos) return BundleType::Message;
  if (json.find("\"type\":\"collection\"") != std::string_view::npos) return BundleType::Collection;
  if (json.find("\"type\":\"batch\"") != std::string_view::npos) return BundleType::Batch;
  return BundleType::Transaction;
}

// Checks one document; returns "" or the first property it breaks.
std::string check(const std::string& input) {
  const ReadResult first = read(input);
  if (std::string bad = unplacedError(first.issues, input.size()); !bad.empty()) return "read: " + bad;
  if (std::string bad = unplacedError(validate(std::string_view(input)), input.size()); !bad.empty()) {
    return "validate: " + bad;
  }
  const std::string canonicalJson = canonical::toJson(first.message);
  if (std::string bad = jsonProblem(canonicalJson); !bad.empty()) return "canonical JSON is not JSON: " + bad;
  const canonical::JsonReadResult back = canonical::fromJson(canonicalJson);
  if (!back) return "canonical JSON does not read back: " + back.error;
  if (canonical::toJson(*back.message) != canonicalJson) return "canonical JSON changes when read back";
  if (!first.ok()) return {};

  const BundleType type = bundleTypeOf(input);
  const std::string written = writeBundle(first.message, type);
  if (std::string bad = jsonProblem(written); !bad.empty()) return "written FHIR is not JSON: " + bad;
  const ReadResult second = read(written);
  if (!second.ok()) return "the written Bundle does not read: " + describe(second.issues);
  const std::string again = writeBundle(second.message, type);
  if (again != written) {
    std::size_t at = 0;
    while (at < again.size() && at < written.size() && again[at] == written[at]) ++at;
    return "writing again gives other bytes from byte " + std::to_string(at) + ": ..." +
           written.substr(at > 60 ? at - 60 : 0, 160) + " vs ..." + again.substr(at > 60 ? at - 60 : 0, 160);
  }
  return {};
}

// Shown in a failure: short inputs whole, long ones around nothing in particular.
std::string shown(const std::string& input) {
  return input.size() <= 400 ? input : input.substr(0, 400) + "... (" + std::to_string(input.size()) + " bytes)";
}


TEST(FhirMutation, EverySeedHoldsThePropertiesUnchanged) {
  ASSERT_GE(seeds().size(), 8u) << "the FHIR samples were not found";
  for (const Seed& seed : seeds()) EXPECT_EQ(check(seed.text), "") << seed.name;
}

TEST(FhirMutation, RandomMutantsHoldTheProperties) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  std::size_t mutants = 0;
  std::size_t failures = 0;
  for (int round = 0; round < mutationRounds(); ++round) {
    std::mt19937 random(20261127u + static_cast<unsigned>(round));
    for (const Seed& seed : seeds()) {
      const test::JsonMutator mutator(seed.text);
      for (int m = 0; m < 40 && std::chrono::steady_clock::now() < deadline; ++m, ++mutants) {
        std::string kind;
        const std::string mutant = mutator.mutate(random, kind);
        if (const char* dump = std::getenv("FERRY_MUTATION_DUMP")) std::ofstream(dump, std::ios::binary) << mutant;
        if (const std::string bad = check(mutant); !bad.empty() && ++failures <= 5) {
          ADD_FAILURE() << seed.name << ", round " << round << ", mutant " << m << " (" << kind << "): " << bad
                        << "\ninput: " << shown(mutant);
        }
      }
    }
  }
  EXPECT_EQ(failures, 0u);
  RecordProperty("mutants", static_cast<int>(mutants));
}

TEST(FhirMutation, TruncatedAtTokenBoundariesEveryDocumentIsAPlacedError) {
  // Every boundary of the small seeds, a sample of the large ones' (each cut costs a read).
  std::size_t cuts = 0;
  for (const Seed& seed : seeds()) {
    const test::JsonMutator mutator(seed.text);
    const std::vector<std::size_t> boundaries = mutator.tokenBoundaries();
    const std::size_t step = 1 + boundaries.size() / (40 * static_cast<std::size_t>(mutationRounds()));
    for (std::size_t i = 0; i < boundaries.size(); i += step, ++cuts) {
      const std::string cut = seed.text.substr(0, boundaries[i]);
      if (seed.text.find_first_not_of(" \t\r\n", boundaries[i]) == std::string::npos) continue;
      const ReadResult r = read(cut);
      EXPECT_FALSE(r.ok()) << seed.name << " cut at byte " << boundaries[i];
      EXPECT_EQ(check(cut), "") << seed.name << " cut at byte " << boundaries[i];
      if (HasFailure()) return;
    }
  }
  RecordProperty("cuts", static_cast<int>(cuts));
}


}  // namespace fhir_mutation
}  // namespace ferry::fhir
