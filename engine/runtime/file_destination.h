#pragma once
// Writes each delivery to its own file in a folder, atomically (temp file, fsync, rename), so a
// reader of the folder never sees half a message.

#include "channels/file/writer.h"
#include "engine/runtime/destination.h"

namespace ferry::runtime {

class FileDestination : public Destination {
 public:
  FileDestination(const DestinationConfig& config, const std::string& channel);
  DeliveryOutcome deliver(std::int64_t delivery_id, const std::string& payload) override;

 private:
  file::Writer writer_;
};

}  // namespace ferry::runtime
