#include "engine/runtime/destination.h"

#include "engine/runtime/file_destination.h"
#include "engine/runtime/http_destination.h"
#include "engine/runtime/mllp_destination.h"

namespace ferry::runtime {

DestinationRegistry DestinationRegistry::withBuiltins() {
  DestinationRegistry registry;
  registry.add("mllp", [](const DestinationConfig& c, const std::string& channel, const LogLine& log) {
    return std::make_unique<MllpDestination>(c, channel, log);
  });
  registry.add("http", [](const DestinationConfig& c, const std::string&, const LogLine&) {
    return std::make_unique<HttpDestination>(c);
  });
  registry.add("file", [](const DestinationConfig& c, const std::string& channel, const LogLine&) {
    return std::make_unique<FileDestination>(c, channel);
  });
  return registry;
}

void DestinationRegistry::add(const std::string& type, DestinationFactory factory) {
  factories_[type] = std::move(factory);
}

std::unique_ptr<Destination> DestinationRegistry::make(const DestinationConfig& config,
                                                       const std::string& channel,
                                                       const LogLine& log) const {
  const auto it = factories_.find(config.type);
  if (it == factories_.end()) return nullptr;
  return it->second(config, channel, log);
}

}  // namespace ferry::runtime
