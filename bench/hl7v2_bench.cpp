// Throughput of the HL7 v2 codec on a realistic lab feed, stage by stage.
//
// Why it exists: the architecture promises that parsing is a cheap linear pass (split, then index
// the delimiters, decode only what is read). These benchmarks measure each stage on the same
// in-memory corpus so a regression shows up as a number, and they measure a plain memchr pass
// over the same bytes in the same run as the speed-of-light reference. scripts/bench.sh runs them
// next to python3-hl7 and prints the ratios; docs/performance.md records the figures.
//
// The corpus (scripts/gen_corpus.py) is read from $FERRY_CORPUS, or bench/corpus/oru_100k.hl7
// relative to the working directory. Loading it is not timed. One benchmark iteration is one pass
// over the whole corpus, so bytes/s and items/s (messages/s) describe the full file.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canonical/json_writer.h"
#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/normalizer.h"
#include "parsers/hl7v2/path.h"
#include "parsers/hl7v2/splitter.h"

namespace {

namespace hl7v2 = ferry::hl7v2;

// The corpus bytes and how many messages they hold, loaded once for all benchmarks.
struct Corpus {
  std::string bytes;
  std::size_t messages = 0;
  std::string problem;  // set when the corpus could not be used; benchmarks then skip
};

const Corpus& corpus() {
  static const Corpus loaded = [] {
    Corpus c;
    const char* env = std::getenv("FERRY_CORPUS");
    const std::string path = env != nullptr && *env != '\0' ? env : "bench/corpus/oru_100k.hl7";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      c.problem = "cannot open corpus '" + path +
                  "': run scripts/gen_corpus.py or set FERRY_CORPUS";
      return c;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    c.bytes = std::move(buffer).str();
    hl7v2::Splitter splitter{std::string_view(c.bytes)};
    hl7v2::SplitItem item;
    while (splitter.next(item)) {
      if (item.kind == hl7v2::SplitItem::Kind::Message) ++c.messages;
    }
    if (c.messages == 0) c.problem = "corpus '" + path + "' holds no HL7 v2 message";
    std::cerr << "corpus " << path << ": " << c.bytes.size() << " bytes, " << c.messages
              << " messages\n";
    return c;
  }();
  return loaded;
}

// Returns the corpus, or nullptr after telling the benchmark why it cannot run.
const Corpus* corpusOrSkip(benchmark::State& state) {
  const Corpus& c = corpus();
  if (!c.problem.empty()) {
    state.SkipWithError(c.problem.c_str());
    return nullptr;
  }
  return &c;
}

void reportThroughput(benchmark::State& state, const Corpus& c) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(c.bytes.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(c.messages));
}

// Ten fields a router or mapping typically reads from a lab result: header, patient identity,
// order and one deep observation, plus a comment whose text must be unescaped. Python reads the
// same ten (bench/python_hl7_bench.py).
const char* const kTypicalPaths[] = {
    "MSH-9.2",  "MSH-10", "PID-3[1].1", "PID-5.1",     "PID-7",
    "PID-8",    "OBR-4.1", "OBX[10]-3.1", "OBX[10]-5", "NTE-3",
};

std::vector<hl7v2::Path> compileTypicalPaths() {
  std::vector<hl7v2::Path> paths;
  for (const char* text : kTypicalPaths) {
    auto path = hl7v2::Path::parse(text);
    if (!path) {
      std::cerr << "bad benchmark path " << text << ": " << path.error().describe() << "\n";
      std::abort();  // a programming error in this file, not a measurement
    }
    paths.push_back(*path);
  }
  return paths;
}

// (a) Split only: find message boundaries in the in-memory stream.
void BM_Split(benchmark::State& state) {
  const Corpus* c = corpusOrSkip(state);
  if (c == nullptr) return;
  for (auto _ : state) {
    hl7v2::Splitter splitter{std::string_view(c->bytes)};
    hl7v2::SplitItem item;
    std::size_t messages = 0;
    while (splitter.next(item)) {
      messages += item.kind == hl7v2::SplitItem::Kind::Message;
      benchmark::DoNotOptimize(item.bytes.data());
    }
    if (messages != c->messages) state.SkipWithError("split found a different message count");
  }
  reportThroughput(state, *c);
}

// (b) Split + tokenize: every message is parsed into its segment/field index.
void BM_SplitTokenize(benchmark::State& state) {
  const Corpus* c = corpusOrSkip(state);
  if (c == nullptr) return;
  for (auto _ : state) {
    hl7v2::Splitter splitter{std::string_view(c->bytes)};
    hl7v2::SplitItem item;
    std::size_t parsed = 0;
    while (splitter.next(item)) {
      if (item.kind != hl7v2::SplitItem::Kind::Message) continue;
      auto message = hl7v2::Message::parse(item.bytes);
      if (!message) {
        state.SkipWithError("a corpus message failed to parse");
        break;
      }
      parsed += message->segmentCount() > 0;
      benchmark::DoNotOptimize(message->segmentCount());
    }
    benchmark::DoNotOptimize(parsed);
  }
  reportThroughput(state, *c);
}

// (c) Split + tokenize + read the ten typical fields (decoded text) through precompiled paths.
void BM_SplitTokenizeRead10(benchmark::State& state) {
  const Corpus* c = corpusOrSkip(state);
  if (c == nullptr) return;
  const std::vector<hl7v2::Path> paths = compileTypicalPaths();
  for (auto _ : state) {
    hl7v2::Splitter splitter{std::string_view(c->bytes)};
    hl7v2::SplitItem item;
    std::size_t text_bytes = 0;
    while (splitter.next(item)) {
      if (item.kind != hl7v2::SplitItem::Kind::Message) continue;
      auto message = hl7v2::Message::parse(item.bytes);
      if (!message) {
        state.SkipWithError("a corpus message failed to parse");
        break;
      }
      for (const hl7v2::Path& path : paths) {
        const std::string value = message->at(path).text();
        benchmark::DoNotOptimize(value.data());
        text_bytes += value.size();
      }
    }
    benchmark::DoNotOptimize(text_bytes);
  }
  reportThroughput(state, *c);
}

// (e) Split + tokenize + normalize to the canonical model (parsers/hl7v2/normalizer.h), as
// `ferry parse` reads a stream: every message parsed into one Message and normalized into one
// Normalized, which keep their buffers from message to message. The splitter parses each
// message as it splits it (Splitter::next(item, message, parsed)), in one pass over its bytes.
void BM_SplitTokenizeNormalize(benchmark::State& state) {
  const Corpus* c = corpusOrSkip(state);
  if (c == nullptr) return;
  hl7v2::Message message;
  hl7v2::Normalized normalized;
  for (auto _ : state) {
    hl7v2::Splitter splitter{std::string_view(c->bytes)};
    hl7v2::SplitItem item;
    hl7v2::Result<bool> parsed = true;
    while (splitter.next(item, message, parsed)) {
      if (item.kind != hl7v2::SplitItem::Kind::Message) continue;
      if (!parsed) {
        state.SkipWithError("a corpus message failed to parse");
        break;
      }
      hl7v2::normalize(message, normalized);
      if (!normalized.ok()) {
        state.SkipWithError("a corpus message failed to normalize");
        break;
      }
      benchmark::DoNotOptimize(normalized.message.observations.data());
    }
  }
  reportThroughput(state, *c);
}

// (f) The same plus the canonical JSON line `ferry parse` prints for each message.
void BM_SplitTokenizeNormalizeJson(benchmark::State& state) {
  const Corpus* c = corpusOrSkip(state);
  if (c == nullptr) return;
  ferry::canonical::JsonWriter writer;
  hl7v2::Message message;
  hl7v2::Normalized normalized;
  for (auto _ : state) {
    hl7v2::Splitter splitter{std::string_view(c->bytes)};
    hl7v2::SplitItem item;
    std::size_t json_bytes = 0;
    while (splitter.next(item)) {
      if (item.kind != hl7v2::SplitItem::Kind::Message) continue;
      if (!hl7v2::Message::parse(item.bytes, message)) {
        state.SkipWithError("a corpus message failed to parse");
        break;
      }
      hl7v2::normalize(message, normalized);
      json_bytes += writer.write(normalized.message).size();
    }
    benchmark::DoNotOptimize(json_bytes);
  }
  reportThroughput(state, *c);
}

// (d) Speed-of-light reference: count segment terminators with memchr, nothing else. Any parser
// must at least look at every byte once; this is that cost on this machine, in this run.
void BM_MemchrBaseline(benchmark::State& state) {
  const Corpus* c = corpusOrSkip(state);
  if (c == nullptr) return;
  for (auto _ : state) {
    const char* p = c->bytes.data();
    const char* const end = p + c->bytes.size();
    std::size_t terminators = 0;
    while (p < end) {
      const void* hit = std::memchr(p, '\r', static_cast<std::size_t>(end - p));
      if (hit == nullptr) break;
      ++terminators;
      p = static_cast<const char*>(hit) + 1;
    }
    benchmark::DoNotOptimize(terminators);
  }
  reportThroughput(state, *c);
}

}  // namespace

BENCHMARK(BM_MemchrBaseline)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Split)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SplitTokenize)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SplitTokenizeRead10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SplitTokenizeNormalize)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SplitTokenizeNormalizeJson)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
