// Structure-aware mutation tests of the HL7 v2 path: real messages (every sample, shared and
// the repository's, plus hand-built ones) changed the way a broken or hostile sender would
// (mutation_support.h), each driven through the splitter, the parser, path reads, the
// normalizer, the canonical JSON writer and reader, the FHIR and HL7 v2 writers and the ACK
// builder, with the properties of mutation_check.h checked at every step. Run under
// AddressSanitizer and UBSan (`make test`), an out-of-bounds read or an overflow fails them too.
//
// Deterministic: every round's mutant comes from a std::mt19937 with a fixed seed. The default
// round count (110 a seed, a third of that under tight limits: about 2,500 mutants) keeps these
// tests to about ten seconds in the sanitizer build on two cores; a soak by hand:
//   FERRY_MUTATION_ROUNDS=5000 build/test/tests/hl7v2_tests --gtest_filter='MutationRobustness.*'
// (rounds a seed; a failure prints the seed name, the round and the mutant's bytes as a C++
// literal, ready to become a named regression test in mutation_regression_test.cpp).
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "tests/hl7v2/mutation_check.h"
#include "tests/hl7v2/mutation_support.h"

namespace ferry::hl7v2::mutation {
namespace {

// The bytes as a C++ string literal, cut at max bytes.
std::string literal(const std::string& bytes, std::size_t max = 3000) {
  static const char* hex = "0123456789ABCDEF";
  std::string out = "\"";
  for (std::size_t i = 0; i < bytes.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '\\' || c == '"') {
      (out += '\\') += static_cast<char>(c);
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7F) {
      // Closing and reopening the literal keeps a following hex digit out of the escape.
      ((out += "\\x") += hex[c >> 4]) += hex[c & 15];
      out += "\" \"";
    } else {
      out += static_cast<char>(c);
    }
  }
  if (bytes.size() > max) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out + "\"";
}

// Chunk sizes of the istream splitter: tiny ones, so every line and frame straddles reads.
constexpr std::size_t kChunks[] = {1, 2, 3, 7, 64};

// Runs rounds mutants of every seed through checker; reports at most a few failing mutants in
// full, so a systematic bug does not bury the output. Returns the number of mutants run.
std::size_t runMutants(const std::vector<Seed>& seeds, int rounds, std::uint32_t rng_seed,
                       const Limits& limits, Checker& checker) {
  Mutator mutator(rng_seed);
  std::size_t run = 0;
  int reported = 0;
  for (int round = 0; round < rounds; ++round) {
    for (const Seed& seed : seeds) {
      const std::string mutant = mutator.mutate(seed.bytes);
      checker.check(mutant, limits, kChunks[run % std::size(kChunks)]);
      ++run;
      if (checker.problems().empty() || reported >= 5) continue;
      ++reported;
      std::string all;
      for (const std::string& p : checker.problems()) all += "\n  - " + p;
      ADD_FAILURE() << "seed " << seed.name << ", rng seed " << rng_seed << ", round " << round
                    << ":" << all << "\n  input: " << literal(mutant);
    }
  }
  return run;
}

TEST(MutationRobustness, EverySeedKeepsEveryProperty) {
  const std::vector<Seed> seeds = loadSeeds();
  // The shared samples are found beside the repository when it is checked out there; the
  // repository's own samples and the hand-built seeds are always there.
  ASSERT_GE(seeds.size(), 9u + handBuiltSeeds().size());
  Checker checker;
  for (const Seed& seed : seeds) {
    for (const std::size_t chunk : kChunks) {
      checker.check(seed.bytes, Limits{}, chunk);
      std::string all;
      for (const std::string& p : checker.problems()) all += "\n  - " + p;
      EXPECT_TRUE(checker.problems().empty()) << seed.name << " (chunk " << chunk << "):" << all;
    }
  }
  // The seeds themselves are good messages: each one parses and normalizes.
  EXPECT_EQ(checker.coverage().parsed, checker.coverage().messages);
  EXPECT_GT(checker.coverage().normalized, checker.coverage().parsed / 2);
}

TEST(MutationRobustness, MutatedMessagesKeepEveryProperty) {
  const std::vector<Seed> seeds = loadSeeds();
  Checker checker;
  const std::size_t run = runMutants(seeds, roundsFromEnvironment(110), 20261127, Limits{}, checker);
  const Coverage& c = checker.coverage();
  // The mutations are meant to get past the first checks: most mutants must still parse, and
  // many must reach the normalizer's success path and the writers.
  EXPECT_GT(c.parsed, run / 2) << "mutants parsed: " << c.parsed << " of " << run;
  EXPECT_GT(c.normalized, run / 5) << "mutants normalized: " << c.normalized << " of " << run;
  EXPECT_GT(c.written_v2, run / 10) << "mutants written as v2: " << c.written_v2 << " of " << run;
  std::cout << "[ mutation ] " << run << " mutants, " << c.messages << " messages, " << c.parsed
            << " parsed, " << c.normalized << " normalized, " << c.written_v2 << " written as v2\n";
}

// The same mutations under small limits, so that long values, many fields and many segments
// cross them: a limit must give an error value at the right place, never a partial index.
TEST(MutationRobustness, MutatedMessagesUnderTightLimits) {
  const std::vector<Seed> seeds = loadSeeds();
  Limits tight;
  tight.max_message_bytes = 1500;
  tight.max_segment_bytes = 300;
  tight.max_segments = 12;
  tight.max_fields_per_segment = 30;
  Checker checker;
  const std::size_t run = runMutants(seeds, roundsFromEnvironment(110) / 3 + 1, 7, tight, checker);
  EXPECT_GT(checker.coverage().parsed, 0u);
  EXPECT_LT(checker.coverage().parsed, run) << "no mutant crossed a limit";
}

}  // namespace
}  // namespace ferry::hl7v2::mutation
