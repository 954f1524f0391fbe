#pragma once
// Where deliveries go. The delivery worker knows only this interface; each transport (MLLP,
// HTTP, file) is a Destination made by a factory registered under its type name, so a new
// destination type is a new class and one registration, with no change to the pipeline.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "engine/runtime/config.h"

namespace ferry::runtime {

struct DeliveryOutcome {
  enum class Kind { Delivered, Retry, Fail };
  Kind kind = Kind::Retry;
  std::string error;                    // why, for Retry and Fail (no patient data)
  std::optional<std::string> response;  // the peer's answer (e.g. its ACK bytes)
};

class Destination {
 public:
  virtual ~Destination() = default;
  // Sends one payload. Called from a single delivery thread, so implementations may keep a
  // connection open between calls. Must not throw.
  virtual DeliveryOutcome deliver(std::int64_t delivery_id, const std::string& payload) = 0;
};

using LogLine = std::function<void(std::string_view json_line)>;
using DestinationFactory = std::function<std::unique_ptr<Destination>(
    const DestinationConfig& config, const std::string& channel, const LogLine& log)>;

class DestinationRegistry {
 public:
  // The registry with Ferry's built-in types (mllp, and those compiled in).
  static DestinationRegistry withBuiltins();

  void add(const std::string& type, DestinationFactory factory);
  // Null when the type is unknown (configuration validation rejects that before start).
  std::unique_ptr<Destination> make(const DestinationConfig& config, const std::string& channel,
                                    const LogLine& log) const;

 private:
  std::map<std::string, DestinationFactory> factories_;
};

}  // namespace ferry::runtime
