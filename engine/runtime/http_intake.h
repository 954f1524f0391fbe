#pragma once
// What happens to one message POSTed to an HTTP source channel (FHIR JSON, insurer XML or HL7 v2
// text) between its arrival and the HTTP answer. It mirrors Hl7Intake: the body is committed to
// the store (group commit) before any 2xx is sent, so an accepted message is never lost; then,
// per channel, the answer is 202 on commit with processing queued ("on_commit"), or comes after
// inline processing ("after_parse"): 201 when processed or filtered, 400 for content that does not
// parse (JSON or XML syntax, a DOCTYPE, a body that is not what its Content-Type says), 422 for
// content that parses but fails validation or the channel's rules. Errored messages stay in the
// store. Every answer is an OperationOutcome (application/fhir+json) and, once the message is
// stored, carries X-Ferry-Message-Id. Nothing is stored for a refused media type (415), an empty
// body (400) or when the store cannot commit (503).
//
// Sender identity, used with an Idempotency-Key header for duplicates: the TLS client
// certificate's subject when one was presented, else the peer's IP address; never a header the
// client could set freely.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "channels/http/request.h"
#include "channels/http/response.h"
#include "engine/runtime/config.h"
#include "engine/runtime/event_bus.h"
#include "engine/runtime/inbound_decoder.h"
#include "engine/runtime/processor.h"
#include "engine/store/group_committer.h"
#include "engine/store/store.h"

namespace ferry::runtime {

class HttpIntake {
 public:
  static constexpr std::string_view kMessageIdHeader = "X-Ferry-Message-Id";
  static constexpr std::string_view kIdempotencyHeader = "Idempotency-Key";

  // channel, store, committer, processor and bus must outlive the intake.
  HttpIntake(const ChannelConfig& channel, std::int64_t duplicate_window_ms, store::Store& store,
             store::GroupCommitter& committer, Processor& processor, EventBus& bus);

  // The answer to one POST. Never throws: store trouble is a 503 (or a 202 once the message is
  // durable), so the listener's generic 500 never hides a stored message's id.
  http::Response receive(const http::Request& request);

 private:
  http::Response answerStored(std::int64_t id, const std::string& body, InboundFormat declared);
  http::Response answerProcessed(std::int64_t id, const std::string& body, const ProcessResult& result);
  // The answer to a repeat of message `original` (same Idempotency-Key within the window).
  http::Response answerDuplicate(std::int64_t original);

  const ChannelConfig& channel_;
  const std::int64_t duplicate_window_ms_;
  store::Store& store_;
  store::GroupCommitter& committer_;
  Processor& processor_;
  EventBus& bus_;
};

// The format a Content-Type announces: Fhir for application/fhir+json and application/json,
// Xml for application/xml, text/xml and application/<anything>+xml, Hl7v2 for
// x-application/hl7-v2+er7; nullopt for anything else, and for JSON in a charset other than
// UTF-8 (RFC 8259). Parameters and case are ignored otherwise.
std::optional<InboundFormat> formatOfContentType(std::string_view content_type);

// True when body is well-formed in its own syntax (JSON, XML with Ferry's safety limits, HL7 v2
// framing); false means the answer is 400 rather than 422.
bool isWellFormed(std::string_view body, InboundFormat format);

}  // namespace ferry::runtime
