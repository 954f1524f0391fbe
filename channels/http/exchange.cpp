#include "channels/http/exchange.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/X509Certificate.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <array>
#include <chrono>

namespace ferry::http {

namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::size_t kReadChunk = 16 * 1024;
// After an early 413 the connection is closed. Closing with unread bytes in the kernel buffer
// makes Linux send RST, which can destroy the response before the client reads it; so a
// little of what the client keeps sending is read and thrown away first, within these bounds.
constexpr std::size_t kDrainBytes = 1u << 20;
constexpr auto kDrainTime = std::chrono::milliseconds(1000);
constexpr std::size_t kLoggedErrorChars = 300;

enum class BodyStatus { Ok, TooLarge, Timeout, Incomplete, Failed };

std::string errorJson(std::string_view code, std::string_view message) {
  std::string out = "{\"error\":";
  appendJsonString(out, code);
  out += ",\"message\":";
  appendJsonString(out, message);
  out += '}';
  return out;
}

Response errorResponse(int status, std::string_view code, std::string_view message) {
  return Response{status, "application/json", {}, errorJson(code, message)};
}

Exchange::Target splitTarget(const std::string& uri) {
  std::string rest = uri;
  if (!rest.starts_with('/')) {  // absolute-form ("http://host/path") or "*"
    try {
      rest = Poco::URI(uri).getPathEtc();
    } catch (const Poco::Exception&) {
      return {uri, {}};
    }
  }
  if (const auto hash = rest.find('#'); hash != std::string::npos) rest.resize(hash);
  const auto q = rest.find('?');
  if (q == std::string::npos) return {rest, {}};
  return {rest.substr(0, q), rest.substr(q + 1)};
}

// RFC 9112 section 6.3: without Content-Length or chunked coding a request has no body.
bool hasBody(const HTTPServerRequest& request) {
  return request.getChunkedTransferEncoding() || (request.hasContentLength() && request.getContentLength64() > 0);
}

bool exceedsLimit(const HTTPServerRequest& request, std::size_t max) {
  return request.hasContentLength() && request.getContentLength64() > 0 &&
         static_cast<std::uint64_t>(request.getContentLength64()) > max;
}

BodyStatus readBody(HTTPServerRequest& request, std::size_t max, std::string& body, std::string& error) {
  if (!hasBody(request)) return BodyStatus::Ok;
  if (exceedsLimit(request, max)) return BodyStatus::TooLarge;
  const bool known = request.hasContentLength();
  const auto expected = known ? static_cast<std::size_t>(request.getContentLength64()) : 0;
  if (known) body.reserve(expected);
  std::istream& in = request.stream();
  in.exceptions(std::ios::badbit);  // let Poco's timeout and reset exceptions through
  std::array<char, kReadChunk> buf{};
  try {
    // Each turn consumes at least one byte or ends; the length limit bounds the total.
    while (true) {
      in.read(buf.data(), buf.size());
      const auto n = static_cast<std::size_t>(in.gcount());
      if (body.size() + n > max) return BodyStatus::TooLarge;
      body.append(buf.data(), n);
      if (!in || n == 0) break;
    }
  } catch (const Poco::TimeoutException&) {
    return BodyStatus::Timeout;
  } catch (const Poco::Exception& e) {
    error = e.displayText();
    return BodyStatus::Failed;
  } catch (const std::exception& e) {
    error = e.what();
    return BodyStatus::Failed;
  }
  if (known && body.size() != expected) return BodyStatus::Incomplete;
  return BodyStatus::Ok;
}

void drainBriefly(HTTPServerRequest& request) {
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (impl == nullptr) return;
  try {
    Poco::Net::StreamSocket& socket = impl->socket();
    socket.setReceiveTimeout(Poco::Timespan(0, 100'000));
    const auto deadline = std::chrono::steady_clock::now() + kDrainTime;
    std::array<char, kReadChunk> buf{};
    std::size_t total = 0;
    while (total < kDrainBytes && std::chrono::steady_clock::now() < deadline) {
      const int n = socket.receiveBytes(buf.data(), static_cast<int>(buf.size()));
      if (n <= 0) break;
      total += static_cast<std::size_t>(n);
    }
  } catch (...) {
    // The peer went away or kept silent: either way there is nothing left to protect.
  }
}

std::string clientCertificateSubject(HTTPServerRequest& request) {
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (impl == nullptr) return {};
  try {
    Poco::Net::SecureStreamSocket secure(impl->socket());
    if (secure.havePeerCertificate()) return secure.peerCertificate().subjectName();
  } catch (const Poco::Exception&) {
  }
  return {};
}

bool isReservedHeader(std::string_view name) {
  for (const std::string_view reserved : {"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Date"}) {
    if (equalsIgnoreCase(name, reserved)) return true;
  }
  return false;
}

}  // namespace

Poco::Net::HTTPRequestHandler* ExchangeFactory::createRequestHandler(const HTTPServerRequest& request) {
  Exchange::Target target = splitTarget(request.getURI());
  Router::Match match = context_.router->match(request.getMethod(), target.path);
  int rejection = 0;
  if (match.kind == Router::Match::Kind::NotFound) {
    rejection = 404;
  } else if (match.kind == Router::Match::Kind::MethodNotAllowed) {
    rejection = 405;
  } else if (exceedsLimit(request, context_.config->max_body_bytes)) {
    rejection = 413;
  }
  // A status other than 200 here keeps Poco from sending "100 Continue" for a body we refuse.
  if (rejection != 0) request.response().setStatus(static_cast<HTTPResponse::HTTPStatus>(rejection));
  return new Exchange(context_, std::move(match), std::move(target), rejection);
}

void Exchange::handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) {
  const auto started = std::chrono::steady_clock::now();
  std::size_t bytes_in = 0;
  Sent sent;
  try {
    sent = rejection_ != 0 ? reject(request, response, rejection_) : run(request, response, bytes_in);
  } catch (const Poco::Exception& e) {
    // Sending failed: the peer is gone. Nothing can be answered any more.
    response.setKeepAlive(false);
    logError("connection_failed", e.displayText());
    sent.status = 0;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  // A request the listener refused (4xx) is a warning, so a log kept to warnings shows it.
  const char* level = sent.status >= 500 || sent.status == 0 ? "error" : sent.status >= 400 ? "warning" : "info";
  LogLine line(level, "http.listener", "request");
  line.field("channel", context_.config->name).field("method", request.getMethod());
  if (match_.route != nullptr) line.field("route", match_.route->prefix);
  line.field("status", sent.status)
      .field("bytes_in", bytes_in)
      .field("bytes_out", sent.bytes)
      .field("ms", ms.count())
      .field("peer", request.clientAddress().toString());
  line.emit(context_.log);
}

Exchange::Sent Exchange::reject(HTTPServerRequest& request, HTTPServerResponse& response, int status) {
  bool drain = false;
  if (hasBody(request)) {
    // The body must leave the socket before the next request can be read, or the connection closes.
    if (request.getExpectContinue()) {
      response.setKeepAlive(false);  // the client holds its body back; nothing to read or drain
    } else if (status == 413) {
      response.setKeepAlive(false);
      drain = true;
    } else {
      std::string ignored;
      std::string error;
      if (readBody(request, context_.config->max_body_bytes, ignored, error) != BodyStatus::Ok) {
        response.setKeepAlive(false);
        drain = true;
      }
    }
  }
  Sent sent;
  if (status == 404) {
    sent = send(response, errorResponse(404, "not_found", "no route for this path"));
  } else if (status == 405) {
    response.set("Allow", match_.allow);
    sent = send(response, errorResponse(405, "method_not_allowed", "this path does not accept this method"));
  } else {
    sent = send(response, errorResponse(413, "payload_too_large", "the request body exceeds the configured limit"));
  }
  if (drain) drainBriefly(request);
  return sent;
}

Exchange::Sent Exchange::run(HTTPServerRequest& request, HTTPServerResponse& response, std::size_t& bytes_in) {
  std::string body;
  std::string error;
  const BodyStatus status = readBody(request, context_.config->max_body_bytes, body, error);
  if (status != BodyStatus::Ok) response.setKeepAlive(false);
  switch (status) {
    case BodyStatus::Ok:
      break;
    case BodyStatus::TooLarge: {  // a chunked body that grew past the limit
      const Sent sent =
          send(response, errorResponse(413, "payload_too_large", "the request body exceeds the configured limit"));
      drainBriefly(request);
      return sent;
    }
    case BodyStatus::Timeout:
      return send(response, errorResponse(408, "request_timeout", "the request body did not arrive in time"));
    case BodyStatus::Incomplete:
      return send(response, errorResponse(400, "bad_request", "the request body is shorter than its Content-Length"));
    case BodyStatus::Failed:
      logError("body_read_failed", error);
      return send(response, errorResponse(400, "bad_request", "the request body could not be read"));
  }
  bytes_in = body.size();
  const Request req = makeRequest(request, std::move(body));
  return send(response, callHandler(req));
}

Request Exchange::makeRequest(HTTPServerRequest& request, std::string body) const {
  Request req;
  req.method = request.getMethod();
  req.path = target_.path;
  req.query = target_.query;
  for (const auto& [name, value] : request) req.headers.add(name, value);
  req.body = std::move(body);
  req.peer = request.clientAddress().toString();
  req.secure = context_.config->tls.has_value();
  if (req.secure) req.client_certificate_subject = clientCertificateSubject(request);
  return req;
}

Response Exchange::callHandler(const Request& request) const {
  try {
    Response answer = match_.route->handler(request);
    if (answer.status >= 200 && answer.status <= 599) return answer;
    logError("handler_invalid_status", "handler returned status " + std::to_string(answer.status));
  } catch (const Poco::Exception& e) {
    logError("handler_failed", e.displayText());
  } catch (const std::exception& e) {
    logError("handler_failed", e.what());
  } catch (...) {
    logError("handler_failed", "exception of unknown type");
  }
  return errorResponse(500, "internal_error", "the request could not be processed");
}

Exchange::Sent Exchange::send(HTTPServerResponse& response, const Response& answer) {
  response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(answer.status));
  std::size_t dropped = 0;
  for (const auto& [name, value] : answer.headers.fields()) {
    if (!answer.content_type.empty() && equalsIgnoreCase(name, "Content-Type")) continue;  // the field wins
    if (!isValidHeaderName(name) || !isValidHeaderValue(value) || isReservedHeader(name)) {
      ++dropped;
      continue;
    }
    response.add(name, value);
  }
  if (!answer.content_type.empty() && isValidHeaderValue(answer.content_type)) {
    response.setContentType(answer.content_type);
  } else if (!answer.body.empty() && !answer.headers.contains("Content-Type")) {
    response.setContentType("application/octet-stream");
  }
  if (dropped > 0) logError("response_header_dropped", std::to_string(dropped) + " invalid or reserved header field(s)");
  response.sendBuffer(answer.body.data(), answer.body.size());
  return Sent{answer.status, answer.body.size()};
}

void Exchange::logError(std::string_view event, std::string_view error) const {
  LogLine line("error", "http.listener", event);
  line.field("channel", context_.config->name);
  if (match_.route != nullptr) line.field("route", match_.route->prefix);
  line.field("error", error.substr(0, kLoggedErrorChars));
  line.emit(context_.log);
}

}  // namespace ferry::http
