#include "mappings/environment.h"

#include <atomic>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include <openssl/rand.h>

#include "mappings/date_time.h"

namespace ferry::mappings {

namespace {

// Version-4 UUID text from 16 bytes.
std::string uuidText(unsigned char b[16]) {
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

Environment Environment::system() {
  Environment env;
  env.now = [] { return std::chrono::system_clock::now(); };
  env.uuid = [] {
    unsigned char b[16] = {};
    if (RAND_bytes(b, sizeof b) != 1) return std::string();
    return uuidText(b);
  };
  return env;
}

Environment Environment::fixed(std::string iso_now, std::uint64_t uuid_seed) {
  const auto dt = parseIsoDateTime(iso_now);
  if (!dt || dt->precision < DateTime::Second || !dt->has_offset) {
    throw std::invalid_argument("Environment::fixed: '" + iso_now +
                                "' is not an ISO 8601 date-time with seconds and a zone");
  }
  const auto at = toTimePoint(*dt);
  Environment env;
  env.now = [at] { return at; };
  auto counter = std::make_shared<std::atomic<std::uint64_t>>(0);
  env.uuid = [counter, uuid_seed] {
    const std::uint64_t n = counter->fetch_add(1);
    const std::uint64_t hi = splitmix64(uuid_seed ^ (2 * n));
    const std::uint64_t lo = splitmix64(uuid_seed ^ (2 * n + 1));
    unsigned char b[16];
    for (int i = 0; i < 8; ++i) {
      b[i] = static_cast<unsigned char>(hi >> (56 - 8 * i));
      b[8 + i] = static_cast<unsigned char>(lo >> (56 - 8 * i));
    }
    return uuidText(b);
  };
  return env;
}

}  // namespace ferry::mappings
