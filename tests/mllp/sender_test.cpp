// The MLLP sender against a real Listener on 127.0.0.1: responses, connection reuse,
// reconnection with backoff, ACK timeouts and peers that hang up.
#include <gtest/gtest.h>

#include <pthread.h>

#include <csignal>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "channels/mllp/listener.h"
#include "channels/mllp/sender.h"
#include "tests/mllp/mllp_test_support.h"

using namespace ferry::mllp;
using namespace ferry::mllp::test;

namespace {

LogSink quiet() {
  return [](std::string_view) {};
}

std::unique_ptr<Listener> startListener(std::uint16_t port, Listener::Handler handler) {
  ListenerConfig config;
  config.channel = "test-in";
  config.port = port;
  config.stop_timeout = 2s;
  auto listener = std::make_unique<Listener>(config, std::move(handler), quiet());
  listener->start();
  return listener;
}

Listener::Handler ackHandler() {
  return [](std::string frame, const Peer&) { return "ACK:" + frame; };
}

SenderConfig senderConfig(std::uint16_t port) {
  SenderConfig config;
  config.host = "127.0.0.1";
  config.port = port;
  config.connect_timeout = 2s;
  config.connect_attempts = 2;
  config.backoff_initial = 50ms;
  config.backoff_max = 200ms;
  return config;
}

// A port nothing listens on (it was bound a moment ago, by a listener now gone).
std::uint16_t freePort() {
  return startListener(0, ackHandler())->port();
}

}  // namespace

TEST(Sender, ReturnsTheResponseFrameBytes) {
  auto listener = startListener(0, [](std::string frame, const Peer&) {
    return std::string("MSA|AA|\x1C|") + std::to_string(frame.size());
  });
  Sender sender(senderConfig(listener->port()), quiet());
  const SendResult result = sender.send("MSH|^~\\&|hello", 2s);
  EXPECT_EQ(result.status, SendStatus::Acked) << result.error;
  EXPECT_EQ(result.response, std::string("MSA|AA|\x1C|14"));
  EXPECT_TRUE(result.sent);
  EXPECT_TRUE(result.error.empty());
}

TEST(Sender, KeepsOneConnectionForManyMessages) {
  auto listener = startListener(0, ackHandler());
  Sender sender(senderConfig(listener->port()), quiet());
  for (int i = 0; i < 20; ++i) {
    const auto result = sender.send("m" + std::to_string(i), 2s);
    ASSERT_EQ(result.status, SendStatus::Acked) << result.error;
    EXPECT_EQ(result.response, "ACK:m" + std::to_string(i));
  }
  EXPECT_EQ(sender.connectionsOpened(), 1u);
  EXPECT_EQ(listener->counters().accepted, 1u);
}

TEST(Sender, ReconnectsAfterTheListenerRestarts) {
  auto listener = startListener(0, ackHandler());
  const std::uint16_t port = listener->port();
  Sender sender(senderConfig(port), quiet());
  ASSERT_EQ(sender.send("before", 2s).status, SendStatus::Acked);

  listener.reset();  // stop(): the sender's connection is closed under it
  const auto down = sender.send("while down", 2s);
  EXPECT_EQ(down.status, SendStatus::ConnectionError);
  EXPECT_FALSE(down.sent);
  EXPECT_NE(down.error.find("cannot connect to 127.0.0.1:" + std::to_string(port)), std::string::npos) << down.error;

  listener = startListener(port, ackHandler());
  const auto after = sender.send("after", 2s);
  EXPECT_EQ(after.status, SendStatus::Acked) << after.error;
  EXPECT_EQ(after.response, "ACK:after");
  EXPECT_EQ(sender.connectionsOpened(), 2u);
}

TEST(Sender, NoticesAClosedConnectionBeforeWriting) {
  auto listener = startListener(0, ackHandler());
  const std::uint16_t port = listener->port();
  Sender sender(senderConfig(port), quiet());
  ASSERT_EQ(sender.send("one", 2s).status, SendStatus::Acked);
  listener.reset();
  listener = startListener(port, ackHandler());
  const auto result = sender.send("two", 2s);
  EXPECT_EQ(result.status, SendStatus::Acked) << result.error;
  EXPECT_EQ(sender.connectionsOpened(), 2u);
}

TEST(Sender, BacksOffBetweenConnectionAttempts) {
  SenderConfig config = senderConfig(freePort());
  config.connect_attempts = 3;
  config.backoff_initial = 100ms;
  config.backoff_max = 150ms;
  LogCapture log;
  Sender sender(config, log.sink());
  const auto start = Clock::now();
  const auto result = sender.send("x", 1s);
  const auto took = Clock::now() - start;
  EXPECT_EQ(result.status, SendStatus::ConnectionError);
  EXPECT_NE(result.error.find("3 attempts"), std::string::npos) << result.error;
  EXPECT_GE(took, 240ms) << "waits 100 ms, then 150 ms (capped)";
  EXPECT_LT(took, 2s);
  EXPECT_EQ(log.count("\"event\":\"mllp.sender.connect_failed\""), 3u);
  EXPECT_EQ(log.count("\"next_attempt_in_ms\":150"), 2u) << log.all();
}

TEST(Sender, ReportsAnAckTimeoutAndRecoversOnTheNextMessage) {
  auto listener = startListener(0, [](std::string frame, const Peer&) {
    return frame == "ignore me" ? std::string() : "ACK:" + frame;  // empty: no response at all
  });
  Sender sender(senderConfig(listener->port()), quiet());
  const auto start = Clock::now();
  const auto result = sender.send("ignore me", 300ms);
  const auto took = Clock::now() - start;
  EXPECT_EQ(result.status, SendStatus::Timeout);
  EXPECT_TRUE(result.sent);
  EXPECT_NE(result.error.find("within 300 ms"), std::string::npos) << result.error;
  EXPECT_GE(took, 280ms);
  EXPECT_LT(took, 1500ms);
  EXPECT_FALSE(sender.connected()) << "a late ACK must not answer the next message";

  const auto next = sender.send("next", 2s);
  EXPECT_EQ(next.status, SendStatus::Acked) << next.error;
  EXPECT_EQ(next.response, "ACK:next");
}

TEST(Sender, ReportsAPeerThatHangsUpWithoutAck) {
  auto listener = startListener(0, [](std::string, const Peer&) -> std::string {
    throw std::runtime_error("cannot store");
  });
  Sender sender(senderConfig(listener->port()), quiet());
  const auto result = sender.send("x", 2s);
  EXPECT_EQ(result.status, SendStatus::ConnectionError);
  EXPECT_TRUE(result.sent);
  EXPECT_NE(result.error.find("closed the connection before sending an ACK"), std::string::npos) << result.error;
}

TEST(Sender, ReadsExactlyOneResponsePerMessage) {
  // A peer that answers every frame twice: the extra frame must not become the next answer.
  auto listener = startListener(0, [](std::string frame, const Peer&) {
    return "ACK:" + frame + "\x1C\x0D\x0B" "DUPLICATE:" + frame;
  });
  Sender sender(senderConfig(listener->port()), quiet());
  const auto first = sender.send("1", 2s);
  ASSERT_EQ(first.status, SendStatus::Acked);
  EXPECT_EQ(first.response, "ACK:1");
  const auto second = sender.send("2", 2s);
  ASSERT_EQ(second.status, SendStatus::Acked) << second.error;
  EXPECT_EQ(second.response, "ACK:2");
}

namespace {
volatile std::sig_atomic_t sigpipes = 0;
void countSigpipe(int) { sigpipes = sigpipes + 1; }
}  // namespace

TEST(Sender, WritingToAPeerThatHungUpIsAnErrorNotASignal) {
  // The peer reads a little of a 16 MB frame and hangs up: the rest of the write fails with
  // EPIPE, which must not raise SIGPIPE in the process (its default action ends it). This
  // thread does not block SIGPIPE, as a caller's thread (the CLI's, a test's) need not.
  struct sigaction counting {}, previous {};
  counting.sa_handler = countSigpipe;
  sigemptyset(&counting.sa_mask);
  ASSERT_EQ(sigaction(SIGPIPE, &counting, &previous), 0);
  sigset_t pipe_only, old_mask;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  pthread_sigmask(SIG_UNBLOCK, &pipe_only, &old_mask);
  sigpipes = 0;

  Poco::Net::ServerSocket server(Poco::Net::SocketAddress("127.0.0.1", 0));
  std::thread peer([&server] {
    Poco::Net::StreamSocket connection = server.acceptConnection();
    connection.setReceiveTimeout(Poco::Timespan(2, 0));
    const auto readSome = [&](std::size_t bytes) {
      char chunk[4096];
      for (std::size_t got = 0; got < bytes;) {
        const int n = connection.receiveBytes(chunk, sizeof chunk);
        if (n <= 0) return;
        got += static_cast<std::size_t>(n);
      }
    };
    // Half-closed first, so the sender's side is in CLOSE_WAIT when the reset comes: Linux then
    // fails its write with EPIPE, the error that raises SIGPIPE.
    readSome(64 * 1024);
    connection.shutdownSend();
    readSome(64 * 1024);
    connection.close();  // with unread bytes: a reset
  });
  Sender sender(senderConfig(server.address().port()), quiet());
  const auto result = sender.send(std::string(16 << 20, 'x'), 2s);
  peer.join();

  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  sigaction(SIGPIPE, &previous, nullptr);
  EXPECT_EQ(result.status, SendStatus::ConnectionError);
  EXPECT_EQ(sigpipes, 0);
}

TEST(Sender, RefusesAnOversizeResponse) {
  auto listener = startListener(0, [](std::string, const Peer&) { return std::string(5000, 'a'); });
  SenderConfig config = senderConfig(listener->port());
  config.max_response_bytes = 1000;
  Sender sender(config, quiet());
  const auto result = sender.send("x", 2s);
  EXPECT_EQ(result.status, SendStatus::ConnectionError);
  EXPECT_NE(result.error.find("larger than 1000 bytes"), std::string::npos) << result.error;
}

TEST(Sender, RejectsAMissingHost) {
  SenderConfig config;
  EXPECT_THROW(Sender(config, quiet()), std::invalid_argument);
}
