#pragma once
// When to try a failed delivery again: exponential backoff with jitter, capped, and a dead-letter
// verdict after the configured number of attempts.

#include <cstdint>
#include <optional>
#include <random>

#include "engine/runtime/config.h"

namespace ferry::runtime {

class Backoff {
 public:
  explicit Backoff(const RetryPolicy& policy, std::uint32_t seed = std::random_device{}())
      : policy_(policy), rng_(seed) {}

  // Delay before attempt number `attempts + 1`, given `attempts` failed so far (1-based);
  // nullopt when the delivery has used all its attempts and goes to the dead-letter state.
  std::optional<std::int64_t> delayAfter(int attempts);

 private:
  RetryPolicy policy_;
  std::mt19937 rng_;
};

}  // namespace ferry::runtime
