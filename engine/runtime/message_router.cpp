#include "engine/runtime/message_router.h"

#include <algorithm>
#include <stdexcept>

#include "engine/runtime/outbound_encoder.h"
#include "mappings/mapping.h"
#include "parsers/hl7v2/message.h"

namespace ferry::runtime {

namespace {

mappings::Source sourceOf(const canonical::Message& message, std::string_view original,
                          const hl7v2::Message* parsed) {
  mappings::Source source;
  source.raw = original;
  source.hl7 = parsed;
  const std::string& format = message.header.source_format;
  if (format == canonical::kSourceHl7v2) source.format = mappings::Source::Format::Hl7v2;
  if (format == canonical::kSourceFhir) source.format = mappings::Source::Format::Json;
  if (format == canonical::kSourceXml) source.format = mappings::Source::Format::Xml;
  return source;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace

MessageRouter::MessageRouter(const std::vector<ChannelConfig>& channels,
                             const xml::ProfileSet* profiles, const mappings::MappingSet* mappings,
                             mappings::Environment environment)
    : profiles_(profiles), environment_(std::move(environment)) {
  for (const ChannelConfig& c : channels) {
    if (!c.enabled) continue;
    Channel channel{c, nullptr};
    if (!c.mapping.empty()) {
      channel.mapping = mappings ? mappings->find(c.mapping) : nullptr;
      // The config loader reports this with file and line; here it is a programming error.
      if (!channel.mapping) throw std::invalid_argument("channel " + c.name + ": no mapping " + c.mapping);
    }
    channels_.emplace(c.name, std::move(channel));
  }
}

std::string MessageRouter::queueName(const std::string& channel, const std::string& destination) {
  return channel + "/" + destination;
}

const ChannelConfig* MessageRouter::channel(const std::string& name) const {
  const auto it = channels_.find(name);
  return it == channels_.end() ? nullptr : &it->second.config;
}

RouteDecision MessageRouter::route(const std::string& channel, canonical::Message& message,
                                   std::string_view original, const hl7v2::Message* parsed) const {
  const auto it = channels_.find(channel);
  if (it == channels_.end()) return {};  // a channel removed from the configuration
  const Channel& c = it->second;
  std::vector<std::string> all;
  for (const DestinationConfig& d : c.config.destinations) all.push_back(d.name);
  if (!c.mapping) return deliver(c, message, original, all, {});

  const mappings::Outcome outcome =
      c.mapping->apply(message, sourceOf(message, original, parsed), environment_);
  RouteDecision decision;
  switch (outcome.kind) {
    case mappings::Outcome::Kind::Dropped:
      decision.kind = RouteDecision::Kind::Filtered;
      decision.reason = "mapping " + c.mapping->id() + ", filter \"" + outcome.rule + "\": " + outcome.reason;
      decision.summary = "mapping " + c.mapping->id() + ", filter \"" + outcome.rule + "\"";
      return decision;
    case mappings::Outcome::Kind::Errored:
      decision.kind = RouteDecision::Kind::Errored;
      decision.reason = "mapping " + c.mapping->id() + ", rule \"" + outcome.rule + "\": " + outcome.reason;
      decision.summary = "mapping " + c.mapping->id() + ", rule \"" + outcome.rule + "\" failed";
      return decision;
    case mappings::Outcome::Kind::Routed: break;
  }
  if (outcome.destinations.empty()) {
    // No route matched: the message is kept, processed, and goes nowhere (e.g. a result that
    // is not reportable). That is a decision of the rules, recorded as filtered with why.
    decision.kind = RouteDecision::Kind::Filtered;
    decision.reason = "mapping " + c.mapping->id() + ": no route matched";
    decision.summary = decision.reason;
    return decision;
  }
  decision = deliver(c, message, original, outcome.destinations, outcome.outgoing);
  decision.routes = outcome.routes;
  decision.detail = "mapping " + c.mapping->id() + ", routes " + joined(outcome.routes);
  return decision;
}

RouteDecision MessageRouter::deliver(const Channel& channel, const canonical::Message& message,
                                     std::string_view original, const std::vector<std::string>& chosen,
                                     const std::vector<mappings::OutgoingEdit>& edits) const {
  RouteDecision decision;
  for (const DestinationConfig& d : channel.config.destinations) {
    if (std::find(chosen.begin(), chosen.end(), d.name) == chosen.end()) continue;
    Encoded encoded = encode(d, message, original, edits, profiles_);
    if (!encoded.ok()) {
      decision.kind = RouteDecision::Kind::Errored;
      decision.reason = "destination " + d.name + ": " + encoded.error;
      decision.summary = "destination " + d.name + ": cannot be written as " + d.format;
      decision.deliveries.clear();
      return decision;
    }
    store::NewDelivery delivery;
    delivery.destination = queueName(channel.config.name, d.name);
    delivery.payload = std::move(encoded.payload);
    decision.deliveries.push_back(std::move(delivery));
  }
  return decision;
}

}  // namespace ferry::runtime
