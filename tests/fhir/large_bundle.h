#pragma once
// Generates a large FHIR transaction Bundle of realistic lab results for the memory test and the
// benchmark: one Patient, then panels of ten Observations (LOINC + local code, value, units,
// interpretation, reference range, category) each followed by the DiagnosticReport that lists
// them, as many as fit in the requested size. Compact JSON, one entry a line, as servers send it.

#include <cstddef>
#include <cstdio>
#include <string>

namespace ferry::fhir::test {

struct LargeBundle {
  std::string json;
  std::size_t observations = 0;
  std::size_t reports = 0;
};

inline std::string largeBundleUuid(std::size_t n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "urn:uuid:6a1c7d1e-0c4b-4c1e-9a51-%012zx", n);
  return buf;
}

inline LargeBundle makeLargeBundle(std::size_t targetBytes) {
  static const char* const kTests[][4] = {
      {"2345-7", "Glucose [Mass/volume] in Serum or Plasma", "GLU", "mg/dL"},
      {"2951-2", "Sodium [Moles/volume] in Serum or Plasma", "NA", "mmol/L"},
      {"2823-3", "Potassium [Moles/volume] in Serum or Plasma", "K", "mmol/L"},
      {"2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "CREAT", "mg/dL"},
  };
  LargeBundle out;
  std::string& j = out.json;
  j.reserve(targetBytes + 4096);
  j += "{\"resourceType\":\"Bundle\",\"id\":\"large-1\",\"type\":\"transaction\","
       "\"timestamp\":\"2026-11-20T08:30:15-05:00\",\"entry\":[\n";
  j +=
      "{\"fullUrl\":\"" + largeBundleUuid(0) +
      "\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"type\":{\"coding\":[{\"system\":"
      "\"http://terminology.hl7.org/CodeSystem/v2-0203\",\"code\":\"MR\"}]},\"system\":\"urn:oid:2.16.840.1."
      "113883.3.9999.2\",\"value\":\"MRN448812\"}],\"name\":[{\"use\":\"official\",\"family\":\"Testperson\","
      "\"given\":[\"Adaline\",\"Q\"]}],\"gender\":\"female\",\"birthDate\":\"1972-03-14\"},"
      "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}";
  std::string results;
  char buf[1600];
  std::size_t n = 1;
  auto report = [&]() {
    j += ",\n{\"fullUrl\":\"" + largeBundleUuid(n) +
         "\",\"resource\":{\"resourceType\":\"DiagnosticReport\",\"status\":\"final\",\"code\":{\"coding\":[{"
         "\"system\":\"http://loinc.org\",\"code\":\"24323-8\"}]},\"subject\":{\"reference\":\"" +
         largeBundleUuid(0) + "\"},\"issued\":\"2026-11-20T08:29:00-05:00\",\"result\":[" + results +
         "]},\"request\":{\"method\":\"POST\",\"url\":\"DiagnosticReport\"}}";
    results.clear();
    ++n;
    ++out.reports;
  };
  while (j.size() + 1200 < targetBytes) {
    const auto& t = kTests[n % 4];
    const int whole = 60 + static_cast<int>(n % 140);
    const int frac = static_cast<int>(n % 100);
    const char* flag = whole > 99 ? "H" : "N";
    std::snprintf(
        buf, sizeof buf,
        ",\n{\"fullUrl\":\"%s\",\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\","
        "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-"
        "category\",\"code\":\"laboratory\"}]}],\"code\":{\"coding\":[{\"system\":\"L\",\"code\":\"%s\"},"
        "{\"system\":\"http://loinc.org\",\"code\":\"%s\",\"display\":\"%s\"}]},\"subject\":{\"reference\":"
        "\"%s\"},\"effectiveDateTime\":\"2026-11-20T07:15:00-05:00\",\"issued\":\"2026-11-20T08:25:00-05:"
        "00\",\"valueQuantity\":{\"value\":%d.%02d,\"unit\":\"%s\",\"system\":\"http://unitsofmeasure.org\","
        "\"code\":\"%s\"},\"interpretation\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/"
        "CodeSystem/v3-ObservationInterpretation\",\"code\":\"%s\"}]}],\"referenceRange\":[{\"low\":{"
        "\"value\":70,\"unit\":\"%s\"},\"high\":{\"value\":99,\"unit\":\"%s\"}}]},\"request\":{\"method\":"
        "\"POST\",\"url\":\"Observation\"}}",
        largeBundleUuid(n).c_str(), t[2], t[0], t[1], largeBundleUuid(0).c_str(), whole, frac, t[3], t[3],
        flag, t[3], t[3]);
    j += buf;
    results += (results.empty() ? "{\"reference\":\"" : ",{\"reference\":\"") + largeBundleUuid(n) + "\"}";
    ++n;
    ++out.observations;
    if (out.observations % 10 == 0) report();
  }
  if (!results.empty()) report();
  j += "\n]}";
  return out;
}

}  // namespace ferry::fhir::test
