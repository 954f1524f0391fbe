#pragma once
// One offline test case of `ferry test`: a folder holding fixture.json, an input message and
// the expected results. It runs the input through what the engine would do for a channel
// (decode, the channel's mapping, routing, encoding for each destination) or through a mapping
// alone, without store or network, and lists every difference from what was expected.
//
// fixture.json:
//   {"description": "...", "channel": "lab-results" | "mapping": "lab-results@1",
//    "input": "input.hl7", "now": "2026-11-20T10:00:00Z",
//    "expect": {"outcome": "routed" | "filtered" | "errored", "reason": "text it contains",
//               "routes": [...], "destinations": [...], "canonical": {subset},
//               "outputs": {"destination": "expected-file"}}}
// docs/mapping-language.md describes it for analysts.

#include <filesystem>
#include <string>
#include <vector>

#include "engine/runtime/config.h"

namespace ferry::xml {
class ProfileSet;
}

namespace ferry::cli {

struct FixtureResult {
  std::string name;                      // folder relative to CONFIG/tests
  std::vector<std::string> differences;  // empty: passed
  std::string problem;                   // the fixture itself is broken (bad JSON, no input)
  std::vector<std::string> written;      // expected files created from this run (write_missing)
  bool passed() const { return differences.empty() && problem.empty(); }
};

// Runs the fixture in folder against a loaded configuration. With write_missing, an expected
// output file that does not exist yet is written from this run (for the analyst to review).
FixtureResult runFixture(const std::filesystem::path& folder, const std::string& name,
                         const runtime::EngineConfig& config, const xml::ProfileSet& profiles,
                         bool write_missing = false);

// Every folder under root holding a fixture.json, sorted.
std::vector<std::filesystem::path> findFixtures(const std::filesystem::path& root);

}  // namespace ferry::cli
