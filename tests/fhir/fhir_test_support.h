#pragma once
// Helpers shared by the FHIR codec tests: test data, HL7 v2 samples through the v2 normalizer,
// and a semantic comparison of JSON trees.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/canonical/message.h"
#include "parsers/fhir/reader.h"
#include "parsers/fhir/validator.h"
#include "parsers/hl7v2/normalizer.h"
#include "tests/support/files.h"

namespace ferry::fhir::test {

// tests/fhir/data/name: the shared FHIR samples (copied from shared/samples/fhir) and Ferry's
// own richer inputs.
inline std::string data(const std::string& name) {
  return ferry::test::readFile(std::string(FERRY_SOURCE_DIR) + "/tests/fhir/data/" + name);
}

// A sample of samples/hl7v2 through ferry::hl7v2::normalize.
inline canonical::Message normalizeV2(const std::string& name) {
  auto parsed = hl7v2::Message::parse(ferry::test::sample("hl7v2/" + name));
  if (!parsed) {
    ADD_FAILURE() << name << ": " << parsed.error().describe();
    return {};
  }
  hl7v2::Normalized n = hl7v2::normalize(*parsed);
  EXPECT_TRUE(n.ok()) << name;
  return std::move(n.message);
}

// Validation issues of json other than information ("Provenance is not validated").
inline std::vector<Issue> errorsOf(const std::string& json) {
  std::vector<Issue> issues = validate(std::string_view(json));
  std::erase_if(issues, [](const Issue& i) { return i.severity == Severity::Information; });
  return issues;
}

// Reads FHIR JSON and expects no error.
inline ReadResult readOk(const std::string& json) {
  ReadResult r = read(json);
  EXPECT_TRUE(r.ok()) << describe(r.issues);
  return r;
}

// Every element of expected that actual lacks or holds with another value, as a JSON path
// ("/entry/1/resource/status"). Objects compare by member, arrays by position, numbers by value.
inline void missingElements(const rapidjson::Value& expected, const rapidjson::Value& actual,
                            const std::string& path, std::vector<std::string>& out) {
  if (expected.IsObject()) {
    if (!actual.IsObject()) {
      out.push_back(path + ": not an object");
      return;
    }
    for (auto it = expected.MemberBegin(); it != expected.MemberEnd(); ++it) {
      const std::string child = path + "/" + it->name.GetString();
      const auto found = actual.FindMember(it->name);
      if (found == actual.MemberEnd()) {
        out.push_back(child + ": missing");
      } else {
        missingElements(it->value, found->value, child, out);
      }
    }
  } else if (expected.IsArray()) {
    if (!actual.IsArray()) {
      out.push_back(path + ": not an array");
      return;
    }
    for (rapidjson::SizeType i = 0; i < expected.Size(); ++i) {
      const std::string child = path + "/" + std::to_string(i);
      if (i >= actual.Size()) {
        out.push_back(child + ": missing");
      } else {
        missingElements(expected[i], actual[i], child, out);
      }
    }
  } else if (expected.IsNumber()) {
    if (!actual.IsNumber() || std::fabs(expected.GetDouble() - actual.GetDouble()) > 1e-12) {
      out.push_back(path + ": different number");
    }
  } else if (expected != actual) {
    out.push_back(path + ": different value");
  }
}

// Paths of the elements of expected (JSON text) that actual does not hold with the same value.
inline std::vector<std::string> missingElements(const std::string& expected, const std::string& actual) {
  rapidjson::Document e;
  rapidjson::Document a;
  e.Parse(expected.c_str());
  a.Parse(actual.c_str());
  if (e.HasParseError() || a.HasParseError()) return {"(not JSON)"};
  std::vector<std::string> out;
  missingElements(e, a, "", out);
  return out;
}

inline std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

}  // namespace ferry::fhir::test
