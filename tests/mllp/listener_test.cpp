// The MLLP listener over real sockets on 127.0.0.1: round trips, limits, timeouts, misbehaving
// peers, shutdown and logging.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "channels/mllp/listener.h"
#include "tests/mllp/mllp_test_support.h"

using namespace ferry::mllp;
using namespace ferry::mllp::test;

namespace {

const std::string kLabResult =
    "MSH|^~\\&|LAB|NORTH|HIS|CITY|20261120083015||ORU^R01|NL-7|P|2.5.1\rPID|1||MRN1||Doe^Jane\r";

// Set by each test from its parameter: every test below runs against both ways of serving
// connections (a thread each, and the event loop).
bool serve_from_event_loop = false;

ListenerConfig testConfig() {
  ListenerConfig config;
  config.event_loop = serve_from_event_loop;
  config.channel = "test-in";
  config.idle_timeout = 10s;
  config.read_timeout = 5s;
  config.stop_timeout = 5s;
  return config;
}

// Answers every frame with "ACK:" and the frame.
Listener::Handler echoHandler() {
  return [](std::string frame, const Peer&) { return "ACK:" + frame; };
}

// In event-loop mode the handler runs for each frame of a batch in turn; its exception fails only
// that frame, as it fails only its connection's frame on a thread.
Listener::BatchHandler batchOf(Listener::Handler handler) {
  return [handler](std::vector<InboundFrame>& frames) {
    for (InboundFrame& f : frames) {
      try {
        f.response = handler(f.payload, *f.peer);
      } catch (...) {
      }
    }
  };
}

// A Listener served the way the test's parameter says.
class TestListener : public Listener {
 public:
  TestListener(ListenerConfig config, Handler handler, LogSink log)
      : Listener(std::move(config), handler, batchOf(handler), std::move(log)) {}
};

}  // namespace

class ListenerServing : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { serve_from_event_loop = GetParam(); }
};

INSTANTIATE_TEST_SUITE_P(Both, ListenerServing, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? "EventLoop" : "Threads";
                         });

TEST_P(ListenerServing, AnswersOneMessageWithExactlyTheHandlersBytesFramed) {
  LogCapture log;
  Peer seen;
  TestListener listener(testConfig(), [&](std::string frame, const Peer& peer) {
    seen = peer;
    return "MSA|AA|" + frame.substr(0, 3);
  }, log.sink());
  listener.start();
  ASSERT_NE(listener.port(), 0);

  RawClient client(listener.port());
  client.send(encodeFrame(kLabResult));
  const auto raw = client.readRawFrame();
  ASSERT_TRUE(raw);
  EXPECT_EQ(*raw, std::string("\x0BMSA|AA|MSH\x1C\x0D"));
  EXPECT_EQ(seen.address.rfind("127.0.0.1:", 0), 0u) << seen.address;
  EXPECT_EQ(seen.connection, 1u);
  EXPECT_FALSE(seen.tls);
}

TEST_P(ListenerServing, AnswersFramesSentTogetherInOrder) {
  TestListener listener(testConfig(), echoHandler(), [](std::string_view) {});
  listener.start();
  RawClient client(listener.port());
  client.send(encodeFrame("1") + encodeFrame("2") + encodeFrame("3"));
  for (const char* expected : {"ACK:1", "ACK:2", "ACK:3"}) {
    const auto frame = client.readFrame();
    ASSERT_TRUE(frame);
    EXPECT_EQ(*frame, expected);
  }
}

// Threads only: the event loop hands frames of several connections to one call instead
// (event_loop_test.cpp).
TEST(Listener, ServesThreeClientsAtOnce) {
  serve_from_event_loop = false;
  std::atomic<int> concurrent{0};
  std::atomic<int> most{0};
  TestListener listener(testConfig(), [&](std::string frame, const Peer&) {
    const int now = ++concurrent;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(30ms);
    --concurrent;
    return "ACK:" + frame;
  }, [](std::string_view) {});
  listener.start();

  std::vector<std::thread> clients;
  std::vector<int> ok(3, 0);
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back([&, c] {
      RawClient client(listener.port());
      for (int m = 0; m < 5; ++m) {
        const std::string payload = "client" + std::to_string(c) + "-msg" + std::to_string(m);
        client.send(encodeFrame(payload));
        const auto answer = client.readFrame();
        if (answer && *answer == "ACK:" + payload) ++ok[static_cast<std::size_t>(c)];
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, (std::vector<int>{5, 5, 5}));
  EXPECT_GE(most.load(), 2) << "handlers of different connections should overlap";
  EXPECT_EQ(listener.counters().frames, 15u);
}

TEST_P(ListenerServing, RefusesConnectionsBeyondTheLimit) {
  LogCapture log;
  ListenerConfig config = testConfig();
  config.max_connections = 2;
  TestListener listener(config, echoHandler(), log.sink());
  listener.start();

  RawClient first(listener.port());
  RawClient second(listener.port());
  first.send(encodeFrame("a"));
  second.send(encodeFrame("b"));
  ASSERT_TRUE(first.readFrame());
  ASSERT_TRUE(second.readFrame());

  RawClient third(listener.port());
  EXPECT_TRUE(third.waitClosed()) << "the third connection should be closed at once";
  EXPECT_EQ(listener.counters().refused, 1u);
  EXPECT_TRUE(log.waitFor("\"event\":\"mllp.connection.refused\""));

  // The first two keep working, and a slot that frees up can be taken again.
  first.send(encodeFrame("again"));
  EXPECT_EQ(first.readFrame().value_or(""), "ACK:again");
  second.close();
  ASSERT_TRUE(waitUntil([&] { return listener.activeConnections() == 1; }, 3s));
  RawClient fourth(listener.port());
  fourth.send(encodeFrame("d"));
  EXPECT_EQ(fourth.readFrame().value_or(""), "ACK:d");
}

TEST_P(ListenerServing, ClosesIdleConnections) {
  LogCapture log;
  ListenerConfig config = testConfig();
  config.idle_timeout = 300ms;
  TestListener listener(config, echoHandler(), log.sink());
  listener.start();
  RawClient client(listener.port());
  client.send(encodeFrame("x"));
  ASSERT_TRUE(client.readFrame());
  const auto start = Clock::now();
  EXPECT_TRUE(client.waitClosed(3s));
  EXPECT_GE(Clock::now() - start, 250ms);
  EXPECT_TRUE(log.waitFor("\"reason\":\"idle_timeout\""));
}

TEST_P(ListenerServing, StalledPeerDoesNotBlockAnotherClientAndIsClosedAfterReadTimeout) {
  LogCapture log;
  ListenerConfig config = testConfig();
  config.read_timeout = 600ms;
  TestListener listener(config, echoHandler(), log.sink());
  listener.start();

  RawClient stalled(listener.port());
  stalled.send(std::string(1, kStartBlock));  // and then nothing

  const auto start = Clock::now();
  RawClient other(listener.port());
  other.send(encodeFrame("hello"));
  EXPECT_EQ(other.readFrame().value_or(""), "ACK:hello");
  EXPECT_LT(Clock::now() - start, 500ms);

  EXPECT_TRUE(stalled.waitClosed(3s));
  EXPECT_TRUE(log.waitFor("\"reason\":\"read_timeout\""));
}

TEST_P(ListenerServing, ReadTimeoutAlsoBoundsATrickleOfBytes) {
  ListenerConfig config = testConfig();
  config.read_timeout = 400ms;
  TestListener listener(config, echoHandler(), [](std::string_view) {});
  listener.start();
  RawClient slow(listener.port());
  slow.send(std::string(1, kStartBlock));
  bool closed = false;
  for (int i = 0; i < 40 && !closed; ++i) {  // a byte every 50 ms keeps the connection busy, not alive
    try {
      slow.send("x");
    } catch (const Poco::Exception&) {
      closed = true;
    }
    closed = closed || slow.waitClosed(50ms);
  }
  EXPECT_TRUE(closed);
}

TEST_P(ListenerServing, SkipsJunkBeforeAFrame) {
  LogCapture log;
  TestListener listener(testConfig(), echoHandler(), log.sink());
  listener.start();
  {
    RawClient client(listener.port());
    client.send("\r\n\r\nhello?" + encodeFrame("msg"));
    EXPECT_EQ(client.readFrame().value_or(""), "ACK:msg");
  }
  // The skipped bytes are logged as a warning, so a log kept to warnings still shows a peer
  // whose framing is off.
  EXPECT_TRUE(log.waitFor("\"skipped_bytes\":10")) << log.all();
  EXPECT_EQ(log.count("{\"time\":"), log.lines().size()) << log.all();
  EXPECT_EQ(log.count("\"level\":\"warning\",\"event\":\"mllp.connection.closed\""), 1u) << log.all();
}

TEST_P(ListenerServing, ClosesAGarbagePeerWithoutHurtingOthers) {
  LogCapture log;
  ListenerConfig config = testConfig();
  config.max_frame_bytes = 1024;
  TestListener listener(config, echoHandler(), log.sink());
  listener.start();

  RawClient garbage(listener.port());
  RawClient good(listener.port());
  garbage.send(std::string(5000, 'G'));
  EXPECT_TRUE(garbage.waitClosed());
  EXPECT_TRUE(log.waitFor("\"reason\":\"garbage\""));

  good.send(encodeFrame("fine"));
  EXPECT_EQ(good.readFrame().value_or(""), "ACK:fine");
}

TEST_P(ListenerServing, ClosesTheConnectionOfAnOversizeFrameWithoutResponse) {
  LogCapture log;
  std::atomic<int> handled{0};
  ListenerConfig config = testConfig();
  config.max_frame_bytes = 1024;
  TestListener listener(config, [&](std::string, const Peer&) {
    ++handled;
    return std::string("ACK");
  }, log.sink());
  listener.start();

  RawClient client(listener.port());
  client.send(encodeFrame(std::string(2000, 'x')));
  EXPECT_TRUE(client.waitClosed());
  EXPECT_EQ(client.received(), "") << "no ACK for an oversize frame";
  EXPECT_EQ(handled.load(), 0);
  EXPECT_TRUE(log.waitFor("\"event\":\"mllp.frame.too_large\""));
  EXPECT_TRUE(log.waitFor("\"reason\":\"frame_too_large\""));
  EXPECT_EQ(listener.counters().oversize_frames, 1u);
}

TEST_P(ListenerServing, HandlerExceptionClosesTheConnectionWithoutResponse) {
  LogCapture log;
  TestListener listener(testConfig(), [](std::string, const Peer&) -> std::string {
    throw std::runtime_error("Doe^Jane is not welcome");
  }, log.sink());
  listener.start();
  RawClient client(listener.port());
  client.send(encodeFrame(kLabResult));
  EXPECT_TRUE(client.waitClosed());
  EXPECT_EQ(client.received(), "");
  EXPECT_TRUE(log.waitFor("\"event\":\"mllp.handler.failed\""));
  EXPECT_EQ(log.all().find("Doe^Jane"), std::string::npos) << "exception text may quote the message";
}

TEST_P(ListenerServing, StopLetsAnInFlightHandlerFinishAndSendItsResponse) {
  LogCapture log;
  std::atomic<bool> started{false};
  TestListener listener(testConfig(), [&](std::string frame, const Peer&) {
    started = true;
    std::this_thread::sleep_for(500ms);
    return "ACK:" + frame;
  }, log.sink());
  listener.start();
  const std::uint16_t port = listener.port();

  RawClient client(port);
  client.send(encodeFrame("slow"));
  ASSERT_TRUE(waitUntil([&] { return started.load(); }, 3s));
  const auto start = Clock::now();
  listener.stop();
  const auto took = Clock::now() - start;
  EXPECT_GE(took, 300ms) << "stop() should wait for the handler";
  EXPECT_LT(took, 3s);
  EXPECT_EQ(client.readFrame().value_or(""), "ACK:slow");
  EXPECT_TRUE(client.waitClosed());
  EXPECT_THROW(RawClient{port}, Poco::Exception) << "nothing accepts after stop()";
  EXPECT_TRUE(log.waitFor("\"event\":\"mllp.listener.stopped\""));
}

TEST_P(ListenerServing, StopGivesUpOnAHandlerAfterStopTimeout) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  auto returned = std::make_shared<std::atomic<bool>>(false);
  auto started = std::make_shared<std::atomic<bool>>(false);
  ListenerConfig config = testConfig();
  config.stop_timeout = 200ms;
  LogCapture log;
  {
    TestListener listener(config, [release, returned, started](std::string, const Peer&) {
      *started = true;
      waitUntil([&] { return release->load(); }, 5s);
      *returned = true;
      return std::string("late");
    }, log.sink());
    listener.start();
    RawClient client(listener.port());
    client.send(encodeFrame("stuck"));
    ASSERT_TRUE(waitUntil([&] { return started->load(); }, 3s));
    const auto start = Clock::now();
    listener.stop();
    EXPECT_LT(Clock::now() - start, 2s);
    EXPECT_TRUE(client.waitClosed()) << "its connection is shut down anyway";
    EXPECT_TRUE(log.waitFor("\"handlers_still_running\":1"));
  }
  *release = true;
  EXPECT_TRUE(waitUntil([&] { return returned->load(); }, 3s));
  std::this_thread::sleep_for(100ms);  // let the detached thread leave before the test ends
}

TEST_P(ListenerServing, LogsJsonLinesWithoutMessageContent) {
  LogCapture log;
  TestListener listener(testConfig(), echoHandler(), log.sink());
  listener.start();
  {
    RawClient client(listener.port());
    client.send(encodeFrame(kLabResult));
    ASSERT_TRUE(client.readFrame());
  }
  ASSERT_TRUE(log.waitFor("mllp.connection.closed"));
  listener.stop();
  const auto lines = log.lines();
  ASSERT_GE(lines.size(), 4u);
  for (const auto& line : lines) {
    EXPECT_EQ(line.front(), '{');
    EXPECT_EQ(line.back(), '}');
    EXPECT_NE(line.find("\"channel\":\"test-in\""), std::string::npos) << line;
    EXPECT_EQ(line.find("Doe"), std::string::npos) << line;
    EXPECT_EQ(line.find("MRN1"), std::string::npos) << line;
  }
  EXPECT_EQ(log.count("\"event\":\"mllp.connection.opened\",\"channel\":\"test-in\",\"peer\":\"127.0.0.1:"), 1u)
      << log.all();
  EXPECT_EQ(log.count("\"reason\":\"peer_closed\",\"frames\":1"), 1u) << log.all();
}

TEST_P(ListenerServing, ReportsAPortInUse) {
  TestListener first(testConfig(), echoHandler(), [](std::string_view) {});
  first.start();
  ListenerConfig config = testConfig();
  config.port = first.port();
  TestListener second(config, echoHandler(), [](std::string_view) {});
  try {
    second.start();
    FAIL() << "a second listener on the same port should not start";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
              std::string::npos)
        << e.what();
  }
}
