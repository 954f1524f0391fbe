#include "engine/runtime/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace ferry::runtime {

std::optional<std::int64_t> Backoff::delayAfter(int attempts) {
  if (attempts >= policy_.max_attempts) return std::nullopt;
  const double exponent = std::max(0, attempts - 1);
  double delay = static_cast<double>(policy_.initial_backoff_ms) * std::pow(policy_.multiplier, exponent);
  delay = std::min(delay, static_cast<double>(policy_.max_backoff_ms));
  if (policy_.jitter > 0) {
    std::uniform_real_distribution<double> spread(1.0 - policy_.jitter, 1.0 + policy_.jitter);
    delay *= spread(rng_);
  }
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(delay));
}

}  // namespace ferry::runtime
