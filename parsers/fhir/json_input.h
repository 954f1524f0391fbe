// Reading values of a RapidJSON DOM that Ferry parsed in situ with numbers kept as text.
//
// The reader parses FHIR JSON in place in the buffer it owns (no second copy) and asks RapidJSON
// for numbers as text, so "8.10" keeps its digits. In such a DOM a number is a string value that
// points at its digits inside the buffer; a real string points just past its opening quote. This
// class tells the two apart and gives every value's text. For a DOM parsed the ordinary way
// (numbers as numbers), default-construct it.
#pragma once

#include <rapidjson/document.h>

#include <cstring>
#include <string>
#include <string_view>

namespace ferry::fhir {

using JsonValue = rapidjson::Value;

// How deep arrays and objects may nest in a document Ferry reads. RapidJSON's parser and the
// validator recurse once a level, so without a bound a small hostile body (a megabyte of '[')
// exhausts the stack; real FHIR resources nest a few dozen levels at most.
inline constexpr int kMaxJsonDepth = 128;

// Whether decoded JSON text holds a UTF-16 surrogate encoded on its own (0xED 0xA0-0xBF), which
// is not UTF-8. RapidJSON validates the raw bytes, but decodes the escape of a lone low
// surrogate ("\uDC00") to exactly that. One memchr a string: 0xED is rare in real text.
inline bool hasEncodedSurrogate(const char* text, std::size_t size) {
  const char* const end = text + size;
  const char* p = text;
  while ((p = static_cast<const char*>(std::memchr(p, '\xED', static_cast<std::size_t>(end - p)))) != nullptr) {
    if (p + 1 < end && static_cast<unsigned char>(p[1]) >= 0xA0) return true;
    ++p;
  }
  return false;
}

// RapidJSON's UTF-8 validation takes the continuation bytes of a multi-byte sequence without
// looking for the end of the buffer: in situ, a sequence cut off by the end of the input read up
// to two bytes past the terminating NUL (found by fuzzing). Before parsing, a buffer whose last
// bytes start such a sequence gets this many NUL bytes more (past its size, so offsets do not
// change); they fail the sequence as any other wrong byte would. Other input pays nothing.
inline constexpr std::size_t kUtf8TailPadding = 3;
inline bool endsInsideUtf8Sequence(std::string_view text) {
  for (std::size_t back = 1; back <= 3 && back <= text.size(); ++back) {
    const auto lead = static_cast<unsigned char>(text[text.size() - back]);
    if (lead < 0xC0) continue;  // ASCII or a continuation byte: look further back
    const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    return length > back;
  }
  return false;
}

// Calls f(element, index) for each element of `array`; nothing when it is absent or not an array.
template <typename F>
void forEachElement(const JsonValue* array, F f) {
  if (array == nullptr || !array->IsArray()) return;
  for (rapidjson::SizeType i = 0; i < array->Size(); ++i) f((*array)[i], i);
}

class JsonInput {
 public:
  JsonInput() = default;
  // The buffer the DOM was parsed from in situ.
  JsonInput(const char* begin, const char* end) : begin_(begin), end_(end) {}

  bool isNumber(const JsonValue& v) const { return v.IsNumber() || isRawNumber(v); }
  bool isString(const JsonValue& v) const { return v.IsString() && !isRawNumber(v); }
  // A string's value; empty for other kinds.
  std::string_view stringValue(const JsonValue& v) const {
    return isString(v) ? std::string_view(v.GetString(), v.GetStringLength()) : std::string_view();
  }
  // A number's JSON text as written ("8.10"); empty for other kinds.
  std::string numberText(const JsonValue& v) const;

  // Compact JSON of a value, numbers as written.
  std::string json(const JsonValue& v) const;
  void appendJson(const JsonValue& v, std::string& out) const;

  // "object", "array", "string", "number", "boolean" or "null", for error messages.
  std::string_view kindName(const JsonValue& v) const;

 private:
  bool isRawNumber(const JsonValue& v) const {
    if (!v.IsString() || begin_ == nullptr) return false;
    const char* p = v.GetString();
    return p > begin_ && p < end_ && p[-1] != '"';
  }

  const char* begin_ = nullptr;
  const char* end_ = nullptr;
};

// The member called key of an object value; nullptr when v is not an object or has no such member.
const JsonValue* member(const JsonValue& v, std::string_view key);

std::string_view keyOf(const JsonValue::ConstMemberIterator& it);

}  // namespace ferry::fhir
