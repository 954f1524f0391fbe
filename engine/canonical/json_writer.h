// Serializes a canonical Message to its "ferry.canonical/v1" JSON form.
//
// The output is one compact line (NDJSON-ready), "schema" first, members in the fixed order of
// json_schema.h, and empty strings, empty arrays, unset optionals and empty objects left out.
// It is written straight into a reused buffer, without a DOM or RapidJSON's Writer, because the
// engine writes this for every message it stores and exports (numbers still go through
// RapidJSON's conversions).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "engine/canonical/message.h"

namespace ferry::canonical {

// The bytes being written: grows, never shrinks, and is written through a pointer (room() then
// advanceTo()), so appending a run costs one capacity check, not one a byte.
class JsonBuffer {
 public:
  void clear() { size_ = 0; }
  std::size_t size() const { return size_; }
  void truncate(std::size_t size) { size_ = size; }  // to a smaller size, taken from size()
  std::string_view view() const { return {data_.get(), size_}; }
  // Where `bytes` more may be written.
  char* room(std::size_t bytes) {
    if (capacity_ - size_ < bytes) grow(bytes);
    return data_.get() + size_;
  }
  // Marks everything before `end` (a pointer into the room) as written.
  void advanceTo(const char* end) { size_ = static_cast<std::size_t>(end - data_.get()); }
  void put(char c) { *room(1) = c; ++size_; }
  // The byte written last, '\0' when none.
  char last() const { return size_ == 0 ? '\0' : data_[size_ - 1]; }

 private:
  void grow(std::size_t bytes);

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

// Writes many messages with one reusable output buffer (no allocation once it has grown).
// Not thread-safe: give each thread its own JsonWriter.
class JsonWriter {
 public:
  // The JSON of message; the view stays valid until the next write() or the writer's end.
  std::string_view write(const Message& message);

 private:
  JsonBuffer buffer_;
};

// The JSON of message as a new string (convenience over JsonWriter).
std::string toJson(const Message& message);

}  // namespace ferry::canonical
