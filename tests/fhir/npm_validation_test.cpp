// Every FHIR document the tests make Ferry write is checked by a third-party validator: npm
// "fhir" 4.12.0 (tests/fhir/npm). Unexpected properties count as errors there; zero are allowed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/fhir/produced.h"
#include "tests/support/run.h"

namespace ferry::fhir {
namespace {

namespace fs = std::filesystem;

TEST(FhirThirdPartyValidation, EveryProducedDocumentPassesNpmFhir) {
  const fs::path npm = fs::path(FERRY_SOURCE_DIR) / "tests/fhir/npm";
  if (!fs::exists(npm / "node_modules/fhir/package.json")) {
    GTEST_SKIP() << "tests/fhir/npm/node_modules is missing: run `npm ci` in tests/fhir/npm to install the "
                    "pinned validator (npm \"fhir\" 4.12.0)";
  }
  if (ferry::test::run("command -v node").status != 0) GTEST_SKIP() << "node is not installed";

  const fs::path dir = fs::temp_directory_path() / ("ferry-fhir-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::vector<test::Produced> documents = test::producedDocuments();
  ASSERT_GT(documents.size(), 40u);
  for (const test::Produced& d : documents) {
    ASSERT_FALSE(d.json.empty()) << d.name;
    std::ofstream(dir / d.name) << d.json;
  }
  const ferry::test::RunResult r =
      ferry::test::run("node " + (npm / "validate.js").string() + " " + dir.string());
  fs::remove_all(dir);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(std::to_string(documents.size()) + " passed, 0 failed"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ferry::fhir
