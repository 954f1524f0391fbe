// The MLLP destination as the delivery worker drives it: one connection attempt a delivery,
// with the worker's backoff (the destination's `retry`) as the only wait between attempts.
#include "engine/runtime/mllp_destination.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "channels/mllp/listener.h"
#include "parsers/hl7v2/message.h"
#include "tests/engine/engine_fixture.h"

using namespace ferry;

namespace {

// The destination "hospital" of channel "lab" at 127.0.0.1:port.
runtime::DestinationConfig hospitalAt(int port) {
  runtime::DestinationConfig config;
  config.name = "hospital";
  config.type = "mllp";
  config.host = "127.0.0.1";
  config.port = port;
  return config;
}

}  // namespace

TEST(MllpDestination, AttemptsAgainstADownPeerAddNoWaitOfTheirOwn) {
  // Nothing listens there: every connect is refused at once.
  runtime::DestinationConfig config = hospitalAt(test::freePort());
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

namespace {

// A started peer on an ephemeral loopback port that answers each frame with `answer(frame)`
// (nothing when it is empty).
std::unique_ptr<mllp::Listener> peerAnswering(mllp::Listener::Handler answer) {
  mllp::ListenerConfig config;
  config.channel = "hospital";
  config.port = 0;
  config.stop_timeout = std::chrono::seconds(2);
  auto listener = std::make_unique<mllp::Listener>(config, std::move(answer), [](std::string_view) {});
  listener->start();
  return listener;
}

// A peer whose ACK names the control id `acked(frame)` returns.
std::unique_ptr<mllp::Listener> ackingPeer(std::function<std::string(const std::string&)> acked) {
  return peerAnswering([acked = std::move(acked)](std::string frame, const mllp::Peer&) {
    return "MSH|^~\\&|HOSP||LAB||20261128||ACK|A1|P|2.5.1\rMSA|AA|" + acked(frame) + "\r";
  });
}

std::string oruWithControlId(const std::string& id) {
  return "MSH|^~\\&|LAB||HOSP||20261128||ORU^R01|" + id + "|P|2.5.1\r";
}

}  // namespace

TEST(MllpDestination, AnAckForAnotherMessageDoesNotDeliverThisOne) {
  // The peer answers the first exchange with a stale ACK (of an earlier message), then
  // correctly: the stale one must not mark this message delivered.
  std::atomic<int> exchanges{0};
  auto peer = ackingPeer([&](const std::string& frame) {
    return ++exchanges == 1 ? std::string("EARLIER-7") : frame.substr(frame.find("ORU^R01|") + 8, 4);
  });
  runtime::DestinationConfig config = hospitalAt(peer->port());
  runtime::MllpDestination destination(config, "lab", [](std::string_view) {});

  const runtime::DeliveryOutcome stale = destination.deliver(1, oruWithControlId("M001"));
  EXPECT_EQ(stale.kind, runtime::DeliveryOutcome::Kind::Retry);
  EXPECT_EQ(stale.error, "the peer's ACK is for control id 'EARLIER-7', not this message's 'M001'");
  const runtime::DeliveryOutcome again = destination.deliver(1, oruWithControlId("M001"));
  EXPECT_EQ(again.kind, runtime::DeliveryOutcome::Kind::Delivered) << again.error;
  EXPECT_NE(again.response.value_or("").find("MSA|AA|M001"), std::string::npos) << again.response.value_or("");
  EXPECT_EQ(exchanges.load(), 2);
}

TEST(MllpDestination, AnAckWithoutMsa2AnswersTheExchangeItIsIn) {
  auto peer = ackingPeer([](const std::string&) { return std::string(); });
  runtime::DestinationConfig config = hospitalAt(peer->port());
  runtime::MllpDestination destination(config, "lab", [](std::string_view) {});
  EXPECT_EQ(destination.deliver(1, oruWithControlId("M002")).kind, runtime::DeliveryOutcome::Kind::Delivered);
}

namespace {

// A peer that honours MSH-15 as a Ferry source with accept_acks "as_requested" does: for
// messages it accepts (`accepts`), AL or SU answered with CA, NE and ER not answered; for
// messages it refuses, AL and ER answered with CE, NE and SU not answered. `frames` counts what
// arrived.
std::unique_ptr<mllp::Listener> honouringPeer(std::atomic<int>& frames, bool accepts = true) {
  return peerAnswering([&frames, accepts](std::string frame, const mllp::Peer&) -> std::string {
    ++frames;
    auto m = hl7v2::Message::parse(frame);
    const std::string condition = m ? m->get("MSH-15") : std::string();
    if (condition == "NE" || condition == (accepts ? "ER" : "SU")) return {};
    return "MSH|^~\\&|HOSP||LAB||20261128||ACK|A1|P|2.5.1\rMSA|" + std::string(accepts ? "CA" : "CE") + "|" +
           (m ? m->controlId() : std::string()) + "\r";
  });
}

std::string enhanced(const std::string& id, const std::string& accept) {
  return "MSH|^~\\&|LAB||HOSP||20261128||ORU^R01|" + id + "|P|2.5.1|||" + accept + "|NE\r";
}

}  // namespace

TEST(MllpDestination, AsRequestedWaitsForWhatTheMessagesMsh15AskedFor) {
  std::atomic<int> frames{0};
  auto peer = honouringPeer(frames);
  runtime::DestinationConfig config = hospitalAt(peer->port());
  config.ack_timeout_ms = 300;
  config.accept_acks = "as_requested";
  runtime::MllpDestination destination(config, "lab", [](std::string_view) {});
  using Kind = runtime::DeliveryOutcome::Kind;

  auto started = std::chrono::steady_clock::now();
  const auto ne = destination.deliver(1, enhanced("NE1", "NE"));
  EXPECT_EQ(ne.kind, Kind::Delivered) << ne.error;
  EXPECT_FALSE(ne.response.has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(250)) << "NE waits for nothing";

  const auto er = destination.deliver(2, enhanced("ER1", "ER"));
  EXPECT_EQ(er.kind, Kind::Delivered) << "silence is success for ER: " << er.error;
  const auto su = destination.deliver(3, enhanced("SU1", "SU"));
  EXPECT_EQ(su.kind, Kind::Delivered) << su.error;
  EXPECT_NE(su.response.value_or("").find("MSA|CA|SU1"), std::string::npos);
  EXPECT_TRUE(test::eventually([&] { return frames.load() == 3; }));

  // A peer that refuses: silence for SU is a refusal (on_negative_ack), CE for ER too.
  std::atomic<int> refused_frames{0};
  auto refusing = honouringPeer(refused_frames, false);
  config.port = refusing->port();
  config.on_negative_ack = "fail";
  runtime::MllpDestination to_refusing(config, "lab", [](std::string_view) {});
  const auto su_refused = to_refusing.deliver(4, enhanced("SU2", "SU"));
  EXPECT_EQ(su_refused.kind, Kind::Fail);
  EXPECT_EQ(su_refused.error, "no ACK within 300 ms, and MSH-15 SU asks for one on success");
  const auto er_refused = to_refusing.deliver(5, enhanced("ER2", "ER"));
  EXPECT_EQ(er_refused.kind, Kind::Fail);
  EXPECT_EQ(er_refused.error, "the peer answered CE");
}

TEST(MllpDestination, AlwaysWaitsForAnAckEvenWhenMsh15AsksForNone) {
  std::atomic<int> frames{0};
  auto peer = honouringPeer(frames);
  runtime::DestinationConfig config = hospitalAt(peer->port());
  config.ack_timeout_ms = 300;
  runtime::MllpDestination destination(config, "lab", [](std::string_view) {});
  const auto ne = destination.deliver(1, enhanced("NE1", "NE"));
  EXPECT_EQ(ne.kind, runtime::DeliveryOutcome::Kind::Retry);
  EXPECT_NE(ne.error.find("timeout"), std::string::npos) << ne.error;
}
