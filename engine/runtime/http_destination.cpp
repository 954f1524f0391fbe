#include "engine/runtime/http_destination.h"

namespace ferry::runtime {

namespace {

http::Sender::Config senderConfig(const DestinationConfig& d) {
  http::Sender::Config c;
  c.url = d.url;
  for (const auto& [name, value] : d.headers) c.headers.add(name, value);
  c.bearer_token = d.bearer_token;
  c.basic_user = d.basic_user;
  c.basic_password = d.basic_password;
  c.timeout = std::chrono::milliseconds(d.timeout_ms);
  c.ca_file = d.tls.ca_file;
  c.client_certificate_file = d.tls.cert_file;
  c.client_private_key_file = d.tls.key_file;
  return c;
}

std::string contentType(const DestinationConfig& d) {
  if (!d.content_type.empty()) return d.content_type;
  return d.format == "canonical" ? "application/json" : "application/hl7-v2";
}

}  // namespace

HttpDestination::HttpDestination(const DestinationConfig& config)
    : content_type_(contentType(config)), sender_(senderConfig(config)) {}

DeliveryOutcome HttpDestination::deliver(std::int64_t, const std::string& payload) {
  const http::SendResult sent = sender_.post(payload, content_type_);
  DeliveryOutcome outcome;
  outcome.response = "HTTP " + std::to_string(sent.status) + "\n" + sent.body;
  switch (sent.outcome) {
    case http::Outcome::Delivered: outcome.kind = DeliveryOutcome::Kind::Delivered; break;
    case http::Outcome::PermanentFailure: outcome.kind = DeliveryOutcome::Kind::Fail; break;
    case http::Outcome::RetryableFailure: outcome.kind = DeliveryOutcome::Kind::Retry; break;
  }
  if (outcome.kind != DeliveryOutcome::Kind::Delivered) {
    outcome.error = sent.status > 0 ? "HTTP " + std::to_string(sent.status) : sent.error;
  }
  return outcome;
}

}  // namespace ferry::runtime
