// A date, date/time or instant of the model as ISO 8601 text (FHIR date / dateTime / instant; v2
// DT, DTM, TS), e.g. "2026-11-20T08:30:15-05:00".
//
// Every result carries several of them, and nearly all are longer than std::string's 15-byte
// small buffer: as std::strings they were a malloc and a free each, a quarter of the allocations
// of normalizing a lab message. A DateTime keeps up to kInlineCapacity characters in itself
// instead, enough for the longest form the v2 reader writes ("YYYY-MM-DDThh:mm:ss.ffff+hh:mm",
// 30 characters). Longer text (a FHIR instant with nanoseconds, whatever a mapping or a JSON
// document puts there) is kept whole in a std::string on the heap: never truncated, only slower.
// It is the size of a std::string, so the model's structs keep their size.
//
// To its users it is a read-only string like CodeSystem: it converts to std::string_view, compares
// with text, and is assigned from text.
#pragma once

#include <cstddef>
#include <cstring>
#include <ostream>
#include <string>
#include <string_view>

namespace ferry::canonical {

class DateTime {
 public:
  // Room for "YYYY-MM-DDThh:mm:ss.ffff+hh:mm" (30 characters), the longest text
  // terminology::appendHl7DateTimeAsIso writes, in what is left of a std::string's size.
  static constexpr std::size_t kInlineCapacity = 31;

  DateTime() = default;
  // Implicit, like the std::string each member was before.
  DateTime(std::string_view text) { assign(text); }                      // NOLINT
  DateTime(const char* text) { assign(std::string_view(text)); }         // NOLINT
  DateTime(const std::string& text) { assign(std::string_view(text)); }  // NOLINT
  DateTime(const DateTime& other) {
    if (other.onHeap()) {
      assign(other.view());
    } else {
      copyInline(other);
    }
  }
  DateTime(DateTime&& other) noexcept {
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    size_ = other.size_;
    other.size_ = 0;  // a heap text now belongs to this one
  }
  ~DateTime() { release(); }

  DateTime& operator=(const DateTime& other) {
    if (this == &other) return *this;
    if (other.onHeap() || onHeap()) return assign(other.view());
    copyInline(other);
    return *this;
  }
  DateTime& operator=(DateTime&& other) noexcept {
    if (this != &other) {
      release();
      std::memcpy(bytes_, other.bytes_, sizeof bytes_);
      size_ = other.size_;
      other.size_ = 0;
    }
    return *this;
  }
  DateTime& operator=(std::string_view text) { return assign(text); }
  DateTime& operator=(const char* text) { return assign(std::string_view(text)); }
  DateTime& operator=(const std::string& text) { return assign(std::string_view(text)); }

  // Copies text: inline when it fits, else into a heap string of its own.
  DateTime& assign(std::string_view text);
  void clear() {
    release();
    size_ = 0;
  }

  std::string_view view() const {
    return onHeap() ? std::string_view(*heap()) : std::string_view(bytes_, size_);
  }
  operator std::string_view() const { return view(); }  // NOLINT: implicit by design
  // A copy as a std::string, for APIs that need one.
  std::string str() const { return std::string(view()); }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return view().size(); }
  const char* data() const { return view().data(); }
  // True when the text was too long to be kept inline (for tests and measurements).
  bool onHeap() const { return size_ == kOnHeap; }

  friend bool operator==(const DateTime& a, const DateTime& b) { return a.view() == b.view(); }
  friend bool operator==(const DateTime& a, std::string_view b) { return a.view() == b; }
  friend bool operator==(const DateTime& a, const std::string& b) { return a.view() == b; }
  friend bool operator==(const DateTime& a, const char* b) { return a.view() == b; }

  friend std::ostream& operator<<(std::ostream& out, const DateTime& d) { return out << d.view(); }

 private:
  // size_ for a text kept on the heap; any smaller value is the length of an inline text.
  static constexpr unsigned char kOnHeap = 0xFF;
  static_assert(kInlineCapacity < kOnHeap);

  // The heap string's pointer is kept in bytes_ (copied in and out with memcpy, so the array
  // stays the only object there).
  std::string* heap() const {
    std::string* text = nullptr;
    std::memcpy(&text, bytes_, sizeof text);
    return text;
  }
  void release() {
    if (onHeap()) delete heap();
  }
  // Copies an inline text whole, a fixed-size copy instead of a call to memmove: readers copy
  // the same date into every result of a report. Neither side may be on the heap.
  void copyInline(const DateTime& other) {
    std::memcpy(bytes_, other.bytes_, sizeof bytes_);
    size_ = other.size_;
  }

  alignas(std::string*) char bytes_[kInlineCapacity] = {};
  unsigned char size_ = 0;
};

static_assert(sizeof(DateTime) == sizeof(std::string), "a DateTime takes the place of a std::string");

}  // namespace ferry::canonical
