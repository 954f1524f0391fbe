#pragma once
// Poco's sockets and servers take their timeouts as Poco::Timespan (microseconds); Ferry's
// configuration holds std::chrono durations.

#include <chrono>

#include <Poco/Timespan.h>

namespace ferry::channels {

inline Poco::Timespan toTimespan(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

}  // namespace ferry::channels
