#include "engine/store/store.h"

#include <array>

namespace ferry::store {

namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> parse(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

// Index = enumerator value; the texts are what the database stores.
constexpr std::array<std::string_view, 2> kDirections = {"inbound", "outbound"};
constexpr std::array<std::string_view, 4> kMessageStatuses = {"received", "processed", "errored",
                                                              "filtered"};
constexpr std::array<std::string_view, 5> kDeliveryStatuses = {"pending", "in_flight", "delivered",
                                                               "failed", "dead"};

}  // namespace

std::string_view toString(Direction direction) {
  return kDirections[static_cast<std::size_t>(direction)];
}

std::string_view toString(MessageStatus status) {
  return kMessageStatuses[static_cast<std::size_t>(status)];
}

std::string_view toString(DeliveryStatus status) {
  return kDeliveryStatuses[static_cast<std::size_t>(status)];
}

std::optional<Direction> parseDirection(std::string_view text) {
  return parse<Direction>(kDirections, text);
}

std::optional<MessageStatus> parseMessageStatus(std::string_view text) {
  return parse<MessageStatus>(kMessageStatuses, text);
}

std::optional<DeliveryStatus> parseDeliveryStatus(std::string_view text) {
  return parse<DeliveryStatus>(kDeliveryStatuses, text);
}

}  // namespace ferry::store
