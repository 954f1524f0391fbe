#include "engine/canonical/json_writer.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <rapidjson/internal/dtoa.h>
#include <rapidjson/internal/itoa.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "engine/canonical/json_schema.h"

namespace ferry::canonical {
namespace {

// NaN and infinities have no JSON form, so they are left out like an unset optional.
bool written(const std::optional<double>& d) {
  return d.has_value() && std::isfinite(*d);
}

// Characters JSON requires escaped, with the letter after the backslash ('u' for \u00XX): the
// same set RapidJSON's Writer escapes (", \ and control characters), so the output is unchanged
// from when the Writer wrote it.
constexpr std::array<char, 256> kEscapes = [] {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['\b'] = 'b';
  table['\t'] = 't';
  table['\n'] = 'n';
  table['\f'] = 'f';
  table['\r'] = 'r';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}();

// memcpy for the short runs most members are (codes, units, member names): fixed-size copies
// the compiler turns into moves, where a call to memcpy costs more than the bytes it copies.
inline void copyShort(char* to, const char* from, std::size_t n) {
  if (n > 16) {
    std::memcpy(to, from, n);
  } else if (n >= 8) {  // two 8-byte copies that overlap in the middle
    std::memcpy(to, from, 8);
    std::memcpy(to + n - 8, from + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(to, from, 4);
    std::memcpy(to + n - 4, from + n - 4, 4);
  } else {
    for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
  }
}

// Where the run of characters that need no escape, starting at `from`, ends.
std::size_t plainRunEnd(std::string_view s, std::size_t from) {
  std::size_t i = from;
#ifdef __SSE2__
  // Sixteen bytes a step: a byte needs an escape when it is below 0x20 (min(b, 0x1F) == b),
  // a quote or a backslash.
  const __m128i control_max = _mm_set1_epi8(0x1F);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(bytes, control_max), bytes);
    const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash));
    const int hits = _mm_movemask_epi8(_mm_or_si128(control, special));
    if (hits != 0) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(hits)));
  }
#endif
  while (i < s.size() && kEscapes[static_cast<unsigned char>(s[i])] == 0) ++i;
  return i;
}

// Visitor that writes each non-empty member. Commas come from the byte written last: a value,
// a key or an element follows a separator unless it opens its object or array.
class MemberWriter {
 public:
  explicit MemberWriter(JsonBuffer& out) : out_(out) {}

  void field(Key k, const std::string& s) {
    if (s.empty()) return;
    key(k);
    string(s);
  }

  void field(Key k, const CodeSystem& s) { field(k, s.str()); }

  void field(Key k, const DateTime& d) {
    if (d.empty()) return;
    key(k);
    string(d.view());
  }

  void field(Key k, const std::vector<std::string>& values) {
    if (values.empty()) return;
    key(k);
    out_.put('[');
    for (const std::string& s : values) {
      separate();
      string(s);
    }
    out_.put(']');
  }

  void field(Key k, const std::optional<double>& d) {
    if (!written(d)) return;
    key(k);
    // RapidJSON's own conversion, as its Writer::Double used: the shortest form that reads back
    // as the same double.
    char* p = out_.room(32);
    out_.advanceTo(rapidjson::internal::dtoa(*d, p));
  }

  void field(Key k, const std::optional<std::uint32_t>& n) {
    if (!n) return;
    key(k);
    char* p = out_.room(10);
    out_.advanceTo(rapidjson::internal::u32toa(*n, p));
  }

  // Elements are written even when empty ({}), since other members refer to them by index.
  template <class T>
  void field(Key k, const std::vector<T>& objects) {
    if (objects.empty()) return;
    key(k);
    out_.put('[');
    for (const T& object : objects) {
      separate();
      writeObject(object);
    }
    out_.put(']');
  }

  // A boxed member is written as what it holds; an empty box reads as an empty T.
  template <class T>
  void field(Key k, const Boxed<T>& box) {
    field(k, *box);
  }

  // An object with no member to write is left out: written, then taken back when it stayed
  // "{" (cheaper than asking every object first whether it is empty).
  template <class T>
  void field(Key k, const T& object) {
    const std::size_t before = out_.size();
    key(k);
    out_.put('{');
    jsonFields(*this, object);
    if (out_.last() == '{') {
      out_.truncate(before);
      return;
    }
    out_.put('}');
  }

  template <class T>
  void writeObject(const T& object) {
    out_.put('{');
    jsonFields(*this, object);
    out_.put('}');
  }

  // "name": with its separator. Member names are schema literals, known to need no escaping.
  void key(Key k) {
    separate();
    char* p = out_.room(k.size + 3);
    *p++ = '"';
    copyShort(p, k.data, k.size);
    p += k.size;
    *p++ = '"';
    *p++ = ':';
    out_.advanceTo(p);
  }

  // A quoted, escaped string: runs of plain characters are copied whole.
  void string(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    char* p = out_.room(s.size() * 6 + 2);  // worst case: every byte as \u00XX
    *p++ = '"';
    std::size_t i = 0;
    for (;;) {
      const std::size_t plain = plainRunEnd(s, i);
      copyShort(p, s.data() + i, plain - i);
      p += plain - i;
      if (plain == s.size()) break;
      const auto c = static_cast<unsigned char>(s[plain]);
      *p++ = '\\';
      *p++ = kEscapes[c];
      if (kEscapes[c] == 'u') {
        *p++ = '0';
        *p++ = '0';
        *p++ = kHex[c >> 4];
        *p++ = kHex[c & 0xF];
      }
      i = plain + 1;
    }
    *p++ = '"';
    out_.advanceTo(p);
  }

 private:
  void separate() {
    const char last = out_.last();
    if (last != '{' && last != '[' && last != '\0') out_.put(',');
  }

  JsonBuffer& out_;
};

}  // namespace

void JsonBuffer::grow(std::size_t bytes) {
  const std::size_t capacity = std::max(capacity_ * 2, size_ + bytes + 4096);
  auto grown = std::make_unique<char[]>(capacity);
  if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
  data_ = std::move(grown);
  capacity_ = capacity;
}

std::string_view JsonWriter::write(const Message& message) {
  buffer_.clear();
  MemberWriter members(buffer_);
  buffer_.put('{');
  members.key("schema");
  members.string(kJsonSchema);
  jsonFields(members, message);
  buffer_.put('}');
  return buffer_.view();
}

std::string toJson(const Message& message) {
  // One writer a thread: its buffer has grown to a message's size after the first one.
  thread_local JsonWriter writer;
  return std::string(writer.write(message));
}

}  // namespace ferry::canonical
