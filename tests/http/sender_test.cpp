#include "channels/http/sender.h"

#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <thread>

#include "channels/http/listener.h"
#include "tests/http/support.h"

namespace ferry::http {
namespace {

using namespace std::chrono_literals;

// A listener whose one route answers what the test sets and remembers the last request.
class Peer {
 public:
  explicit Peer(Listener::Config config = {}) : listener_(withLog(std::move(config))) {
    listener_.route("POST", "/", [this](const Request& r) {
      std::lock_guard lock(mutex_);
      last_ = r;
      peers_.push_back(r.peer);
      ++calls_;
      if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
      return answer_;
    });
    listener_.start();
  }

  std::string url(const std::string& path = "/claims") const {
    return "http://127.0.0.1:" + std::to_string(listener_.port()) + path;
  }
  void answer(Response r) { answer_ = std::move(r); }
  void delay(std::chrono::milliseconds d) { delay_ = d; }
  Request last() {
    std::lock_guard lock(mutex_);
    return last_;
  }
  std::vector<std::string> peers() {
    std::lock_guard lock(mutex_);
    return peers_;
  }
  int calls() const { return calls_; }

 private:
  Listener::Config withLog(Listener::Config config) {
    config.log = log_.sink();
    return config;
  }

  test::LogCapture log_;
  Listener listener_;
  std::mutex mutex_;
  Response answer_{201, "application/xml", {}, "<ack/>"};
  std::chrono::milliseconds delay_{0};
  Request last_;
  std::vector<std::string> peers_;
  std::atomic<int> calls_ = 0;
};

Sender::Config to(const std::string& url) {
  Sender::Config config;
  config.url = url;
  config.timeout = 3000ms;
  return config;
}

TEST(Sender, Status201IsDeliveredWithTheResponseBody) {
  Peer peer;
  Sender sender(to(peer.url("/claims?batch=7")));
  const std::string body = "<claim id=\"1\">\x01\x02\xff</claim>";
  const SendResult r = sender.post(body, "application/xml");
  EXPECT_EQ(r.outcome, Outcome::Delivered);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "<ack/>");
  EXPECT_EQ(r.content_type, "application/xml");
  EXPECT_TRUE(r.error.empty());
  const Request seen = peer.last();
  EXPECT_EQ(seen.body, body);
  EXPECT_EQ(seen.path, "/claims");
  EXPECT_EQ(seen.query, "batch=7");
  EXPECT_EQ(seen.headers.value("Content-Type"), "application/xml");
}

TEST(Sender, Status400IsPermanentFailure) {
  Peer peer;
  peer.answer(Response{400, "application/json", {}, R"({"issue":"bad"})"});
  Sender sender(to(peer.url()));
  const SendResult r = sender.post("x", "text/plain");
  EXPECT_EQ(r.outcome, Outcome::PermanentFailure);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"issue":"bad"})");
  EXPECT_NE(r.error.find("HTTP 400"), std::string::npos) << r.error;
}

TEST(Sender, Status503IsRetryableAndCarriesRetryAfter) {
  Peer peer;
  peer.answer(Response{503, "text/plain", {{"Retry-After", "120"}}, "maintenance"});
  Sender sender(to(peer.url()));
  const SendResult r = sender.post("x", "text/plain");
  EXPECT_EQ(r.outcome, Outcome::RetryableFailure);
  EXPECT_EQ(r.status, 503);
  ASSERT_TRUE(r.retry_after.has_value());
  EXPECT_EQ(*r.retry_after, 120s);
}

TEST(Sender, StatusClassificationFollowsTheDeliveryRules) {
  EXPECT_EQ(classifyStatus(200), Outcome::Delivered);
  EXPECT_EQ(classifyStatus(204), Outcome::Delivered);
  EXPECT_EQ(classifyStatus(301), Outcome::PermanentFailure);
  EXPECT_EQ(classifyStatus(401), Outcome::PermanentFailure);
  EXPECT_EQ(classifyStatus(404), Outcome::PermanentFailure);
  EXPECT_EQ(classifyStatus(408), Outcome::RetryableFailure);
  EXPECT_EQ(classifyStatus(422), Outcome::PermanentFailure);
  EXPECT_EQ(classifyStatus(429), Outcome::RetryableFailure);
  EXPECT_EQ(classifyStatus(500), Outcome::RetryableFailure);
  EXPECT_EQ(classifyStatus(599), Outcome::RetryableFailure);
}

TEST(Sender, Status429FromThePeerIsRetryable) {
  Peer peer;
  peer.answer(Response{429, "", {}, ""});
  Sender sender(to(peer.url()));
  EXPECT_EQ(sender.post("x", "text/plain").outcome, Outcome::RetryableFailure);
}

TEST(Sender, TimeoutIsRetryable) {
  Peer peer;
  peer.delay(1000ms);
  auto config = to(peer.url());
  config.timeout = 200ms;
  Sender sender(config);
  const SendResult r = sender.post("x", "text/plain");
  EXPECT_EQ(r.outcome, Outcome::RetryableFailure);
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("within 200 ms"), std::string::npos) << r.error;
  EXPECT_LT(r.elapsed, 900ms);
  EXPECT_EQ(peer.calls(), 1);  // a timed-out request is not sent again: the peer may be working on it
}

TEST(Sender, ConnectionRefusedIsRetryable) {
  std::uint16_t port = 0;
  {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    port = probe.address().port();
  }  // closed again: nothing listens on the port now
  Sender sender(to("http://127.0.0.1:" + std::to_string(port) + "/"));
  const SendResult r = sender.post("x", "text/plain");
  EXPECT_EQ(r.outcome, Outcome::RetryableFailure);
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("refused"), std::string::npos) << r.error;
}

TEST(Sender, BearerTokenArrivesExactly) {
  Peer peer;
  auto config = to(peer.url());
  config.bearer_token = "eyJhbGciOi.abc-123_x";
  Sender sender(config);
  ASSERT_EQ(sender.post("x", "text/plain").outcome, Outcome::Delivered);
  EXPECT_EQ(peer.last().headers.all("Authorization"), std::vector<std::string>{"Bearer eyJhbGciOi.abc-123_x"});
}

TEST(Sender, BasicCredentialsArriveExactly) {
  Peer peer;
  auto config = to(peer.url());
  config.basic_user = "Aladdin";
  config.basic_password = "open sesame";  // RFC 7617 section 2's example
  Sender sender(config);
  ASSERT_EQ(sender.post("x", "text/plain").outcome, Outcome::Delivered);
  EXPECT_EQ(peer.last().headers.all("Authorization"), std::vector<std::string>{"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="});
}

TEST(Sender, CustomHeadersArrive) {
  Peer peer;
  auto config = to(peer.url());
  config.headers = Headers{{"X-Insurer-Id", "AOK-123"}, {"X-Batch", "7"}, {"X-Batch", "8"}};
  Sender sender(config);
  ASSERT_EQ(sender.post("x", "text/plain").outcome, Outcome::Delivered);
  const Request seen = peer.last();
  EXPECT_EQ(seen.headers.value("x-insurer-id"), "AOK-123");
  EXPECT_EQ(seen.headers.all("X-Batch"), (std::vector<std::string>{"7", "8"}));
  EXPECT_FALSE(seen.headers.contains("Authorization"));
}

TEST(Sender, ReusesItsKeepAliveConnection) {
  Peer peer;
  Sender sender(to(peer.url()));
  for (int i = 0; i < 3; ++i) ASSERT_EQ(sender.post("x", "text/plain").outcome, Outcome::Delivered);
  const auto peers = peer.peers();
  ASSERT_EQ(peers.size(), 3u);
  EXPECT_EQ(peers[0], peers[1]);
  EXPECT_EQ(peers[1], peers[2]);
}

TEST(Sender, RecoversWhenThePeerClosedTheIdleConnection) {
  Listener::Config config;
  config.keep_alive_timeout = 100ms;
  Peer peer(config);
  Sender sender(to(peer.url()));
  ASSERT_EQ(sender.post("one", "text/plain").outcome, Outcome::Delivered);
  std::this_thread::sleep_for(400ms);  // the listener closes the idle connection meanwhile
  const SendResult r = sender.post("two", "text/plain");
  EXPECT_EQ(r.outcome, Outcome::Delivered) << r.error;
  EXPECT_EQ(peer.calls(), 2);
  EXPECT_EQ(peer.last().body, "two");
}

TEST(Sender, ResponseBodyIsCappedAndTheNextPostStillWorks) {
  Peer peer;
  peer.answer(Response{200, "text/plain", {}, std::string(10'000, 'r')});
  auto config = to(peer.url());
  config.max_response_bytes = 1000;
  Sender sender(config);
  const SendResult r = sender.post("x", "text/plain");
  EXPECT_EQ(r.outcome, Outcome::Delivered);
  EXPECT_EQ(r.body.size(), 1000u);
  EXPECT_TRUE(r.body_truncated);
  peer.answer(Response{200, "text/plain", {}, "small"});
  const SendResult again = sender.post("y", "text/plain");
  EXPECT_EQ(again.body, "small");
  EXPECT_FALSE(again.body_truncated);
}

TEST(Sender, RedirectIsPermanentBecauseItIsNotFollowed) {
  Peer peer;
  peer.answer(Response{302, "", {{"Location", "/elsewhere"}}, ""});
  Sender sender(to(peer.url()));
  EXPECT_EQ(sender.post("x", "text/plain").outcome, Outcome::PermanentFailure);
}

TEST(Sender, BrokenConfigurationIsRejectedAtConstruction) {
  EXPECT_THROW(Sender{to("ftp://127.0.0.1/")}, std::invalid_argument);
  EXPECT_THROW(Sender{to("http:///nohost")}, std::invalid_argument);
  EXPECT_THROW(Sender{to("http://user:pw@127.0.0.1/")}, std::invalid_argument);
  auto both = to("http://127.0.0.1/");
  both.bearer_token = "t";
  both.basic_user = "u";
  EXPECT_THROW(Sender{both}, std::invalid_argument);
  auto injected = to("http://127.0.0.1/");
  injected.headers = Headers{{"X-A", "1\r\nX-Injected: 1"}};
  EXPECT_THROW(Sender{injected}, std::invalid_argument);
  auto missing_ca = to("https://127.0.0.1/");
  missing_ca.ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(Sender{missing_ca}, std::invalid_argument);
}

}  // namespace
}  // namespace ferry::http
