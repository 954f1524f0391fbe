// Cost of the mapping language on a lab feed, next to the cost of producing its input.
//
// Why it exists: mapping rules run on every message, so they must stay cheap next to parsing
// and normalizing it (target: mapping adds < 20 % of normalize time). The same run measures
// BM_Normalize (parse + normalize) and BM_NormalizeAndMap (parse + normalize + apply of a typical
// lab mapping: a filter, a for_each that looks each local code up in a 10,000-row table and
// appends the LOINC coding, and a route). The ratio of the two is the overhead; it is printed
// after the run. The corpus is generated in memory: 1,000 ORU^R01 messages with ten results
// each, local codes drawn from the table.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "mappings/mapping.h"
#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/normalizer.h"

namespace {

namespace hl7v2 = ferry::hl7v2;
namespace mappings = ferry::mappings;

constexpr int kMessages = 1000;
constexpr int kResults = 10;
constexpr int kTableRows = 10000;

// Distinct local codes the feed uses: all 10,000 by default (every lookup a likely cache miss,
// the worst case); a real lab sends a few hundred. Set FERRY_BENCH_CODES to try another spread.
int distinctCodes() {
  const char* env = std::getenv("FERRY_BENCH_CODES");
  const int n = env != nullptr ? std::atoi(env) : kTableRows;
  return n > 0 && n <= kTableRows ? n : kTableRows;
}

std::string orur01(int n, int codes) {
  char buf[256];
  std::string m;
  std::snprintf(buf, sizeof buf,
                "MSH|^~\\&|NORTHLAB|NORTHLAB|HOSPRES|CITYHOSP|20261120083015-0500||ORU^R01^ORU_R01|NL-%06d|P|2.5.1\r",
                n);
  m += buf;
  std::snprintf(buf, sizeof buf,
                "PID|1||MRN%06d^^^CITYHOSP^MR||Testperson^Adaline^Q||19720314|F|||118 Elm Street^^Springfield^IL^62701\r",
                n);
  m += buf;
  m += "ORC|RE|ORD-1^HOSPORD|LAB-1^NORTHLAB||CM\r";
  m += "OBR|1|ORD-1^HOSPORD|LAB-1^NORTHLAB|PANEL^Panel^L|||20261120071500-0500||||||||||||||20261120082900-0500|||F\r";
  for (int r = 1; r <= kResults; ++r) {
    const int code = (n * 37 + r * 101) % codes;
    std::snprintf(buf, sizeof buf,
                  "OBX|%d|NM|LOC%d^Local test %d^L||%d.%d|mg/dL^mg/dL^UCUM|70-99|N|||F|||20261120071500-0500\r", r,
                  code, code, 50 + r * 7, r);
    m += buf;
  }
  return m;
}

struct Fixture {
  std::vector<std::string> messages;
  mappings::TableSet tables;
  std::shared_ptr<const mappings::Mapping> mapping;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    const int codes = distinctCodes();
    for (int i = 0; i < kMessages; ++i) x.messages.push_back(orur01(i, codes));
    std::string csv = "local,loinc,display\n";
    for (int i = 0; i < kTableRows; ++i) {
      csv += "LOC" + std::to_string(i) + "," + std::to_string(10000 + i) + "-" + std::to_string(i % 10) +
             ",Test number " + std::to_string(i) + "\n";
    }
    std::vector<mappings::LoadError> errors;
    x.tables.add(mappings::CodeTable::parse("lab-loinc", csv, "lab-loinc.csv", nullptr, "", errors));
    x.mapping = mappings::Mapping::parse(R"J({
      "name": "lab-to-hospital", "version": "1",
      "filters": [{"name": "results only", "accept": "header.message_type == 'ORU'", "reason": "not a result"}],
      "transforms": [{"name": "local code to LOINC", "for_each": "observations[*]",
        "when": "code.codings[0].system == 'L'",
        "do": [{"append": "code.codings", "value": {"system": "'http://loinc.org'",
                 "code": "lookup('lab-loinc', code.codings[0].code)",
                 "display": "lookup_column('lab-loinc', 'display', code.codings[0].code)"}}]}],
      "routes": [{"name": "hospital", "when": "true", "to": ["hospital-results"]}]})J",
                                         "bench.json", x.tables, {}, errors);
    for (const auto& e : errors) std::cerr << e.describe() << "\n";
    if (!x.mapping) std::abort();
    return x;
  }();
  return f;
}

void BM_Normalize(benchmark::State& state) {
  const Fixture& f = fixture();
  for (auto _ : state) {
    for (const std::string& bytes : f.messages) {
      auto parsed = hl7v2::Message::parse(bytes);
      auto normalized = hl7v2::normalize(*parsed);
      benchmark::DoNotOptimize(normalized.message.observations.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kMessages);
}

void BM_NormalizeAndMap(benchmark::State& state) {
  const Fixture& f = fixture();
  const mappings::Environment env = mappings::Environment::fixed("2026-11-20T13:30:15Z", 1);
  for (auto _ : state) {
    for (const std::string& bytes : f.messages) {
      auto parsed = hl7v2::Message::parse(bytes);
      auto normalized = hl7v2::normalize(*parsed);
      const mappings::Source source{mappings::Source::Format::Hl7v2, bytes, &*parsed};
      const mappings::Outcome out = f.mapping->apply(normalized.message, source, env);
      if (out.kind != mappings::Outcome::Kind::Routed || normalized.message.observations[0].code.codings.size() < 2) {
        state.SkipWithError("the mapping did not apply");
        return;
      }
      benchmark::DoNotOptimize(out.destinations.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kMessages);
}

// The mapping alone, on copies of already normalized messages (neither the copy nor the
// freeing of the messages is timed).
void BM_MapOnly(benchmark::State& state) {
  const Fixture& f = fixture();
  const mappings::Environment env = mappings::Environment::fixed("2026-11-20T13:30:15Z", 1);
  std::vector<ferry::canonical::Message> normalized;
  for (const std::string& bytes : f.messages) {
    normalized.push_back(hl7v2::normalize(*hl7v2::Message::parse(bytes)).message);
  }
  std::vector<ferry::canonical::Message> work;
  for (auto _ : state) {
    state.PauseTiming();
    work = normalized;  // also frees the previous round's messages, outside the timing
    state.ResumeTiming();
    for (auto& m : work) {
      const mappings::Outcome out = f.mapping->apply(m, {}, env);
      benchmark::DoNotOptimize(out.destinations.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * kMessages);
}

// FERRY_BENCH_ITERATIONS=n runs each benchmark exactly n times (rounds over the 1,000
// messages) instead of for 2 s: under callgrind, two builds then count the same work.
void registerBenchmarks() {
  const char* env = std::getenv("FERRY_BENCH_ITERATIONS");
  const int iterations = env != nullptr ? std::atoi(env) : 0;
  for (auto [name, fn] : {std::pair{"BM_Normalize", &BM_Normalize},
                          std::pair{"BM_NormalizeAndMap", &BM_NormalizeAndMap},
                          std::pair{"BM_MapOnly", &BM_MapOnly}}) {
    auto* b = benchmark::RegisterBenchmark(name, fn)->Unit(benchmark::kMillisecond);
    if (iterations > 0) {
      b->Iterations(iterations);
    } else {
      b->MinTime(2.0);
    }
  }
}

// Prints mapping overhead = NormalizeAndMap / Normalize - 1 after the table, from wall time
// and from CPU time. On a shared machine the CPU-time figure is the steadier one: time the
// process spends waiting for a core counts in wall time only.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      // With --benchmark_repetitions, compare medians; otherwise the single run.
      if (r.run_type == Run::RT_Iteration || r.aggregate_name == "median") {
        real_[r.run_name.function_name] = r.GetAdjustedRealTime();
        cpu_[r.run_name.function_name] = r.GetAdjustedCPUTime();
      }
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    print("wall", real_);
    print("CPU", cpu_);
  }

 private:
  static void print(const char* clock, std::map<std::string, double>& times) {
    const double base = times["BM_Normalize"];
    const double mapped = times["BM_NormalizeAndMap"];
    if (base > 0 && mapped > 0) {
      std::printf("mapping overhead (%s time): %.1f %% of parse+normalize (target < 20 %%)\n", clock,
                  (mapped / base - 1.0) * 100.0);
    }
  }

  std::map<std::string, double> real_;
  std::map<std::string, double> cpu_;
};

// The same overhead from interleaved rounds: 100 messages normalized, then the same 100
// normalized and mapped, again and again over the corpus. Each chunk's fastest round of each
// kind is kept: on a shared machine, another process taking the core only makes rounds slower,
// so the minimum is the figure least disturbed by it (the median is printed next to it).
void printInterleavedOverhead() {
  const Fixture& f = fixture();
  const mappings::Environment env = mappings::Environment::fixed("2026-11-20T13:30:15Z", 1);
  constexpr int kChunk = 100;
  constexpr int kChunks = kMessages / kChunk;
  const char* env_rounds = std::getenv("FERRY_BENCH_ROUNDS");
  const int rounds = env_rounds != nullptr ? std::atoi(env_rounds) : 30;
  if (rounds <= 0) return;
  using Clock = std::chrono::steady_clock;
  std::vector<std::vector<double>> normalize_us(kChunks), map_us(kChunks);
  std::size_t sink = 0;
  for (int r = 0; r < rounds * kChunks; ++r) {
    const int chunk = r % kChunks;
    for (bool map : {false, true}) {
      const auto start = Clock::now();
      for (int i = chunk * kChunk; i < (chunk + 1) * kChunk; ++i) {
        auto parsed = hl7v2::Message::parse(f.messages[i]);
        auto normalized = hl7v2::normalize(*parsed);
        if (map) {
          const mappings::Source source{mappings::Source::Format::Hl7v2, f.messages[i], &*parsed};
          sink += f.mapping->apply(normalized.message, source, env).destinations.size();
        }
        sink += normalized.message.observations.size();
      }
      const double us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
      (map ? map_us : normalize_us)[chunk].push_back(us / kChunk);
    }
  }
  auto sum = [](std::vector<std::vector<double>>& per_chunk, bool median) {
    double total = 0;
    for (auto& v : per_chunk) {
      std::sort(v.begin(), v.end());
      total += median ? v[v.size() / 2] : v.front();
    }
    return total / static_cast<double>(per_chunk.size());
  };
  for (bool median : {false, true}) {
    const double base = sum(normalize_us, median);
    const double mapped = sum(map_us, median);
    std::printf("interleaved rounds (%d per chunk), %s: parse+normalize %.2f us/msg, +map %.2f us/msg, "
                "mapping overhead %.1f %% (target < 20 %%)\n",
                rounds, median ? "median" : "fastest", base, mapped, (mapped / base - 1.0) * 100.0);
  }
  if (sink == 0) std::printf("(no work done)\n");
}

}  // namespace

int main(int argc, char** argv) {
  registerBenchmarks();
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  printInterleavedOverhead();
  return 0;
}
