#include "channels/http/sender.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPBasicCredentials.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/URI.h>

#include <array>
#include <charconv>
#include <mutex>
#include <stdexcept>

#include "channels/http/tls_context.h"
#include "channels/timespan.h"

namespace ferry::http {

namespace {

constexpr std::size_t kResponseChunk = 16 * 1024;

// Reads at most `max` bytes; `truncated` tells whether more was there.
void readCapped(std::istream& in, std::size_t max, std::string& body, bool& truncated) {
  std::array<char, kResponseChunk> buf{};
  while (true) {  // each turn consumes bytes or ends; `max` bounds the total
    const std::size_t want = std::min(buf.size(), max + 1 - body.size());
    in.read(buf.data(), static_cast<std::streamsize>(want));
    body.append(buf.data(), static_cast<std::size_t>(in.gcount()));
    if (body.size() > max) {
      body.resize(max);
      truncated = true;
      return;
    }
    if (!in || in.gcount() == 0) return;
  }
}

std::optional<std::chrono::seconds> parseRetryAfter(const Poco::Net::HTTPResponse& response) {
  if (!response.has("Retry-After")) return std::nullopt;
  const std::string& text = response.get("Retry-After");
  long seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || seconds < 0) return std::nullopt;  // HTTP-date form
  return std::chrono::seconds(seconds);
}

}  // namespace

std::string_view toString(Outcome outcome) {
  switch (outcome) {
    case Outcome::Delivered: return "delivered";
    case Outcome::PermanentFailure: return "permanent_failure";
    case Outcome::RetryableFailure: return "retryable_failure";
  }
  return "unknown";
}

Outcome classifyStatus(int status) {
  if (status >= 200 && status <= 299) return Outcome::Delivered;
  if (status == 408 || status == 429 || (status >= 500 && status <= 599)) return Outcome::RetryableFailure;
  return Outcome::PermanentFailure;
}

struct Sender::State {
  Config config;
  bool https = false;
  std::string host;
  std::uint16_t port = 0;
  std::string target;    // path and query
  std::string endpoint;  // host:port, for error sentences
  Poco::Net::Context::Ptr tls;
  std::mutex mutex;
  std::unique_ptr<Poco::Net::HTTPClientSession> session;

  std::unique_ptr<Poco::Net::HTTPClientSession> connect() const;
  Poco::Net::HTTPRequest makeRequest(std::string_view body, std::string_view content_type) const;
  SendResult exchange(std::string_view body, std::string_view content_type);
  SendResult failure(std::string error) const;
};

Sender::Sender(Config config) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.config = std::move(config);
  const Config& c = s.config;
  Poco::URI uri;
  try {
    uri = Poco::URI(c.url);
  } catch (const Poco::Exception& e) {
    throw std::invalid_argument("http sender: url '" + c.url + "' is not a valid URL: " + e.displayText());
  }
  if (uri.getScheme() != "http" && uri.getScheme() != "https") {
    throw std::invalid_argument("http sender: url '" + c.url + "' must start with http:// or https://");
  }
  if (uri.getHost().empty()) throw std::invalid_argument("http sender: url '" + c.url + "' names no host");
  if (!uri.getUserInfo().empty()) {
    throw std::invalid_argument("http sender: put credentials in basic_user/basic_password, not in the url");
  }
  if (!c.bearer_token.empty() && !c.basic_user.empty()) {
    throw std::invalid_argument("http sender for " + uri.getHost() + ": set either a bearer token or basic credentials, not both");
  }
  if (!isValidHeaderValue(c.bearer_token) || !isValidHeaderValue(c.basic_user) || c.basic_user.find(':') != std::string::npos) {
    throw std::invalid_argument("http sender: credentials contain characters HTTP cannot carry");
  }
  for (const auto& [name, value] : c.headers.fields()) {
    if (!isValidHeaderName(name) || !isValidHeaderValue(value)) {
      throw std::invalid_argument("http sender: header field '" + name + "' has an invalid name or value");
    }
  }
  if (c.timeout.count() <= 0) throw std::invalid_argument("http sender: timeout must be positive");
  s.https = uri.getScheme() == "https";
  s.host = uri.getHost();
  s.port = uri.getPort();
  s.target = uri.getPathEtc();
  if (const auto hash = s.target.find('#'); hash != std::string::npos) s.target.resize(hash);
  if (s.target.empty() || s.target.front() != '/') s.target.insert(0, "/");
  s.endpoint = s.host + ":" + std::to_string(s.port);
  if (s.https) {
    s.tls = makeClientContext(c.ca_file, c.client_certificate_file, c.client_private_key_file, c.verify_peer);
  } else if (!c.client_certificate_file.empty()) {
    throw std::invalid_argument("http sender: a client certificate needs an https:// url");
  }
}

Sender::~Sender() = default;

std::unique_ptr<Poco::Net::HTTPClientSession> Sender::State::connect() const {
  std::unique_ptr<Poco::Net::HTTPClientSession> s;
  if (https) {
    s = std::make_unique<Poco::Net::HTTPSClientSession>(host, port, tls);
  } else {
    s = std::make_unique<Poco::Net::HTTPClientSession>(host, port);
  }
  s->setKeepAlive(true);
  const auto t = channels::toTimespan(config.timeout);
  s->setTimeout(t, t, t);
  return s;
}

Poco::Net::HTTPRequest Sender::State::makeRequest(std::string_view body, std::string_view content_type) const {
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, target, Poco::Net::HTTPMessage::HTTP_1_1);
  request.setKeepAlive(true);
  for (const auto& [name, value] : config.headers.fields()) request.add(name, value);
  if (!config.bearer_token.empty()) {
    request.set("Authorization", "Bearer " + config.bearer_token);
  } else if (!config.basic_user.empty()) {
    Poco::Net::HTTPBasicCredentials(config.basic_user, config.basic_password).authenticate(request);
  }
  if (!content_type.empty()) request.setContentType(std::string(content_type));
  request.setContentLength64(static_cast<Poco::Int64>(body.size()));
  return request;
}

SendResult Sender::State::failure(std::string error) const {
  SendResult result;
  result.outcome = Outcome::RetryableFailure;
  result.error = std::move(error);
  return result;
}

// One attempt; throws Poco exceptions for the caller to classify.
SendResult Sender::State::exchange(std::string_view body, std::string_view content_type) {
  Poco::Net::HTTPRequest request = makeRequest(body, content_type);
  std::ostream& out = session->sendRequest(request);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  // Write errors are kept by the session and rethrown by receiveResponse.
  Poco::Net::HTTPResponse response;
  std::istream& in = session->receiveResponse(response);
  in.exceptions(std::ios::badbit);

  SendResult result;
  result.status = static_cast<int>(response.getStatus());
  result.content_type = response.getContentType();
  result.retry_after = parseRetryAfter(response);
  readCapped(in, config.max_response_bytes, result.body, result.body_truncated);
  if (result.body_truncated) session->reset();  // the rest is unread: the connection cannot be reused
  result.outcome = classifyStatus(result.status);
  if (result.outcome != Outcome::Delivered) {
    result.error = "HTTP " + std::to_string(result.status) + " " +
                   Poco::Net::HTTPResponse::getReasonForStatus(response.getStatus()) + " from " + endpoint;
  }
  return result;
}

SendResult Sender::post(std::string_view body, std::string_view content_type) {
  State& s = *state_;
  if (!isValidHeaderValue(content_type)) throw std::invalid_argument("http sender: content type contains CR or LF");
  std::lock_guard lock(s.mutex);
  const auto started = std::chrono::steady_clock::now();
  SendResult result;
  // Two attempts at most: the second only when a reused keep-alive connection turned out dead.
  for (int attempt = 1; attempt <= 2; ++attempt) {
    const bool reused = s.session && s.session->connected();
    if (!s.session) s.session = s.connect();
    try {
      result = s.exchange(body, content_type);
      break;
    } catch (const Poco::TimeoutException&) {
      s.session.reset();  // the peer may still answer on this connection: never read that late answer
      result = s.failure("no answer from " + s.endpoint + " within " + std::to_string(s.config.timeout.count()) + " ms");
      break;
    } catch (const Poco::Net::ConnectionRefusedException&) {
      s.session.reset();
      result = s.failure("connection refused by " + s.endpoint);
      break;
    } catch (const Poco::Net::SSLException& e) {
      s.session.reset();
      result = s.failure("TLS failure with " + s.endpoint + ": " + e.displayText());
      if (reused && attempt == 1) continue;
      break;
    } catch (const Poco::Exception& e) {
      s.session.reset();
      result = s.failure("connection to " + s.endpoint + " failed: " + e.displayText());
      if (reused && attempt == 1) continue;
      break;
    } catch (const std::exception& e) {
      s.session.reset();
      result = s.failure("connection to " + s.endpoint + " failed: " + e.what());
      if (reused && attempt == 1) continue;
      break;
    }
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return result;
}

}  // namespace ferry::http
