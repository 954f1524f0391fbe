#include "channels/http/listener.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <thread>

#include "tests/http/support.h"

namespace ferry::http {
namespace {

using namespace std::chrono_literals;
using test::LogCapture;
using test::rawExchange;

Listener::Config quietConfig(LogCapture& log) {
  Listener::Config config;
  config.name = "test";
  config.log = log.sink();
  return config;
}

Response ok(std::string body = "ok") { return Response{200, "text/plain", {}, std::move(body)}; }

std::string binaryBody(std::size_t size) {
  std::string body(size, '\0');
  for (std::size_t i = 0; i < size; ++i) body[i] = static_cast<char>((i * 131 + 7) % 256);
  return body;
}

TEST(Listener, PostRoundTripHandsOverExactBodyAndRequestParts) {
  LogCapture log;
  Listener listener(quietConfig(log));
  Request seen;
  listener.route("POST", "/fhir", [&](const Request& r) {
    seen = r;
    return Response{201, "application/octet-stream", {{"X-Echo-Length", std::to_string(r.body.size())}}, r.body};
  });
  listener.start();
  ASSERT_NE(listener.port(), 0);

  const std::string body = binaryBody(200'000);
  const auto resp = test::request(listener.port(), "POST", "/fhir/Bundle?_format=json", body,
                                  {{"Content-Type", "application/fhir+json"}, {"X-Trace", "abc"}});
  EXPECT_EQ(resp.status, 201);
  EXPECT_EQ(resp.body, body);
  EXPECT_EQ(resp.headers.value("x-echo-length"), "200000");
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/fhir/Bundle");
  EXPECT_EQ(seen.query, "_format=json");
  EXPECT_EQ(seen.body, body);
  EXPECT_EQ(seen.headers.value("content-type"), "application/fhir+json");
  EXPECT_EQ(seen.headers.value("X-TRACE"), "abc");
  EXPECT_TRUE(seen.peer.starts_with("127.0.0.1:")) << seen.peer;
  EXPECT_FALSE(seen.secure);
}

TEST(Listener, UnknownPathAnswers404WithJson) {
  LogCapture log;
  Listener listener(quietConfig(log));
  listener.route("POST", "/fhir", [](const Request&) { return ok(); });
  listener.start();
  const auto resp = test::request(listener.port(), "POST", "/other", "x");
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(resp.headers.value("Content-Type"), "application/json");
  EXPECT_EQ(resp.body, R"({"error":"not_found","message":"no route for this path"})");
  listener.stop();
  // A refused request is a warning: it stays in a log kept to warnings.
  EXPECT_NE(log.joined().find(R"("level":"warning","event":"http.listener.request")"), std::string::npos)
      << log.joined();
}

TEST(Listener, PrefixMatchesOnSegmentBoundaryAndLongestWins) {
  LogCapture log;
  Listener listener(quietConfig(log));
  listener.route("POST", "/fhir", [](const Request&) { return ok("short"); });
  listener.route("POST", "/fhir/Claim", [](const Request&) { return ok("long"); });
  listener.start();
  EXPECT_EQ(test::request(listener.port(), "POST", "/fhir/Claim/1").body, "long");
  EXPECT_EQ(test::request(listener.port(), "POST", "/fhir/Patient").body, "short");
  EXPECT_EQ(test::request(listener.port(), "POST", "/fhir").body, "short");
  EXPECT_EQ(test::request(listener.port(), "POST", "/fhirx").status, 404);
}

TEST(Listener, WrongMethodAnswers405WithAllow) {
  LogCapture log;
  Listener listener(quietConfig(log));
  listener.route("POST", "/fhir", [](const Request&) { return ok(); });
  listener.route("put", "/fhir", [](const Request&) { return ok(); });
  listener.start();
  const auto resp = test::request(listener.port(), "GET", "/fhir/metadata");
  EXPECT_EQ(resp.status, 405);
  EXPECT_EQ(resp.headers.value("Allow"), "POST, PUT");
  EXPECT_NE(resp.body.find("method_not_allowed"), std::string::npos);
}

TEST(Listener, OversizeContentLengthAnswers413WithoutReadingTheBody) {
  LogCapture log;
  auto config = quietConfig(log);
  config.max_body_bytes = 1024;
  Listener listener(config);
  std::atomic<int> calls = 0;
  listener.route("POST", "/in", [&](const Request&) {
    ++calls;
    return ok();
  });
  listener.start();
  // Announces 10 MB but sends 2 KB: an answer can only come if the server does not wait for the rest.
  const std::string reply = rawExchange(listener.port(),
                                        "POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n" +
                                            std::string(2048, 'a'));
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 413")) << reply;
  EXPECT_NE(reply.find("Connection: Close"), std::string::npos) << reply;
  EXPECT_NE(reply.find("payload_too_large"), std::string::npos);
  EXPECT_EQ(calls, 0);
}

TEST(Listener, OversizeBodyWithExpectContinueGets413InsteadOfContinue) {
  LogCapture log;
  auto config = quietConfig(log);
  config.max_body_bytes = 1024;
  Listener listener(config);
  listener.route("POST", "/in", [](const Request&) { return ok(); });
  listener.start();
  const std::string reply = rawExchange(
      listener.port(), "POST /in HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 413")) << reply;
  EXPECT_EQ(reply.find("100 Continue"), std::string::npos) << reply;
}

TEST(Listener, ChunkedBodyGrowingPastTheLimitAnswers413) {
  LogCapture log;
  auto config = quietConfig(log);
  config.max_body_bytes = 100;
  Listener listener(config);
  std::atomic<int> calls = 0;
  listener.route("POST", "/in", [&](const Request&) {
    ++calls;
    return ok();
  });
  listener.start();
  const std::string chunk(80, 'b');
  const std::string reply = rawExchange(listener.port(),
                                        "POST /in HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                                        "50\r\n" + chunk + "\r\n50\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 413")) << reply;
  EXPECT_EQ(calls, 0);
}

TEST(Listener, ChunkedBodyWithinTheLimitArrivesWhole) {
  LogCapture log;
  Listener listener(quietConfig(log));
  std::string seen;
  listener.route("POST", "/in", [&](const Request& r) {
    seen = r.body;
    return ok();
  });
  listener.start();
  const std::string reply = rawExchange(listener.port(),
                                        "POST /in HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                        "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 200")) << reply;
  EXPECT_EQ(seen, "hello world");
}

TEST(Listener, BodyShorterThanContentLengthAnswers400) {
  LogCapture log;
  Listener listener(quietConfig(log));
  std::atomic<int> calls = 0;
  listener.route("POST", "/in", [&](const Request&) {
    ++calls;
    return ok();
  });
  listener.start();
  const std::string reply = rawExchange(listener.port(), "POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nshort",
                                        3000ms, /*half_close=*/true);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 400")) << reply;
  EXPECT_EQ(calls, 0);
}

TEST(Listener, SlowBodyAnswers408AfterReadTimeout) {
  LogCapture log;
  auto config = quietConfig(log);
  config.read_timeout = 200ms;
  Listener listener(config);
  listener.route("POST", "/in", [](const Request&) { return ok(); });
  listener.start();
  const auto started = std::chrono::steady_clock::now();
  const std::string reply =
      rawExchange(listener.port(), "POST /in HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly a part", 3000ms);
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 408")) << reply;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2500ms);
}

TEST(Listener, HandlerExceptionAnswers500WithGenericBodyAndLogsTheReason) {
  LogCapture log;
  Listener listener(quietConfig(log));
  listener.route("POST", "/in", [](const Request&) -> Response { throw std::runtime_error("store is down: table x"); });
  listener.start();
  const auto resp = test::request(listener.port(), "POST", "/in", "MSH|^~\\&|");
  EXPECT_EQ(resp.status, 500);
  EXPECT_EQ(resp.body, R"({"error":"internal_error","message":"the request could not be processed"})");
  EXPECT_EQ(resp.body.find("store is down"), std::string::npos);
  const std::string logs = log.joined();
  EXPECT_NE(logs.find(R"("level":"error","event":"http.listener.handler_failed")"), std::string::npos) << logs;
  EXPECT_NE(logs.find("store is down: table x"), std::string::npos) << logs;
}

TEST(Listener, InvalidStatusFromHandlerAnswers500) {
  LogCapture log;
  Listener listener(quietConfig(log));
  listener.route("POST", "/in", [](const Request&) { return Response{42, "", {}, ""}; });
  listener.start();
  EXPECT_EQ(test::request(listener.port(), "POST", "/in", "x").status, 500);
}

TEST(Listener, ResponseHeaderWithLineBreakIsDroppedNotInjected) {
  LogCapture log;
  Listener listener(quietConfig(log));
  listener.route("POST", "/in", [](const Request&) {
    return Response{200, "text/plain", {{"X-Good", "1"}, {"X-Bad", "a\r\nX-Injected: 1"}}, "ok"};
  });
  listener.start();
  const std::string reply =
      rawExchange(listener.port(), "POST /in HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx");
  EXPECT_NE(reply.find("X-Good: 1"), std::string::npos) << reply;
  EXPECT_EQ(reply.find("X-Injected"), std::string::npos) << reply;
  EXPECT_EQ(reply.find("X-Bad"), std::string::npos) << reply;
}

TEST(Listener, LogsAreJsonLinesWithoutBodiesOrQueries) {
  LogCapture log;
  Listener listener(quietConfig(log));
  listener.route("POST", "/in", [](const Request&) { return ok(); });
  listener.start();
  test::request(listener.port(), "POST", "/in/Patient?name=DOE-SECRET", "PID|1||SECRET-MRN");
  listener.stop();
  const auto lines = log.lines();
  ASSERT_GE(lines.size(), 3u);  // started, request, stopped
  for (const auto& line : lines) {
    EXPECT_TRUE(line.starts_with("{\"time\":\"") && line.ends_with("}")) << line;
    EXPECT_EQ(line.find("SECRET"), std::string::npos) << line;
  }
  const std::string logs = log.joined();
  EXPECT_NE(logs.find(R"("event":"http.listener.request")"), std::string::npos);
  EXPECT_NE(logs.find(R"("route":"/in","status":200,"bytes_in":17)"), std::string::npos) << logs;
}

TEST(Listener, HandlesRequestsConcurrently) {
  LogCapture log;
  auto config = quietConfig(log);
  config.max_threads = 4;
  Listener listener(config);
  std::mutex mutex;
  std::condition_variable changed;
  int in_flight = 0;
  int most = 0;
  listener.route("POST", "/in", [&](const Request& r) {
    std::unique_lock lock(mutex);
    most = std::max(most, ++in_flight);
    changed.notify_all();
    // Waits (bounded) until all four requests are inside handlers at the same time.
    changed.wait_for(lock, 5s, [&] { return most >= 4; });
    --in_flight;
    return ok(r.body);
  });
  listener.start();
  std::vector<std::thread> clients;
  std::vector<std::string> answers(4);
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] { answers[i] = test::request(listener.port(), "POST", "/in", "n" + std::to_string(i)).body; });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(most, 4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(answers[i], "n" + std::to_string(i));
}

TEST(Listener, KeepAliveConnectionServesSeveralRequests) {
  LogCapture log;
  Listener listener(quietConfig(log));
  std::vector<std::string> peers;
  listener.route("POST", "/in", [&](const Request& r) {
    peers.push_back(r.peer);
    return ok();
  });
  listener.start();
  Poco::Net::HTTPClientSession session("127.0.0.1", listener.port());
  session.setTimeout(Poco::Timespan(5, 0));
  session.setKeepAlive(true);
  for (int i = 0; i < 3; ++i) {
    Poco::Net::HTTPRequest req("POST", "/in", Poco::Net::HTTPMessage::HTTP_1_1);
    req.setKeepAlive(true);
    req.setContentLength(1);
    session.sendRequest(req) << "x";
    Poco::Net::HTTPResponse resp;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(resp), body);
    EXPECT_EQ(resp.getStatus(), 200);
  }
  ASSERT_EQ(peers.size(), 3u);
  EXPECT_EQ(peers[0], peers[1]);
  EXPECT_EQ(peers[1], peers[2]);
}

TEST(Listener, StopLetsTheRequestInProgressFinishThenRefusesConnections) {
  LogCapture log;
  Listener listener(quietConfig(log));
  std::atomic<bool> entered = false;
  listener.route("POST", "/in", [&](const Request&) {
    entered = true;
    std::this_thread::sleep_for(300ms);
    return ok("finished");
  });
  listener.start();
  const auto port = listener.port();
  test::ClientResponse answer;
  std::thread client([&] { answer = test::request(port, "POST", "/in", "x"); });
  for (int i = 0; i < 200 && !entered; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(entered);
  listener.stop();
  client.join();
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body, "finished");
  EXPECT_FALSE(listener.running());
  EXPECT_THROW(test::request(port, "POST", "/in", "x"), Poco::Exception);
}

TEST(Listener, RoutesAreFixedOnceStartedAndMustBeUnique) {
  LogCapture log;
  Listener listener(quietConfig(log));
  listener.route("POST", "/in", [](const Request&) { return ok(); });
  EXPECT_THROW(listener.route("POST", "/in", [](const Request&) { return ok(); }), std::invalid_argument);
  EXPECT_THROW(listener.route("POST", "no-slash", [](const Request&) { return ok(); }), std::invalid_argument);
  listener.start();
  EXPECT_THROW(listener.route("GET", "/x", [](const Request&) { return ok(); }), std::logic_error);
}

TEST(Listener, PortInUseIsReportedAtStart) {
  LogCapture log;
  Listener first(quietConfig(log));
  first.start();
  auto config = quietConfig(log);
  config.port = first.port();
  Listener second(config);
  EXPECT_THROW(second.start(), std::runtime_error);
}

}  // namespace
}  // namespace ferry::http
