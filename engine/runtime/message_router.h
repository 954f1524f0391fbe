#pragma once
// Decides where a decoded message goes and what each destination receives. A channel that names
// a mapping ("mapping": "lab-to-hospital@2") runs it: its filters may drop the message, its
// transforms change the canonical Message, and its routes choose among the channel's
// destinations. A channel without a mapping sends every message to all its destinations. Each
// chosen destination's payload is then encoded in that destination's format
// (outbound_encoder.h).

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canonical/message.h"
#include "engine/runtime/config.h"
#include "engine/store/store.h"
#include "mappings/environment.h"
#include "mappings/mapping_set.h"

namespace ferry::xml {
class ProfileSet;
}
namespace ferry::hl7v2 {
class Message;
}

namespace ferry::runtime {

struct RouteDecision {
  enum class Kind { Routed, Filtered, Errored };
  Kind kind = Kind::Routed;
  std::string reason;  // Filtered: the filter and its reason; Errored: the rule or destination and why
  std::vector<store::NewDelivery> deliveries;  // Routed: one per destination queue
  std::vector<std::string> routes;             // the mapping's routes that matched
  std::string detail;                          // for events: "mapping lab@2 routes hospital"
  std::string summary;  // Filtered/Errored: the mapping, rule or destination, without values
};

class MessageRouter {
 public:
  // profiles and mappings may be null (no XML destinations, no mappings). A channel's mapping
  // must be in mappings (the config loader checks it; std::invalid_argument otherwise).
  MessageRouter(const std::vector<ChannelConfig>& channels, const xml::ProfileSet* profiles,
                const mappings::MappingSet* mappings = nullptr,
                mappings::Environment environment = mappings::Environment::system());

  // The configuration of a channel this router knows; nullptr otherwise.
  const ChannelConfig* channel(const std::string& name) const;

  // The queue a destination of a channel is delivered from.
  static std::string queueName(const std::string& channel, const std::string& destination);

  // Runs the channel's mapping (if any) on message, which it may change, then encodes a payload
  // per routed destination. original: the raw bytes as received. Never throws for bad data.
  RouteDecision route(const std::string& channel, canonical::Message& message,
                      std::string_view original, const hl7v2::Message* parsed) const;

 private:
  struct Channel {
    ChannelConfig config;
    std::shared_ptr<const mappings::Mapping> mapping;  // null: every destination
  };
  // The destinations the mapping chose (or all), encoded; Errored when one cannot be written.
  RouteDecision deliver(const Channel& channel, const canonical::Message& message,
                        std::string_view original, const std::vector<std::string>& chosen,
                        const std::vector<mappings::OutgoingEdit>& edits) const;

  std::map<std::string, Channel> channels_;
  const xml::ProfileSet* profiles_;
  const mappings::Environment environment_;
};

}  // namespace ferry::runtime
