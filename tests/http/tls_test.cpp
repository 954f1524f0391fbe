// HTTPS between the listener and the sender with a test PKI made by the openssl command.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "channels/http/listener.h"
#include "channels/http/sender.h"
#include "tests/http/support.h"

namespace ferry::http {
namespace {

using namespace std::chrono_literals;
using test::TestPki;

class TlsPeer {
 public:
  explicit TlsPeer(bool require_client_certificate = false, bool other_name = false)
      : listener_(config(require_client_certificate, other_name)) {
    listener_.route("POST", "/", [this](const Request& r) {
      std::lock_guard lock(mutex_);
      last_ = r;
      return Response{200, "text/plain", {}, "secure ok"};
    });
    listener_.start();
  }
  std::string url(const std::string& host = "127.0.0.1") const {
    return "https://" + host + ":" + std::to_string(listener_.port()) + "/reports";
  }
  std::uint16_t port() const { return listener_.port(); }
  Request last() {
    std::lock_guard lock(mutex_);
    return last_;
  }
  std::string logs() const { return log_.joined(); }

 private:
  Listener::Config config(bool require_client_certificate, bool other_name) {
    const auto& pki = TestPki::instance();
    Listener::Config c;
    c.name = "tls-test";
    c.log = log_.sink();
    c.read_timeout = 3000ms;
    c.tls = Listener::Tls{other_name ? pki.otherCert() : pki.serverCert(), other_name ? pki.otherKey() : pki.serverKey(),
                          require_client_certificate ? pki.ca() : "", require_client_certificate};
    return c;
  }

  test::LogCapture log_;
  Listener listener_;
  std::mutex mutex_;
  Request last_;
};

Sender::Config to(const std::string& url, const std::string& ca) {
  Sender::Config c;
  c.url = url;
  c.ca_file = ca;
  c.timeout = 3000ms;
  return c;
}

TEST(Tls, PostOverHttpsWithTheTestCaIsDelivered) {
  TlsPeer peer;
  Sender sender(to(peer.url(), TestPki::instance().ca()));
  const SendResult r = sender.post("OBX|1|NM|", "application/hl7-v2");
  EXPECT_EQ(r.outcome, Outcome::Delivered) << r.error;
  EXPECT_EQ(r.body, "secure ok");
  const Request seen = peer.last();
  EXPECT_TRUE(seen.secure);
  EXPECT_EQ(seen.body, "OBX|1|NM|");
  EXPECT_TRUE(seen.client_certificate_subject.empty());
  // The connection is kept: a second post over the same TLS session.
  EXPECT_EQ(sender.post("again", "text/plain").outcome, Outcome::Delivered);
}

TEST(Tls, HostNameFromTheCertificateIsAccepted) {
  TlsPeer peer;
  Sender sender(to(peer.url("localhost"), TestPki::instance().ca()));
  const SendResult r = sender.post("x", "text/plain");
  EXPECT_EQ(r.outcome, Outcome::Delivered) << r.error;
}

TEST(Tls, ServerCertificateFromAnUnknownCaFailsVerification) {
  TlsPeer peer;
  Sender sender(to(peer.url(), TestPki::instance().wrongCa()));
  const SendResult r = sender.post("x", "text/plain");
  EXPECT_EQ(r.outcome, Outcome::RetryableFailure);
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("TLS"), std::string::npos) << r.error;
  EXPECT_TRUE(peer.last().body.empty());  // nothing reached the handler
}

TEST(Tls, CertificateForAnotherHostNameFailsVerification) {
  TlsPeer peer(/*require_client_certificate=*/false, /*other_name=*/true);
  Sender sender(to(peer.url(), TestPki::instance().ca()));
  const SendResult r = sender.post("x", "text/plain");
  EXPECT_EQ(r.outcome, Outcome::RetryableFailure);
  EXPECT_NE(r.error.find("TLS"), std::string::npos) << r.error;
  EXPECT_TRUE(peer.last().body.empty());
}

TEST(Tls, VerificationOffAcceptsAnyCertificate) {
  TlsPeer peer;
  auto config = to(peer.url(), "");
  config.verify_peer = false;
  Sender sender(config);
  EXPECT_EQ(sender.post("x", "text/plain").outcome, Outcome::Delivered);
}

TEST(Tls, MutualTlsRejectsAClientWithoutCertificate) {
  TlsPeer peer(/*require_client_certificate=*/true);
  Sender sender(to(peer.url(), TestPki::instance().ca()));
  const SendResult r = sender.post("x", "text/plain");
  EXPECT_EQ(r.outcome, Outcome::RetryableFailure) << r.status;
  EXPECT_TRUE(peer.last().body.empty());
  // Poco would swallow the failed handshake; the listener logs it for the operator. Its
  // connection thread may log a moment after the client has given up: wait for it (bounded).
  const auto logged = [&] { return peer.logs().find(R"("event":"http.listener.tls_failed")") != std::string::npos; };
  for (int i = 0; i < 250 && !logged(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(logged()) << peer.logs();
}

TEST(Tls, MutualTlsAcceptsTheClientCertificateAndNamesItsSubject) {
  TlsPeer peer(/*require_client_certificate=*/true);
  auto config = to(peer.url(), TestPki::instance().ca());
  config.client_certificate_file = TestPki::instance().clientCert();
  config.client_private_key_file = TestPki::instance().clientKey();
  Sender sender(config);
  const SendResult r = sender.post("x", "text/plain");
  EXPECT_EQ(r.outcome, Outcome::Delivered) << r.error;
  EXPECT_NE(peer.last().client_certificate_subject.find("ferry-test-client"), std::string::npos)
      << peer.last().client_certificate_subject;
}

TEST(Tls, PlainHttpToAnHttpsListenerGetsNoAnswer) {
  TlsPeer peer;
  Sender::Config config;
  config.url = "http://127.0.0.1:" + std::to_string(peer.port()) + "/reports";
  config.timeout = 1000ms;
  Sender sender(config);
  EXPECT_EQ(sender.post("x", "text/plain").outcome, Outcome::RetryableFailure);
}

TEST(Tls, MissingCertificateFileIsReportedAtStart) {
  test::LogCapture log;
  Listener::Config c;
  c.log = log.sink();
  c.tls = Listener::Tls{"/nonexistent/server.pem", TestPki::instance().serverKey(), "", false};
  Listener listener(c);
  EXPECT_THROW(listener.start(), std::invalid_argument);
}

}  // namespace
}  // namespace ferry::http
