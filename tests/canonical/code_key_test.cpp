// Specification of CodeKey (parsers/terminology/code_key.h): a short code as one word and its
// length, read without touching a byte past the code.
#include "parsers/terminology/code_key.h"

#include <gtest/gtest.h>

#include <cstring>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace ferry::terminology {
namespace {

// The key as a byte-by-byte read would build it.
std::uint64_t bytewiseWord(std::string_view code) {
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < code.size() && i < 8; ++i) {
    word |= static_cast<std::uint64_t>(static_cast<unsigned char>(code[i])) << (8 * i);
  }
  return word;
}

// codeKey() of a copy of code in a heap block of exactly its size: a read past the code fails
// under AddressSanitizer.
CodeKey keyOfExactCopy(std::string_view code) {
  const auto bytes = std::make_unique<char[]>(code.size());
  std::memcpy(bytes.get(), code.data(), code.size());
  return codeKey(std::string_view(bytes.get(), code.size()));
}

TEST(CodeKey, HoldsTheFirstEightBytesInOrderAtEveryLength) {
  const std::string text = "ABCDEFGHIJKL";
  for (std::size_t n = 0; n <= text.size(); ++n) {
    const std::string_view code(text.data(), n);
    const CodeKey key = keyOfExactCopy(code);
    EXPECT_EQ(key.word, bytewiseWord(code)) << "length " << n;
    EXPECT_EQ(key.size, n);
    EXPECT_EQ(key.wholeCode(), n <= 8);
  }
}

// The concept map's index is built by the compiler from the keys codeKey() makes there: they
// must be the keys it makes when the program runs.
constexpr CodeKey kKeysAtCompileTime[] = {codeKey(""), codeKey("F"), codeKey("LN"), codeKey("PRN"),
                                          codeKey("UCUM"), codeKey("HL700"), codeKey("99LAB1"),
                                          codeKey("HL70078"), codeKey("Internet"),
                                          codeKey("Internet+")};

TEST(CodeKey, AKeyMadeAtCompileTimeEqualsOneMadeWhenTheProgramRuns) {
  const std::string_view codes[] = {"", "F", "LN", "PRN", "UCUM", "HL700", "99LAB1", "HL70078",
                                    "Internet", "Internet+"};
  for (std::size_t i = 0; i < std::size(codes); ++i) {
    EXPECT_EQ(kKeysAtCompileTime[i], keyOfExactCopy(codes[i])) << codes[i];
  }
}

TEST(CodeKey, TellsApartCodesThatDifferInAnyByteUpToEight) {
  std::set<std::pair<std::uint64_t, std::size_t>> keys;
  std::size_t codes = 0;
  for (std::size_t n = 1; n <= 8; ++n) {
    for (std::size_t at = 0; at < n; ++at) {
      for (const char c : {'A', 'B', '\0', '\xFF'}) {
        std::string code(n, 'A');
        code[at] = c;
        const CodeKey key = keyOfExactCopy(code);
        if (keys.insert({key.word, key.size}).second) ++codes;
        EXPECT_EQ(key.word, bytewiseWord(code));
      }
    }
  }
  // Every distinct code gave a distinct key (the all-'A' code repeats once per position).
  std::set<std::string> distinct;
  for (std::size_t n = 1; n <= 8; ++n) {
    for (std::size_t at = 0; at < n; ++at) {
      for (const char c : {'A', 'B', '\0', '\xFF'}) {
        std::string code(n, 'A');
        code[at] = c;
        distinct.insert(code);
      }
    }
  }
  EXPECT_EQ(codes, distinct.size());
}

TEST(CodeKey, CodesOfDifferentLengthDifferEvenWhenTheWordIsTheSame) {
  // "A" and "A\0" pack to the same word; the length keeps them apart.
  const CodeKey one = codeKey(std::string_view("A", 1));
  const CodeKey two = codeKey(std::string_view("A\0", 2));
  EXPECT_EQ(one.word, two.word);
  EXPECT_FALSE(one == two);
}

TEST(CodeKey, LongerCodesShareTheKeyOfTheirFirstEightBytes) {
  const CodeKey a = codeKey("ABCDEFGH-one");
  const CodeKey b = codeKey("ABCDEFGH-two");
  EXPECT_TRUE(a == b);
  EXPECT_FALSE(a.wholeCode());
}

}  // namespace
}  // namespace ferry::terminology
