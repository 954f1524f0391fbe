// Throughput of the XML profile codec against a plain pugixml load of the same bytes.
//
// Why it exists: an insurer format is a profile of XPath expressions rather than code, and the
// codec adds a safety pass, namespace normalization, the XPath evaluations and the capture of
// unmapped content on top of pugixml's parse. These benchmarks put a number on that overhead:
// each "profile read" benchmark has a "pugixml load" twin over the same bytes as its baseline.
//
// Inputs are the shipped samples (samples/xml, samples/profiles, relative to the working
// directory or to $FERRY_SOURCE_DIR): the sample claim submission (1 claim, 2 lines), a batch of
// 100 such claims under one submission header, and one claim with 100 lines. items/s is claims
// per second (claim responses for the remittance).

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <pugixml.hpp>

#include "parsers/xml/reader.h"
#include "parsers/xml/safe_parser.h"
#include "parsers/xml/writer.h"

namespace {

namespace xml = ferry::xml;

std::string sourceDir() {
  const char* env = std::getenv("FERRY_SOURCE_DIR");
  return env != nullptr && *env != '\0' ? env : ".";
}

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct Inputs {
  xml::ProfileSet profiles;
  std::string claim;       // 1 claim, 2 lines
  std::string remittance;  // 1 claim response, 2 lines
  std::string batch;       // 100 claims of 2 lines
  std::string long_claim;  // 1 claim, 100 lines
  std::string problem;
};

std::string repeatBetween(const std::string& text, const std::string& open, const std::string& close,
                          int copies, bool renumber_claims) {
  const std::size_t begin = text.find(open);
  const std::size_t end = text.find(close, begin) + close.size();
  const std::string unit = text.substr(begin, end - begin);
  std::string repeated;
  for (int i = 0; i < copies; ++i) {
    std::string copy = unit;
    if (renumber_claims) {
      const std::size_t id = copy.find("CLM-55013");
      copy.replace(id, 9, "CLM-" + std::to_string(60000 + i));
    }
    repeated += copy + "\n    ";
  }
  return text.substr(0, begin) + repeated + text.substr(end);
}

const Inputs& inputs() {
  static const Inputs loaded = [] {
    Inputs in;
    const std::string dir = sourceDir();
    try {
      in.profiles = xml::ProfileSet::load(dir + "/samples/profiles");
    } catch (const std::exception& e) {
      in.problem = std::string("cannot load profiles (run from the repository root or set "
                               "FERRY_SOURCE_DIR): ") + e.what();
      return in;
    }
    in.claim = readText(dir + "/samples/xml/claim_submission.xml");
    in.remittance = readText(dir + "/samples/xml/remittance.xml");
    if (in.claim.empty() || in.remittance.empty()) {
      in.problem = "cannot read samples/xml/claim_submission.xml or remittance.xml";
      return in;
    }
    in.batch = repeatBetween(in.claim, "<Claim ", "</Claim>", 100, true);
    in.long_claim = repeatBetween(in.claim, "<Line seq=\"1\"", "</Line>", 100, false);
    std::cerr << "xml inputs: claim " << in.claim.size() << " B, batch " << in.batch.size()
              << " B, long claim " << in.long_claim.size() << " B\n";
    return in;
  }();
  return loaded;
}

bool ready(benchmark::State& state) {
  if (!inputs().problem.empty()) {
    state.SkipWithError(inputs().problem.c_str());
    return false;
  }
  return true;
}

void pugixmlLoad(benchmark::State& state, const std::string& bytes, int claims) {
  if (!ready(state)) return;
  for (auto _ : state) {
    pugi::xml_document document;
    benchmark::DoNotOptimize(document.load_buffer(bytes.data(), bytes.size()));
  }
  state.SetItemsProcessed(state.iterations() * claims);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}

void profileRead(benchmark::State& state, const std::string& bytes, int claims) {
  if (!ready(state)) return;
  for (auto _ : state) {
    xml::ReadResult result = xml::read(bytes, inputs().profiles);
    if (!result) {
      state.SkipWithError(result.error.describe().c_str());
      return;
    }
    benchmark::DoNotOptimize(result.message);
  }
  state.SetItemsProcessed(state.iterations() * claims);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes.size()));
}

void BM_PugixmlLoad_Claim(benchmark::State& state) { pugixmlLoad(state, inputs().claim, 1); }
void BM_SafeParse_Claim(benchmark::State& state) {
  if (!ready(state)) return;
  for (auto _ : state) {
    pugi::xml_document document;
    benchmark::DoNotOptimize(xml::parseDocument(inputs().claim, {}, document));
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_ProfileRead_Claim(benchmark::State& state) { profileRead(state, inputs().claim, 1); }

void BM_PugixmlLoad_Remittance(benchmark::State& state) { pugixmlLoad(state, inputs().remittance, 1); }
void BM_ProfileRead_Remittance(benchmark::State& state) { profileRead(state, inputs().remittance, 1); }

void BM_PugixmlLoad_Batch100Claims(benchmark::State& state) { pugixmlLoad(state, inputs().batch, 100); }
void BM_ProfileRead_Batch100Claims(benchmark::State& state) { profileRead(state, inputs().batch, 100); }

void BM_PugixmlLoad_Claim100Lines(benchmark::State& state) { pugixmlLoad(state, inputs().long_claim, 1); }
void BM_ProfileRead_Claim100Lines(benchmark::State& state) { profileRead(state, inputs().long_claim, 1); }

void BM_ProfileWrite_Claim(benchmark::State& state) {
  if (!ready(state)) return;
  xml::ReadResult read = xml::read(inputs().claim, inputs().profiles);
  if (!read) {
    state.SkipWithError(read.error.describe().c_str());
    return;
  }
  for (auto _ : state) {
    xml::WriteResult written = xml::write(*read.message, *read.profile);
    benchmark::DoNotOptimize(written.xml);
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(BM_PugixmlLoad_Claim);
BENCHMARK(BM_SafeParse_Claim);
BENCHMARK(BM_ProfileRead_Claim);
BENCHMARK(BM_PugixmlLoad_Remittance);
BENCHMARK(BM_ProfileRead_Remittance);
BENCHMARK(BM_PugixmlLoad_Batch100Claims);
BENCHMARK(BM_ProfileRead_Batch100Claims);
BENCHMARK(BM_PugixmlLoad_Claim100Lines);
BENCHMARK(BM_ProfileRead_Claim100Lines);
BENCHMARK(BM_ProfileWrite_Claim);

// glibc returns freed memory to the kernel eagerly; on virtual machines the page faults of
// getting it back cost more than parsing (a 100-claim batch loaded 10x slower per byte than a
// single claim). A long-running engine holds its heap, so the benchmark does too.
int main(int argc, char** argv) {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
