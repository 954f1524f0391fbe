// Throughput of the FHIR R4 codec on a large lab-result Bundle, against plain RapidJSON.
//
// Why it exists: reading FHIR is parse + validate + map to the canonical model + keep every
// unmodelled element; these benchmarks show what that costs next to the speed-of-light
// reference, a plain RapidJSON DOM parse of the same bytes (ordinary and in situ), measured in
// the same run. The Bundle is generated (tests/fhir/large_bundle.h: panels of ten Observations
// and their DiagnosticReport, compact JSON), FERRY_FHIR_BENCH_MB megabytes (default 64); making
// it and copying it into each iteration's buffer is not timed. BM_FhirRead also reports the peak
// memory of a read (VmHWM, input included) and what the returned message keeps, as multiples of
// the input size.

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "parsers/fhir/reader.h"
#include "parsers/fhir/writer.h"
#include "tests/fhir/large_bundle.h"
#include "tests/support/proc_status.h"

namespace {

const ferry::fhir::test::LargeBundle& bundle() {
  static const ferry::fhir::test::LargeBundle b = [] {
    const char* env = std::getenv("FERRY_FHIR_BENCH_MB");
    const std::size_t mb = env != nullptr && *env != '\0' ? std::strtoul(env, nullptr, 10) : 64;
    return ferry::fhir::test::makeLargeBundle(mb << 20);
  }();
  return b;
}

using ferry::test::statusBytes;

std::size_t heapInUse() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

void setThroughput(benchmark::State& state, std::size_t bytes) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.counters["entries"] = static_cast<double>(bundle().observations + bundle().reports + 1);
}

// The baseline: RapidJSON's DOM of the same bytes, nothing done with it.
void BM_RapidJsonDomParse(benchmark::State& state) {
  const std::string& json = bundle().json;
  for (auto _ : state) {
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    benchmark::DoNotOptimize(doc.IsObject());
    state.PauseTiming();
    doc = rapidjson::Document();
    state.ResumeTiming();
  }
  setThroughput(state, json.size());
}
BENCHMARK(BM_RapidJsonDomParse)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// The baseline parsed in situ (no string copies), as Ferry parses.
void BM_RapidJsonDomParseInsitu(benchmark::State& state) {
  const std::string& json = bundle().json;
  for (auto _ : state) {
    state.PauseTiming();
    std::string buffer = json;
    state.ResumeTiming();
    rapidjson::Document doc;
    doc.ParseInsitu(buffer.data());
    benchmark::DoNotOptimize(doc.IsObject());
    state.PauseTiming();
    doc = rapidjson::Document();
    buffer = std::string();
    state.ResumeTiming();
  }
  setThroughput(state, json.size());
}
BENCHMARK(BM_RapidJsonDomParseInsitu)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// ferry::fhir::read: parse in situ, validate, map, keep unmodelled elements, resolve references.
void BM_FhirRead(benchmark::State& state) {
  const std::string& json = bundle().json;
  double peak = 0;
  double kept = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::ofstream("/proc/self/clear_refs") << "5";
    const std::size_t rssBefore = statusBytes("VmRSS");
    const std::size_t heapBefore = heapInUse();
    std::string buffer = json;
    state.ResumeTiming();
    ferry::fhir::ReadResult result = ferry::fhir::read(std::move(buffer));
    benchmark::DoNotOptimize(result.message.observations.data());
    state.PauseTiming();
    if (!result.ok()) state.SkipWithError("the generated Bundle did not read cleanly");
    peak = static_cast<double>(statusBytes("VmHWM") - rssBefore) / static_cast<double>(json.size());
    kept = static_cast<double>(heapInUse() - heapBefore) / static_cast<double>(json.size());
    result = {};
    malloc_trim(0);
    state.ResumeTiming();
  }
  setThroughput(state, json.size());
  state.counters["peak_x_input"] = peak;
  state.counters["kept_x_input"] = kept;
}
BENCHMARK(BM_FhirRead)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// ferry::fhir::writeBundle of what was read: the same Bundle back, extensions put in place.
void BM_FhirWriteBundle(benchmark::State& state) {
  static const ferry::fhir::ReadResult input = ferry::fhir::read(bundle().json);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string out = ferry::fhir::writeBundle(input.message, ferry::fhir::BundleType::Transaction);
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  setThroughput(state, bytes);
}
BENCHMARK(BM_FhirWriteBundle)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
