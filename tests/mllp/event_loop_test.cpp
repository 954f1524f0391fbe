// What only the event loop does (listener_test.cpp runs the common rules against both ways of
// serving): frames of several connections handed over in one call, one frame a connection a call,
// a peer that does not read its responses stops being read, a failed call closes only the
// connections it held. Real sockets on 127.0.0.1.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "channels/mllp/listener.h"
#include "tests/mllp/mllp_test_support.h"

using namespace ferry::mllp;
using namespace ferry::mllp::test;

namespace {

ListenerConfig loopConfig() {
  ListenerConfig config;
  config.channel = "loop-in";
  config.event_loop = true;
  config.idle_timeout = 10s;
  config.read_timeout = 5s;
  config.stop_timeout = 5s;
  return config;
}

// Every call's frames as "connection:payload", in the order the call got them.
class Calls {
 public:
  void record(const std::vector<InboundFrame>& frames) {
    std::vector<std::string> call;
    for (const auto& f : frames) call.push_back(std::to_string(f.peer->connection) + ":" + f.payload);
    std::lock_guard lock(mutex_);
    calls_.push_back(std::move(call));
  }
  std::vector<std::vector<std::string>> all() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::vector<std::string>> calls_;
};

Listener::Handler unused() {
  return [](std::string, const Peer&) -> std::string { throw std::logic_error("threads not expected"); };
}

}  // namespace

TEST(ListenerEventLoop, HandsTheFramesOfSeveralConnectionsToOneCall) {
  Calls calls;
  std::mutex gate_mutex;
  std::condition_variable gate_opened;
  bool open = false;
  LogCapture log;
  ListenerConfig config = loopConfig();
  config.event_loops = 1;
  // The first call waits until every client has sent its frame, so those frames are read together.
  Listener listener(config, unused(), [&](std::vector<InboundFrame>& frames) {
    calls.record(frames);
    std::unique_lock lock(gate_mutex);
    gate_opened.wait_for(lock, 3s, [&] { return open; });
    for (auto& f : frames) f.response = "ACK:" + f.payload;
  }, log.sink());
  listener.start();
  EXPECT_TRUE(log.waitFor("\"event_loop\":true"));

  RawClient first(listener.port());
  first.send(encodeFrame("first"));
  ASSERT_TRUE(waitUntil([&] { return calls.all().size() == 1; }, 3s));
  std::vector<std::unique_ptr<RawClient>> others;
  for (int i = 0; i < 6; ++i) {
    others.push_back(std::make_unique<RawClient>(listener.port()));
    others.back()->send(encodeFrame("m" + std::to_string(i)));
  }
  std::this_thread::sleep_for(200ms);  // let all six frames arrive while the first call waits
  {
    std::lock_guard lock(gate_mutex);
    open = true;
  }
  gate_opened.notify_all();

  EXPECT_EQ(first.readFrame().value_or(""), "ACK:first");
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(others[static_cast<std::size_t>(i)]->readFrame().value_or(""), "ACK:m" + std::to_string(i));
  }
  const auto all = calls.all();
  ASSERT_GE(all.size(), 2u);
  EXPECT_EQ(all[1].size(), 6u) << "the six frames that waited should share one call";
  EXPECT_EQ(listener.counters().frames, 7u);
}

TEST(ListenerEventLoop, ConnectionsAreSpreadOverTheLoopsAndABusyLoopDoesNotHoldTheOthers) {
  std::mutex gate_mutex;
  std::condition_variable gate_opened;
  bool open = false;
  std::mutex threads_mutex;
  std::set<std::thread::id> threads;
  ListenerConfig config = loopConfig();
  config.event_loops = 2;
  Listener listener(config, unused(), [&](std::vector<InboundFrame>& frames) {
    {
      std::lock_guard lock(threads_mutex);
      threads.insert(std::this_thread::get_id());
    }
    for (auto& f : frames) {
      if (f.payload == "hold") {
        std::unique_lock lock(gate_mutex);
        gate_opened.wait_for(lock, 3s, [&] { return open; });
      }
      f.response = "ACK:" + f.payload;
    }
  }, [](std::string_view) {});
  listener.start();

  RawClient holder(listener.port());
  holder.send(encodeFrame("hold"));  // its loop now waits in the handler
  std::this_thread::sleep_for(100ms);
  std::vector<std::unique_ptr<RawClient>> quick;
  for (int i = 0; i < 4; ++i) {
    quick.push_back(std::make_unique<RawClient>(listener.port()));
    quick.back()->send(encodeFrame("q" + std::to_string(i)));
  }
  int answered_while_held = 0;
  std::vector<bool> answered(quick.size(), false);
  for (std::size_t i = 0; i < quick.size(); ++i) {
    if (quick[i]->readFrame(300ms).value_or("") == "ACK:q" + std::to_string(i)) {
      answered[i] = true;
      ++answered_while_held;
    }
  }
  EXPECT_GE(answered_while_held, 1) << "the other loop should answer while one is held";
  {
    std::lock_guard lock(gate_mutex);
    open = true;
  }
  gate_opened.notify_all();
  EXPECT_EQ(holder.readFrame().value_or(""), "ACK:hold");
  for (std::size_t i = 0; i < quick.size(); ++i) {
    if (!answered[i]) {
      EXPECT_EQ(quick[i]->readFrame().value_or(""), "ACK:q" + std::to_string(i));
    }
  }
  std::lock_guard lock(threads_mutex);
  EXPECT_EQ(threads.size(), 2u) << "calls should come from both loops";
}

TEST(ListenerEventLoop, TakesOneFrameAConnectionACallAndAnswersInOrder) {
  Calls calls;
  Listener listener(loopConfig(), unused(), [&](std::vector<InboundFrame>& frames) {
    calls.record(frames);
    for (auto& f : frames) f.response = "ACK:" + f.payload;
  }, [](std::string_view) {});
  listener.start();
  RawClient a(listener.port());
  RawClient b(listener.port());
  std::string burst_a;
  std::string burst_b;
  for (int i = 0; i < 5; ++i) {
    burst_a += encodeFrame("a" + std::to_string(i));
    burst_b += encodeFrame("b" + std::to_string(i));
  }
  a.send(burst_a);
  b.send(burst_b);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(a.readFrame().value_or(""), "ACK:a" + std::to_string(i));
    EXPECT_EQ(b.readFrame().value_or(""), "ACK:b" + std::to_string(i));
  }
  std::size_t frames = 0;
  for (const auto& call : calls.all()) {
    std::set<std::string> connections;
    for (const auto& f : call) connections.insert(f.substr(0, f.find(':')));
    EXPECT_EQ(connections.size(), call.size()) << "two frames of one connection in one call";
    frames += call.size();
  }
  EXPECT_EQ(frames, 10u);
}

// A client with a small receive buffer that reads frames of any size in big pieces.
class BulkClient {
 public:
  explicit BulkClient(std::uint16_t port) : socket_(Poco::Net::SocketAddress::IPv4) {
    socket_.setReceiveBufferSize(64 * 1024);  // before connect, so the window stays small
    socket_.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(2, 0));
    socket_.setReceiveTimeout(Poco::Timespan(0, 200 * 1000));
  }
  void send(const std::string& bytes) { sendAll(socket_, bytes); }
  // The payload of the next frame, or nullopt after timeout.
  std::optional<std::string> readFrame(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::vector<char> buf(64 * 1024);
    for (;;) {
      const std::size_t end = pending_.find("\x1C\x0D", searched_);
      if (end != std::string::npos) {
        std::string frame = pending_.substr(1, end - 1);
        pending_.erase(0, end + 2);
        searched_ = 0;
        return frame;
      }
      searched_ = pending_.empty() ? 0 : pending_.size() - 1;
      if (Clock::now() > deadline) return std::nullopt;
      try {
        const int n = socket_.receiveBytes(buf.data(), static_cast<int>(buf.size()));
        if (n <= 0) return std::nullopt;
        pending_.append(buf.data(), static_cast<std::size_t>(n));
      } catch (const Poco::TimeoutException&) {
      }
    }
  }

 private:
  Poco::Net::StreamSocket socket_;
  std::string pending_;
  std::size_t searched_ = 0;
};

TEST(ListenerEventLoop, APeerThatDoesNotReadItsResponsesIsNotReadEither) {
  std::atomic<int> handled{0};
  const std::string big(512 * 1024, 'R');  // responses the socket buffers cannot all hold
  Listener listener(loopConfig(), unused(), [&](std::vector<InboundFrame>& frames) {
    for (auto& f : frames) {
      ++handled;
      f.response = f.payload == "small" ? "ok" : big + f.payload;
    }
  }, [](std::string_view) {});
  listener.start();

  BulkClient greedy(listener.port());
  constexpr int kSent = 30;
  std::string burst;
  for (int i = 0; i < kSent; ++i) burst += encodeFrame("g" + std::to_string(i));
  greedy.send(burst);
  std::this_thread::sleep_for(500ms);
  EXPECT_LT(handled.load(), kSent) << "frames kept being taken while responses piled up";

  RawClient polite(listener.port());  // the loop still serves others meanwhile
  polite.send(encodeFrame("small"));
  EXPECT_EQ(polite.readFrame().value_or(""), "ok");

  for (int i = 0; i < kSent; ++i) {
    const auto frame = greedy.readFrame(5000ms);
    ASSERT_TRUE(frame) << "response " << i;
    ASSERT_EQ(frame->size(), big.size() + ("g" + std::to_string(i)).size());
    EXPECT_EQ(frame->substr(big.size()), "g" + std::to_string(i));
  }
  EXPECT_EQ(handled.load(), kSent + 1);
}

TEST(ListenerEventLoop, AFailedCallClosesOnlyTheConnectionsItHeld) {
  LogCapture log;
  std::atomic<int> calls{0};
  Listener listener(loopConfig(), unused(), [&](std::vector<InboundFrame>& frames) {
    if (++calls == 1) throw std::runtime_error("Doe^Jane broke the store");
    for (auto& f : frames) f.response = "ACK:" + f.payload;
  }, log.sink());
  listener.start();
  RawClient failed(listener.port());
  failed.send(encodeFrame("x"));
  EXPECT_TRUE(failed.waitClosed());
  EXPECT_EQ(failed.received(), "");
  EXPECT_TRUE(log.waitFor("\"reason\":\"handler_error\""));
  EXPECT_EQ(log.all().find("Doe^Jane"), std::string::npos);

  RawClient next(listener.port());
  next.send(encodeFrame("y"));
  EXPECT_EQ(next.readFrame().value_or(""), "ACK:y");
}

TEST(ListenerEventLoop, AnEmptyResponseSendsNothingAndAPeerThatShutsItsSideIsStillAnswered) {
  Listener listener(loopConfig(), unused(), [&](std::vector<InboundFrame>& frames) {
    for (auto& f : frames) f.response = f.payload == "quiet" ? "" : "ACK:" + f.payload;
  }, [](std::string_view) {});
  listener.start();
  RawClient client(listener.port());
  client.send(encodeFrame("quiet") + encodeFrame("last"));
  EXPECT_EQ(client.readFrame().value_or(""), "ACK:last") << "nothing should come back for 'quiet'";

  // A sender that writes its frame and shuts down its side still gets the response, then the end.
  Poco::Net::StreamSocket half;
  half.connect(Poco::Net::SocketAddress("127.0.0.1", listener.port()), Poco::Timespan(2, 0));
  const std::string frame = encodeFrame("bye");
  half.sendBytes(frame.data(), static_cast<int>(frame.size()));
  half.shutdownSend();
  half.setReceiveTimeout(Poco::Timespan(3, 0));
  std::string got;
  char buf[256];
  for (int i = 0; i < 10; ++i) {
    const int n = half.receiveBytes(buf, sizeof buf);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  EXPECT_EQ(got, encodeFrame("ACK:bye"));
}

TEST(ListenerEventLoop, TlsConnectionsStayOnThreads) {
  TempDir dir;
  const TestCertificates certs = makeCertificates(dir);
  ASSERT_TRUE(certs.error.empty()) << certs.error;
  ListenerConfig config = loopConfig();
  config.tls.enabled = true;
  config.tls.cert_file = certs.server_cert;
  config.tls.key_file = certs.server_key;
  LogCapture log;
  Listener listener(config, [](std::string frame, const Peer&) { return "ACK:" + frame; },
                    [](std::vector<InboundFrame>&) { throw std::logic_error("event loop not expected"); },
                    log.sink());
  listener.start();
  EXPECT_TRUE(log.waitFor("\"event_loop\":false"));
}
