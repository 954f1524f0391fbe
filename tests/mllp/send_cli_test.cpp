// `ferry send` end to end: the real binary against a Listener in this test, answering with
// hl7v2::buildAck. (tests/cli/send_command_test.cpp covers what needs no listener.)
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "channels/mllp/listener.h"
#include "parsers/hl7v2/ack_builder.h"
#include "parsers/hl7v2/message.h"
#include "tests/mllp/mllp_test_support.h"
#include "tests/support/run.h"

using namespace ferry::mllp;
using namespace ferry::mllp::test;
namespace hl7v2 = ferry::hl7v2;
using ferry::test::ferryCommand;
using ferry::test::run;

namespace {

const std::string kSamples = std::string(FERRY_SOURCE_DIR) + "/samples/hl7v2/";

Listener::Handler answerWith(hl7v2::AcknowledgmentCode code, std::atomic<int>* count = nullptr) {
  return [code, count](std::string frame, const Peer&) {
    if (count != nullptr) ++*count;
    auto message = hl7v2::Message::parse(frame);
    hl7v2::AckOptions options;
    options.control_id = "ACK1";
    options.text = code == hl7v2::AcknowledgmentCode::AA ? "" : "Unknown patient";
    if (!message) return hl7v2::buildRejectForUnparseable(frame, message.error(), options);
    return hl7v2::buildAck(*message, code, {}, options);
  };
}

std::unique_ptr<Listener> startListener(Listener::Handler handler) {
  ListenerConfig config;
  config.channel = "cli-in";
  auto listener = std::make_unique<Listener>(config, std::move(handler), [](std::string_view) {});
  listener->start();
  return listener;
}

std::string endpoint(const Listener& listener) { return "127.0.0.1:" + std::to_string(listener.port()); }

}  // namespace

TEST(SendCommand, PrintsTheMsaOfEachAckOfABatchAndSucceeds) {
  auto listener = startListener(answerWith(hl7v2::AcknowledgmentCode::AA));
  const auto r = run(ferryCommand("send --mllp " + endpoint(*listener) + " " + kSamples + "batch_elr.hl7"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "MSA|AA|B1-0001\nMSA|AA|B1-0002\n");
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(listener->counters().accepted, 1u) << "one connection for the whole run";
}

TEST(SendCommand, SendsSeveralFilesInOrder) {
  auto listener = startListener(answerWith(hl7v2::AcknowledgmentCode::AA));
  const auto r = run(ferryCommand("send --timeout 5000 --mllp " + endpoint(*listener) + " " + kSamples +
                                  "oru_r01_lab_result.hl7 " + kSamples + "batch_elr.hl7"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "MSA|AA|NL-000184211\nMSA|AA|B1-0001\nMSA|AA|B1-0002\n");
}

TEST(SendCommand, FailsOnAnApplicationError) {
  std::atomic<int> count{0};
  auto listener = startListener(answerWith(hl7v2::AcknowledgmentCode::AE, &count));
  const auto r = run(ferryCommand("send --mllp " + endpoint(*listener) + " " + kSamples + "batch_elr.hl7"));
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.out, "MSA|AE|B1-0001|Unknown patient\nMSA|AE|B1-0002|Unknown patient\n");
  EXPECT_NE(r.err.find("batch_elr.hl7: message 1 (control id B1-0001): the receiver answered AE"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("message 2"), std::string::npos) << r.err;
  EXPECT_EQ(count.load(), 2) << "a negative ACK does not stop the run";
}

TEST(SendCommand, FailsAndStopsWhenNoAckComes) {
  std::atomic<int> count{0};
  auto listener = startListener([&](std::string, const Peer&) {
    ++count;
    return std::string();  // never answers
  });
  const auto start = Clock::now();
  const auto r = run(ferryCommand("send --timeout 300 --mllp " + endpoint(*listener) + " " + kSamples +
                                  "batch_elr.hl7"));
  EXPECT_LT(Clock::now() - start, 10s);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("batch_elr.hl7: message 1 (control id B1-0001): no ACK"), std::string::npos) << r.err;
  EXPECT_EQ(count.load(), 1) << "nothing is sent after a lost message";
}

TEST(SendCommand, SpeaksMutualTls) {
  TempDir dir;
  const TestCertificates certs = makeCertificates(dir);
  if (!certs.error.empty()) GTEST_SKIP() << certs.error;
  ListenerConfig config;
  config.tls.enabled = true;
  config.tls.cert_file = certs.server_cert;
  config.tls.key_file = certs.server_key;
  config.tls.ca_file = certs.ca;
  config.tls.require_client_cert = true;
  Listener listener(config, answerWith(hl7v2::AcknowledgmentCode::AA), [](std::string_view) {});
  listener.start();

  const std::string base = "send --mllp localhost:" + std::to_string(listener.port()) + " --tls --ca " + certs.ca;
  const auto good = run(ferryCommand(base + " --cert " + certs.client_cert + " --key " + certs.client_key + " " +
                                     kSamples + "oru_r01_lab_result.hl7"));
  EXPECT_EQ(good.status, 0) << good.err;
  EXPECT_EQ(good.out, "MSA|AA|NL-000184211\n");

  const auto anonymous = run(ferryCommand(base + " --timeout 2000 " + kSamples + "oru_r01_lab_result.hl7"));
  EXPECT_EQ(anonymous.status, 1);
  EXPECT_EQ(anonymous.out, "");
  EXPECT_NE(anonymous.err.find("oru_r01_lab_result.hl7: message 1"), std::string::npos) << anonymous.err;
}
