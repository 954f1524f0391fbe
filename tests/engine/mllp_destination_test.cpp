// The MLLP destination as the delivery worker drives it: one connection attempt a delivery,
// with the worker's backoff (the destination's `retry`) as the only wait between attempts.
#include "engine/runtime/mllp_destination.h"

#include <gtest/gtest.h>

#include <chrono>

#include "tests/engine/engine_fixture.h"

using namespace ferry;

TEST(MllpDestination, AttemptsAgainstADownPeerAddNoWaitOfTheirOwn) {
  runtime::DestinationConfig config;
  config.name = "hospital";
  config.type = "mllp";
  config.host = "127.0.0.1";
  config.port = test::freePort();  // nothing listens: every connect is refused at once
  runtime::MllpDestination destination(config, "lab", [](std::string_view) {});
  // Eight failed attempts in a row: a reconnect backoff of the sender's own (200 ms doubling to
  // 5 s) would make them last ~16 s, and delay the first delivery after the peer is back by as
  // much, whatever max_backoff_ms the operator configured.
  const auto start = std::chrono::steady_clock::now();
  for (int attempt = 1; attempt <= 8; ++attempt) {
    const runtime::DeliveryOutcome outcome = destination.deliver(attempt, "MSH|^~\\&|LAB||HOSP||20261127||ORU^R01|1|P|2.5.1\r");
    EXPECT_EQ(outcome.kind, runtime::DeliveryOutcome::Kind::Retry);
    EXPECT_NE(outcome.error.find("Connection refused"), std::string::npos) << outcome.error;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));

  // Once the peer listens on that port, the very next attempt delivers, at once.
  test::StandInReceiver hospital("AA", config.port);
  const auto back = std::chrono::steady_clock::now();
  EXPECT_EQ(destination.deliver(9, "MSH|^~\\&|LAB||HOSP||20261127||ORU^R01|9|P|2.5.1\r").kind,
            runtime::DeliveryOutcome::Kind::Delivered);
  EXPECT_LT(std::chrono::steady_clock::now() - back, std::chrono::milliseconds(500));
  EXPECT_EQ(hospital.frames().size(), 1u);
}
