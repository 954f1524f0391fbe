#pragma once
// Delivers over HTTP(S) POST: 2xx is delivered, 4xx (but 408/429) a permanent failure, 5xx,
// 408, 429 and timeouts are retried.

#include "channels/http/sender.h"
#include "engine/runtime/destination.h"

namespace ferry::runtime {

class HttpDestination : public Destination {
 public:
  explicit HttpDestination(const DestinationConfig& config);
  DeliveryOutcome deliver(std::int64_t delivery_id, const std::string& payload) override;

 private:
  std::string content_type_;
  http::Sender sender_;
};

}  // namespace ferry::runtime
