#include "engine/runtime/retry_policy.h"

#include <gtest/gtest.h>

using namespace ferry::runtime;

TEST(Backoff, GrowsExponentiallyUpToTheCap) {
  RetryPolicy p;
  p.initial_backoff_ms = 100;
  p.max_backoff_ms = 1000;
  p.multiplier = 2;
  p.jitter = 0;
  p.max_attempts = 10;
  Backoff b(p, 1);
  EXPECT_EQ(b.delayAfter(1), 100);
  EXPECT_EQ(b.delayAfter(2), 200);
  EXPECT_EQ(b.delayAfter(3), 400);
  EXPECT_EQ(b.delayAfter(5), 1000);
  EXPECT_EQ(b.delayAfter(9), 1000);
}

TEST(Backoff, DeadLettersAfterMaxAttempts) {
  RetryPolicy p;
  p.max_attempts = 3;
  Backoff b(p, 1);
  EXPECT_TRUE(b.delayAfter(2));
  EXPECT_FALSE(b.delayAfter(3));
}

TEST(Backoff, JitterStaysWithinItsFraction) {
  RetryPolicy p;
  p.initial_backoff_ms = 1000;
  p.jitter = 0.2;
  Backoff b(p, 7);
  bool varied = false;
  std::int64_t first = *b.delayAfter(1);
  for (int i = 0; i < 200; ++i) {
    const std::int64_t d = *b.delayAfter(1);
    EXPECT_GE(d, 800);
    EXPECT_LE(d, 1200);
    varied = varied || d != first;
  }
  EXPECT_TRUE(varied);
}
