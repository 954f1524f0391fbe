#pragma once
// A short code (a table value such as "F", "LN", "UCUM", "HL70078") as two integers: its first
// eight bytes as one word and its length. Concept-map look-ups happen several times a result
// segment; hashing and comparing one word costs a multiply and a compare instead of a loop over
// the characters. Nearly every v2 table value has eight bytes or fewer; for a longer one the key
// only narrows the search and the whole text still has to be compared.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace ferry::terminology {

struct CodeKey {
  std::uint64_t word = 0;  // the first min(size, 8) bytes, byte i at bits 8i..8i+7
  std::size_t size = 0;

  bool operator==(const CodeKey&) const = default;
  // The key alone decides equality of the codes: no byte of the code is left out of word.
  bool wholeCode() const { return size <= 8; }
};

// The overlapping loads below put byte i at bits 8i only on a little-endian machine.
static_assert(std::endian::native == std::endian::little, "CodeKey reads codes little-endian");

// The key of code, read without touching a byte past its end: 4 to 7 bytes as two overlapping
// 4-byte loads, 1 to 3 bytes as their first, middle and last byte (an overlap ORs a byte onto
// itself, so the word is the same as a byte-by-byte read, which is how a constant's key is
// made at compile time).
constexpr CodeKey codeKey(std::string_view code) {
  const char* p = code.data();
  const std::size_t n = code.size();
  CodeKey key;
  key.size = n;
  if (std::is_constant_evaluated()) {
    for (std::size_t i = 0; i < n && i < 8; ++i) {
      key.word |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    }
    return key;
  }
  if (n >= 8) {
    std::memcpy(&key.word, p, 8);
  } else if (n >= 4) {
    std::uint32_t low = 0;
    std::uint32_t high = 0;
    std::memcpy(&low, p, 4);
    std::memcpy(&high, p + n - 4, 4);
    key.word = low | (static_cast<std::uint64_t>(high) << (8 * (n - 4)));
  } else if (n > 0) {
    const auto byte = [p](std::size_t i) {
      return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    };
    key.word = byte(0) | byte(n / 2) | byte(n - 1);
  }
  return key;
}

}  // namespace ferry::terminology
