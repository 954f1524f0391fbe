#include "engine/runtime/file_destination.h"

namespace ferry::runtime {

namespace {

file::Writer::Config writerConfig(const DestinationConfig& d, const std::string& channel) {
  file::Writer::Config c;
  c.folder = d.folder;
  c.filename_template = d.filename;
  c.extension = d.extension;
  c.channel = channel;
  return c;
}

}  // namespace

FileDestination::FileDestination(const DestinationConfig& config, const std::string& channel)
    : writer_(writerConfig(config, channel)) {}

DeliveryOutcome FileDestination::deliver(std::int64_t delivery_id, const std::string& payload) {
  DeliveryOutcome outcome;
  try {
    outcome.response = writer_.write(payload, std::to_string(delivery_id));
    outcome.kind = DeliveryOutcome::Kind::Delivered;
  } catch (const std::exception& e) {
    outcome.kind = DeliveryOutcome::Kind::Retry;  // a full disk or a permission may be fixed
    outcome.error = e.what();
  }
  return outcome;
}

}  // namespace ferry::runtime
