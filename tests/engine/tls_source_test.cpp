// An engine's MLLP source over TLS and mutual TLS: the repo's MLLP sender with TLS sends an
// ORU^R01 and reads the engine's ACK; under mutual TLS a client without a certificate is refused
// before anything reaches the store. Certificates come from the openssl command (TestPki).
#include <gtest/gtest.h>

#include "tests/engine/engine_fixture.h"
#include "tests/http/support.h"
#include "tests/support/files.h"

using namespace ferry;
using ferry::test::TempFolder;
using ferry::test::TestPki;

namespace {

runtime::EngineConfig tlsLabConfig(const TempFolder& dir, bool require_client_cert) {
  const TestPki& pki = TestPki::instance();
  runtime::EngineConfig config;
  config.folder = dir.path();
  config.store.path = dir.path() + "/var/ferry.db";
  runtime::ChannelConfig lab;
  lab.name = "lab-tls";
  lab.file = "channels/lab-tls.json";
  lab.source.type = "mllp";
  lab.source.tls.enabled = true;
  lab.source.tls.cert_file = pki.serverCert();
  lab.source.tls.key_file = pki.serverKey();
  if (require_client_cert) {
    lab.source.tls.ca_file = pki.ca();
    lab.source.tls.require_client_cert = true;
  }
  lab.ack_mode = "after_parse";
  runtime::DestinationConfig archive;
  archive.name = "archive";
  archive.type = "file";
  archive.format = "original";
  archive.folder = dir.path() + "/out";
  archive.filename = "{id}";
  lab.destinations.push_back(archive);
  config.channels.push_back(lab);
  return config;
}

mllp::SendResult sendOverTls(int port, const std::string& message, bool with_client_cert) {
  const TestPki& pki = TestPki::instance();
  mllp::SenderConfig config;
  config.host = "127.0.0.1";
  config.port = static_cast<std::uint16_t>(port);
  config.connect_timeout = std::chrono::seconds(5);
  config.connect_attempts = 1;
  config.tls.enabled = true;
  config.tls.ca_file = pki.ca();
  if (with_client_cert) {
    config.tls.cert_file = pki.clientCert();
    config.tls.key_file = pki.clientKey();
  }
  mllp::Sender sender(config, [](std::string_view) {});
  return sender.send(message, std::chrono::seconds(5));
}

// The sample ORU asks for enhanced acknowledgments (MSH-15/16 = AL/NE, answered CA); with
// those fields empty it is in original mode and answered AA after processing.
std::string originalModeOru() {
  std::string oru = test::sample("hl7v2/oru_r01_lab_result.hl7");
  const std::string enhanced = "|2.5.1|||AL|NE|";
  const auto at = oru.find(enhanced);
  if (at != std::string::npos) oru.replace(at, enhanced.size(), "|2.5.1|||||");
  return oru;
}

std::string msa1(const mllp::SendResult& result) {
  if (result.status != mllp::SendStatus::Acked) return {};
  auto ack = hl7v2::Message::parse(result.response);
  return ack ? ack->get("MSA-1") : std::string();
}

class TlsSource : public ::testing::Test {
 protected:
  void start(bool require_client_cert) {
    engine_ = std::make_unique<runtime::Engine>(tlsLabConfig(dir_, require_client_cert), log_);
    engine_->start();
    port_ = engine_->port("lab-tls");
    ASSERT_NE(port_, 0);
  }
  std::size_t storedCount() { return engine_->store().listMessages(store::MessageFilter{}).size(); }

  TempFolder dir_;
  runtime::JsonLog log_{"/dev/null"};
  std::unique_ptr<runtime::Engine> engine_;
  int port_ = 0;
  const std::string oru_ = originalModeOru();
};

TEST_F(TlsSource, OruOverTlsIsAcknowledgedAAAndStoredProcessed) {
  start(false);
  const mllp::SendResult result = sendOverTls(port_, oru_, false);
  ASSERT_EQ(result.status, mllp::SendStatus::Acked) << result.error;
  EXPECT_EQ(msa1(result), "AA") << result.response;
  EXPECT_NE(result.response.find("|NL-000184211"), std::string::npos) << result.response;  // MSA-2
  const auto messages = engine_->store().listMessages(store::MessageFilter{});
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].raw, oru_);
  EXPECT_EQ(messages[0].status, store::MessageStatus::Processed);
  EXPECT_EQ(messages[0].message_type, "ORU^R01");
}

TEST_F(TlsSource, PlainTcpClientGetsNoAckFromATlsSource) {
  start(false);
  EXPECT_EQ(test::sendAndReadMsa1(port_, oru_), "");
  EXPECT_EQ(storedCount(), 0u);
}

TEST_F(TlsSource, MutualTlsAcknowledgesAClientWithACertificateFromTheCa) {
  start(true);
  const mllp::SendResult result = sendOverTls(port_, oru_, true);
  ASSERT_EQ(result.status, mllp::SendStatus::Acked) << result.error;
  EXPECT_EQ(msa1(result), "AA") << result.response;
  EXPECT_EQ(storedCount(), 1u);
}

TEST_F(TlsSource, MutualTlsRefusesAClientWithoutCertificateAndStoresNothing) {
  start(true);
  const mllp::SendResult result = sendOverTls(port_, oru_, false);
  EXPECT_NE(result.status, mllp::SendStatus::Acked) << result.response;
  EXPECT_TRUE(result.response.empty());
  EXPECT_EQ(storedCount(), 0u);
}

}  // namespace
