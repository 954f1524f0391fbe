#include "engine/runtime/http_intake.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cctype>
#include <exception>
#include <utility>
#include <vector>

#include <pugixml.hpp>

#include "parsers/fhir/issue.h"
#include "parsers/hl7v2/message.h"
#include "parsers/xml/safe_parser.h"

namespace ferry::runtime {

namespace {

constexpr std::size_t kMaxIdempotencyKey = 255;
constexpr std::size_t kMaxEchoedContentType = 100;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The charset parameter of a Content-Type, lower case and unquoted; empty when absent.
std::string charsetOf(std::string_view parameters) {
  while (!parameters.empty()) {
    const auto semicolon = parameters.find(';');
    const std::string_view parameter = trim(parameters.substr(0, semicolon));
    parameters = semicolon == std::string_view::npos ? std::string_view() : parameters.substr(semicolon + 1);
    const auto equals = parameter.find('=');
    if (equals == std::string_view::npos || lower(trim(parameter.substr(0, equals))) != "charset") continue;
    std::string_view value = trim(parameter.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    return lower(value);
  }
  return {};
}

bool isBlank(std::string_view body) {
  for (const char c : body) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
  }
  return true;
}

std::string_view describeFormat(InboundFormat format) {
  switch (format) {
    case InboundFormat::Fhir:
      return "FHIR JSON";
    case InboundFormat::Xml:
      return "XML";
    case InboundFormat::Hl7v2:
      return "HL7 v2";
    case InboundFormat::Unknown:
      break;
  }
  return "none of FHIR JSON, XML or HL7 v2";
}

fhir::Issue issue(fhir::Severity severity, std::string code, std::string diagnostics) {
  fhir::Issue i;
  i.severity = severity;
  i.code = std::move(code);
  i.diagnostics = std::move(diagnostics);
  return i;
}

http::Response outcome(int status, std::string operation_outcome) {
  return http::Response{status, "application/fhir+json", {}, std::move(operation_outcome)};
}

http::Response outcome(int status, const fhir::Issue& only) {
  return outcome(status, fhir::operationOutcomeJson({only}));
}

http::Response withId(http::Response response, std::int64_t id) {
  response.headers.set(std::string(HttpIntake::kMessageIdHeader), std::to_string(id));
  return response;
}

// Who sent it, for the duplicate key. A certificate subject survives address changes (NAT, load
// balancers); the port is dropped since every connection gets a new one.
std::string senderOf(const std::string& channel, const http::Request& request) {
  if (!request.client_certificate_subject.empty()) {
    return channel + ":cert:" + request.client_certificate_subject;
  }
  const auto colon = request.peer.rfind(':');
  return channel + ":" + (colon == std::string::npos ? request.peer : request.peer.substr(0, colon));
}

bool isValidIdempotencyKey(std::string_view key) {
  if (key.size() > kMaxIdempotencyKey) return false;
  for (const char c : key) {
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7E) return false;
  }
  return true;
}

}  // namespace

std::optional<InboundFormat> formatOfContentType(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  const std::string type = lower(trim(content_type.substr(0, semicolon)));
  const std::string charset =
      semicolon == std::string_view::npos ? std::string() : charsetOf(content_type.substr(semicolon + 1));
  if (type == "application/fhir+json" || type == "application/json") {
    if (!charset.empty() && charset != "utf-8" && charset != "utf8") return std::nullopt;
    return InboundFormat::Fhir;
  }
  // XML declares its own encoding in the document; the XML reader refuses those it cannot read.
  if (type == "application/xml" || type == "text/xml" ||
      (type.starts_with("application/") && type.ends_with("+xml") && type.size() > 16)) {
    return InboundFormat::Xml;
  }
  if (type == "x-application/hl7-v2+er7") return InboundFormat::Hl7v2;
  return std::nullopt;
}

bool isWellFormed(std::string_view body, InboundFormat format) {
  switch (format) {
    case InboundFormat::Fhir: {
      if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
      // SAX without a DOM, iterative so that hostile nesting cannot exhaust the stack.
      rapidjson::MemoryStream in(body.data(), body.size());
      rapidjson::BaseReaderHandler<> ignore;
      rapidjson::Reader reader;
      return !reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(in, ignore)
                  .IsError();
    }
    case InboundFormat::Xml: {
      pugi::xml_document document;
      return !xml::parseDocument(body, xml::Limits{}, document).has_value();
    }
    case InboundFormat::Hl7v2:
      return static_cast<bool>(hl7v2::Message::parse(body));
    case InboundFormat::Unknown:
      break;
  }
  return false;
}

HttpIntake::HttpIntake(const ChannelConfig& channel, std::int64_t duplicate_window_ms, store::Store& store,
                       store::GroupCommitter& committer, Processor& processor, EventBus& bus)
    : channel_(channel),
      duplicate_window_ms_(duplicate_window_ms),
      store_(store),
      committer_(committer),
      processor_(processor),
      bus_(bus) {}

http::Response HttpIntake::receive(const http::Request& request) {
  using fhir::Severity;
  const std::string content_type = request.headers.value("Content-Type");
  const std::optional<InboundFormat> declared = formatOfContentType(content_type);
  if (!declared) {
    return outcome(415, issue(Severity::Error, "not-supported",
                              "Content-Type \"" + content_type.substr(0, kMaxEchoedContentType) +
                                  "\" is not accepted; send application/fhir+json or application/json "
                                  "(UTF-8), application/xml, text/xml, application/*+xml or "
                                  "x-application/hl7-v2+er7"));
  }
  if (isBlank(request.body)) {
    return outcome(400,
                   issue(Severity::Error, "required", "the request body is empty; a message was expected"));
  }
  const std::string key = request.headers.value(kIdempotencyHeader);
  if (!isValidIdempotencyKey(key)) {
    return outcome(400, issue(Severity::Error, "value",
                              "the Idempotency-Key header must be 1 to 255 visible ASCII characters"));
  }
  const std::string sender = senderOf(channel_.name, request);

  store::NewMessage record;
  record.channel = channel_.name;
  record.raw = request.body;
  record.control_id = key;
  record.sender = sender;
  record.received_at_ms = nowMs();
  // The store checks for a duplicate in the transaction that would insert this one, so a
  // repeat sent while the first is still being committed is caught too.
  if (duplicate_window_ms_ > 0) record.duplicate_since_ms = record.received_at_ms - duplicate_window_ms_;
  std::int64_t id = 0;
  try {
    const store::ReceivedId received = committer_.commit(std::move(record));
    if (received.duplicate) return answerDuplicate(received.id);
    id = received.id;
  } catch (const std::exception& e) {
    // Not stored: the client must send it again, and no id is claimed.
    bus_.publish(
        Event{"rejected", channel_.name, "", 0, 0, std::string("store unavailable: ") + e.what(), 0});
    http::Response answer =
        outcome(503, issue(Severity::Error, "transient",
                           "the message could not be stored; nothing was kept, send it again later"));
    answer.headers.set("Retry-After", "5");
    return answer;
  }
  bus_.publish(Event{"received", channel_.name, "", id, 0, "http " + std::string(toString(*declared)), 0});
  return withId(answerStored(id, request.body, *declared), id);
}

http::Response HttpIntake::answerDuplicate(std::int64_t original) {
  bus_.publish(Event{"duplicate", channel_.name, "", original, 0,
                     "repeat of message " + std::to_string(original), 0});
  // 200, not 201: nothing new was created; the id is the one the first request got.
  return withId(outcome(200, issue(fhir::Severity::Information, "duplicate",
                                   "duplicate of message " + std::to_string(original) +
                                       " (same Idempotency-Key); not processed again")),
                original);
}

http::Response HttpIntake::answerStored(std::int64_t id, const std::string& body, InboundFormat declared) {
  using fhir::Severity;
  const std::string name = "message " + std::to_string(id);
  const InboundFormat found = detectInboundFormat(body);
  if (found != declared) {
    // The processor picks the format from the bytes; honouring a Content-Type that lies would
    // let, say, XML slip through a FHIR-only client's contract. Kept, but as errored.
    const std::string why = "the body is not " + std::string(describeFormat(declared)) +
                            " as its Content-Type says; it reads as " + std::string(describeFormat(found));
    try {
      store_.markErrored(id, why);
    } catch (const std::exception&) {
      processor_.enqueue(id, channel_.name);  // stays 'received'; processed like any other
    }
    bus_.publish(Event{"rejected", channel_.name, "", id, 0, "content type mismatch", 0});
    return outcome(400, issue(Severity::Error, "structure", why + " (stored as " + name + ", errored)"));
  }
  if (channel_.ack_mode == "on_commit") {
    processor_.enqueue(id, channel_.name);
    return outcome(202,
                   issue(Severity::Information, "informational", name + " stored; processing is queued"));
  }
  try {
    return answerProcessed(id, body, processor_.process(id, channel_.name, body));
  } catch (const std::exception& e) {
    // The message is durable but its outcome could not be recorded: accept it and let the queue
    // try again, rather than invite a resend that would store it twice.
    bus_.publish(Event{"processor_error", channel_.name, "", id, 0, e.what(), 0});
    processor_.enqueue(id, channel_.name);
    return outcome(202,
                   issue(Severity::Warning, "transient",
                         name + " stored; its processing could not be recorded now and is queued again"));
  }
}

http::Response HttpIntake::answerProcessed(std::int64_t id, const std::string& body,
                                           const ProcessResult& result) {
  using fhir::Severity;
  const std::string name = "message " + std::to_string(id);
  if (result.ok) {
    return outcome(201,
                   issue(Severity::Information, "informational",
                         result.filtered ? name + " stored; the channel's rules filtered it (no deliveries)"
                                         : name + " processed"));
  }
  const bool malformed = !isWellFormed(
      body, result.format == InboundFormat::Unknown ? detectInboundFormat(body) : result.format);
  const int status = malformed ? 400 : 422;
  if (!result.operation_outcome.empty()) return outcome(status, result.operation_outcome);
  // Mapping and routing errors come as text only.
  return outcome(status, issue(Severity::Error, malformed ? "structure" : "processing",
                               (result.error.empty() ? std::string("the message could not be processed")
                                                     : result.error) +
                                   " (stored as " + name + ", errored)"));
}

}  // namespace ferry::runtime
