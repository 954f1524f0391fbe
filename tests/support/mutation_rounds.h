#pragma once
// How many rounds a mutation test runs: its default in the suite (which keeps the sanitizer run
// within its time budget), or FERRY_MUTATION_ROUNDS=N for a longer soak by hand (README).

#include <cstdlib>

namespace ferry::test {

inline int mutationRounds(int default_rounds = 1) {
  const char* text = std::getenv("FERRY_MUTATION_ROUNDS");
  if (text == nullptr) return default_rounds;
  const long rounds = std::strtol(text, nullptr, 10);
  return rounds > 0 && rounds <= 10'000'000 ? static_cast<int>(rounds) : default_rounds;
}

}  // namespace ferry::test
