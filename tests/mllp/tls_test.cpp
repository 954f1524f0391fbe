// MLLP over TLS and mutual TLS, with certificates made by the openssl command line for this run:
// a CA, a server certificate for 127.0.0.1 and localhost, a client certificate from the same CA
// and one from another CA.
#include <gtest/gtest.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

#include "channels/mllp/listener.h"
#include "channels/mllp/sender.h"
#include "tests/mllp/mllp_test_support.h"

using namespace ferry::mllp;
using namespace ferry::mllp::test;

// The fixture has external linkage (outside the anonymous namespace): the TEST_F classes
// derived from it do, and a unity build would warn about the mismatch.
class MllpTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    certs_ = new TestCertificates(makeCertificates(*dir_));
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete dir_;
  }
  void SetUp() override {
    if (!certs_->error.empty()) GTEST_SKIP() << certs_->error;
  }

  const TestCertificates& certs() const { return *certs_; }

  std::unique_ptr<Listener> startListener(bool require_client_cert, const std::string& cert = {},
                                          const std::string& key = {}) {
    ListenerConfig config;
    config.channel = "tls-in";
    config.read_timeout = 2s;
    config.stop_timeout = 2s;
    config.tls.enabled = true;
    config.tls.cert_file = cert.empty() ? certs().server_cert : cert;
    config.tls.key_file = key.empty() ? certs().server_key : key;
    config.tls.ca_file = certs().ca;
    config.tls.require_client_cert = require_client_cert;
    auto listener = std::make_unique<Listener>(config, [this](std::string frame, const Peer& peer) {
      std::lock_guard<std::mutex> lock(mutex_);
      last_peer_ = peer;
      return "ACK:" + frame;
    }, log_.sink());
    listener->start();
    return listener;
  }

  SenderConfig senderConfig(std::uint16_t port, const std::string& host = "127.0.0.1") {
    SenderConfig config;
    config.host = host;
    config.port = port;
    config.connect_timeout = 3s;
    config.connect_attempts = 1;
    config.tls.enabled = true;
    config.tls.ca_file = certs().ca;
    return config;
  }

  Peer lastPeer() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_peer_;
  }

  LogCapture log_;
  LogCapture sender_log_;

 private:
  static TempDir* dir_;
  static TestCertificates* certs_;
  std::mutex mutex_;
  Peer last_peer_;
};

TempDir* MllpTls::dir_ = nullptr;
TestCertificates* MllpTls::certs_ = nullptr;

TEST_F(MllpTls, PlainRoundTripStillWorksBesideTls) {
  ListenerConfig config;
  Listener plain(config, [](std::string frame, const Peer&) { return "ACK:" + frame; }, [](std::string_view) {});
  plain.start();
  SenderConfig sc = senderConfig(plain.port());
  sc.tls = {};
  Sender sender(sc, sender_log_.sink());
  const auto result = sender.send("plain", 2s);
  EXPECT_EQ(result.status, SendStatus::Acked) << result.error;
  EXPECT_EQ(result.response, "ACK:plain");
}

TEST_F(MllpTls, ServerTlsRoundTrip) {
  auto listener = startListener(false);
  Sender sender(senderConfig(listener->port()), sender_log_.sink());
  const auto result = sender.send("over tls", 3s);
  ASSERT_EQ(result.status, SendStatus::Acked) << result.error << "\n" << log_.all();
  EXPECT_EQ(result.response, "ACK:over tls");
  EXPECT_TRUE(lastPeer().tls);
  EXPECT_TRUE(lastPeer().certificate_subject.empty());
  // the connection stays up across messages
  EXPECT_EQ(sender.send("again", 3s).response, "ACK:again");
  EXPECT_EQ(sender.connectionsOpened(), 1u);
}

TEST_F(MllpTls, SenderVerifiesTheHostNameByDnsNameToo) {
  auto listener = startListener(false);
  Sender sender(senderConfig(listener->port(), "localhost"), sender_log_.sink());
  const auto result = sender.send("by name", 3s);
  EXPECT_EQ(result.status, SendStatus::Acked) << result.error;
}

TEST_F(MllpTls, SenderRefusesAServerItsCaDidNotSign) {
  auto listener = startListener(false);
  SenderConfig config = senderConfig(listener->port());
  config.tls.ca_file = certs().other_ca;
  Sender sender(config, sender_log_.sink());
  const auto result = sender.send("x", 3s);
  EXPECT_EQ(result.status, SendStatus::ConnectionError);
  EXPECT_FALSE(result.sent);
  EXPECT_NE(result.error.find("certificate verify failed"), std::string::npos) << result.error;
}

TEST_F(MllpTls, SenderRefusesACertificateForAnotherHost) {
  auto listener = startListener(false, certs().wrong_host_cert, certs().wrong_host_key);
  Sender sender(senderConfig(listener->port()), sender_log_.sink());
  const auto result = sender.send("x", 3s);
  EXPECT_EQ(result.status, SendStatus::ConnectionError);
  EXPECT_FALSE(result.sent);
  EXPECT_NE(result.error.find("not issued for '127.0.0.1'"), std::string::npos) << result.error;
}

TEST_F(MllpTls, MutualTlsAcceptsAClientCertificateFromTheCa) {
  auto listener = startListener(true);
  SenderConfig config = senderConfig(listener->port());
  config.tls.cert_file = certs().client_cert;
  config.tls.key_file = certs().client_key;
  Sender sender(config, sender_log_.sink());
  const auto result = sender.send("mutual", 3s);
  ASSERT_EQ(result.status, SendStatus::Acked) << result.error << "\n" << log_.all();
  EXPECT_EQ(result.response, "ACK:mutual");
  EXPECT_NE(lastPeer().certificate_subject.find("CN=ferry-test-client"), std::string::npos)
      << lastPeer().certificate_subject;
  EXPECT_TRUE(log_.waitFor("\"client_certificate\":"));
}

TEST_F(MllpTls, MutualTlsRefusesAClientWithoutCertificate) {
  auto listener = startListener(true);
  Sender sender(senderConfig(listener->port()), sender_log_.sink());
  const auto result = sender.send("anonymous", 3s);
  EXPECT_NE(result.status, SendStatus::Acked);
  EXPECT_TRUE(result.response.empty());
  EXPECT_TRUE(log_.waitFor("\"event\":\"mllp.tls.handshake_failed\"")) << log_.all();
  EXPECT_EQ(listener->counters().frames, 0u);
}

TEST_F(MllpTls, MutualTlsRefusesAClientCertificateFromAnotherCa) {
  auto listener = startListener(true);
  SenderConfig config = senderConfig(listener->port());
  config.tls.cert_file = certs().other_client_cert;
  config.tls.key_file = certs().other_client_key;
  Sender sender(config, sender_log_.sink());
  const auto result = sender.send("intruder", 3s);
  EXPECT_NE(result.status, SendStatus::Acked);
  EXPECT_TRUE(result.response.empty());
  EXPECT_TRUE(log_.waitFor("\"event\":\"mllp.tls.handshake_failed\"")) << log_.all();
  EXPECT_EQ(listener->counters().frames, 0u);
}

TEST_F(MllpTls, APeerThatNeverStartsTheHandshakeDoesNotBlockOthers) {
  auto listener = startListener(false);
  RawClient silent(listener->port());  // TCP connected, no ClientHello ever
  RawClient garbage(listener->port());
  garbage.send("this is not TLS\r\n");
  Sender sender(senderConfig(listener->port()), sender_log_.sink());
  const auto start = Clock::now();
  const auto result = sender.send("meanwhile", 3s);
  EXPECT_EQ(result.status, SendStatus::Acked) << result.error;
  EXPECT_LT(Clock::now() - start, 1500ms);
  EXPECT_TRUE(garbage.waitClosed());
  EXPECT_TRUE(silent.waitClosed(5s)) << "closed after read_timeout";
  EXPECT_TRUE(log_.waitFor("\"reason\":\"tls_handshake_timeout\"")) << log_.all();
}

TEST_F(MllpTls, BadTlsSettingsAreConfigurationErrors) {
  ListenerConfig config;
  config.tls.enabled = true;
  config.tls.cert_file = "/nonexistent/server.crt";
  config.tls.key_file = certs().server_key;
  Listener listener(config, [](std::string f, const Peer&) { return f; }, [](std::string_view) {});
  try {
    listener.start();
    FAIL() << "start() should refuse a missing certificate";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/server.crt"), std::string::npos) << e.what();
  }
  SenderConfig sc;
  sc.host = "127.0.0.1";
  sc.port = 1;
  sc.tls.enabled = true;
  sc.tls.cert_file = certs().client_cert;  // without its key
  EXPECT_THROW(Sender(sc, [](std::string_view) {}), std::invalid_argument);
}
