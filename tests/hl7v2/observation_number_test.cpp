// OBX-5 of type NM (and the bounds of OBX-7) read as numbers: the usual lab shapes take paths of
// their own (numeric.cpp: readNumeric's one pass, readPlainDecimal), which must give exactly the
// double that std::from_chars gives for the same text, and leave every other shape to it.
#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <utility>

#include "parsers/hl7v2/normalizer.h"

using namespace ferry;

namespace observation_number_test {

// The one result the normalizer reads from an NM OBX of this value and reference range, in a
// message whose MSH-2 is msh2 and MSH-12 version.
std::optional<canonical::Observation> resultOf(const std::string& value, const std::string& range,
                                               const std::string& msh2 = "^~\\&",
                                               const std::string& version = "2.5.1") {
  const std::string bytes =
      "MSH|" + msh2 + "|LAB|F|APP|F|20260101||ORU^R01^ORU_R01|1|P|" + version + "\r"
      "PID|1||1^^^F^MR||Doe^Jane\r"
      "OBR|1|P1|F1|2345-7^Glucose^LN\r"
      "OBX|1|NM|2345-7^Glucose^LN||" + value + "|mg/dL^^UCUM|" + range + "|N|||F\r";
  auto message = hl7v2::Message::parse(bytes);
  if (!message) {
    ADD_FAILURE() << message.error().describe();
    return std::nullopt;
  }
  const hl7v2::Normalized n = hl7v2::normalize(*message);
  if (n.message.observations.size() != 1) {
    ADD_FAILURE() << "no result for '" << value << "' and '" << range << "'";
    return std::nullopt;
  }
  return n.message.observations[0];
}

}  // namespace observation_number_test

namespace {

// The number the normalizer reads for an NM result of this text.
std::optional<double> numberOf(const std::string& text) {
  const std::optional<canonical::Observation> result =
      observation_number_test::resultOf(text, "70-99");
  return result ? result->value.number : std::nullopt;
}

// What the normalizer answered before it had a path of its own: spaces trimmed, one '+' dropped,
// then std::from_chars over the whole rest.
std::optional<double> fromChars(std::string text) {
  while (!text.empty() && text.front() == ' ') text.erase(0, 1);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  if (!text.empty() && text.front() == '+') text.erase(0, 1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// The same answer bit for bit (so -0 is not 0, and a NaN read equals a NaN expected).
void expectSameNumber(const std::optional<double>& read, const std::optional<double>& expected,
                      const std::string& text) {
  ASSERT_EQ(read.has_value(), expected.has_value()) << "'" << text << "'";
  if (expected) {
    EXPECT_EQ(std::bit_cast<std::uint64_t>(*read), std::bit_cast<std::uint64_t>(*expected))
        << "'" << text << "': " << *read << " vs " << *expected;
  }
}

}  // namespace

TEST(ObservationNumber, EveryShapeReadsAsFromCharsReadsIt) {
  for (const std::string text :
       {"0", "5", "-3", "+4.25", " 7 ", "1.24", "0.60", "-0.0", "107", "12345678901234.5",
        "123456789012345", "1234567890123456", "0.000000000000001", "1.5e3", ".5", "5.", "-",
        "1.2.3", "--1", "1,5", "inf", "nan", "0x10", "1-", "- 1", "00012.50", "999999999999999",
        "99999999999999.9", "9.99999999999999", "1.00000000000001", "0.1", "1e5", "1 ", "+1.5",
        "12.", "1..2", "1.-2", "\xd9\xa3"}) {
    expectSameNumber(numberOf(text), fromChars(text), text);
  }
}

TEST(ObservationNumber, RandomDecimalsReadBitForBitAsFromChars) {
  std::mt19937_64 random(20261127);
  for (int i = 0; i < 2000; ++i) {
    const int digits = 1 + static_cast<int>(random() % 16);
    const int point = static_cast<int>(random() % static_cast<unsigned>(digits + 1));
    std::string text = random() % 4 == 0 ? "-" : "";
    for (int d = 0; d < digits; ++d) {
      if (d == point && d > 0) text += '.';
      text += static_cast<char>('0' + random() % 10);
    }
    expectSameNumber(numberOf(text), fromChars(text), text);
  }
}

namespace observation_range {

// The bounds the normalizer reads from an OBX-7 range of this text.
std::pair<std::optional<double>, std::optional<double>> boundsOf(const std::string& text) {
  const std::optional<canonical::Observation> result = observation_number_test::resultOf("5", text);
  if (!result) return {};
  EXPECT_EQ(result->reference_range.text, text);
  return {result->reference_range.low, result->reference_range.high};
}

// What a range "low-high" means: the text before and after the first dash after the first
// character, each read as fromChars reads it; no bounds unless both sides are numbers.
std::pair<std::optional<double>, std::optional<double>> expectedBounds(const std::string& text) {
  const std::size_t dash = text.find('-', 1);
  if (dash == std::string::npos) return {};
  const std::optional<double> low = fromChars(text.substr(0, dash));
  const std::optional<double> high = fromChars(text.substr(dash + 1));
  if (!low || !high) return {};
  return {low, high};
}

void expectSameBounds(const std::string& text) {
  const auto read = boundsOf(text);
  const auto expected = expectedBounds(text);
  expectSameNumber(read.first, expected.first, text + " (low)");
  expectSameNumber(read.second, expected.second, text + " (high)");
}

// A decimal of 1 to 18 digits, with a point somewhere or none, and a sign now and then.
std::string randomDecimal(std::mt19937_64& random) {
  const int digits = 1 + static_cast<int>(random() % 18);
  const int point = static_cast<int>(random() % static_cast<unsigned>(digits + 2));
  std::string text = random() % 6 == 0 ? "-" : "";
  for (int d = 0; d < digits; ++d) {
    if (d == point) text += '.';
    text += static_cast<char>('0' + random() % 10);
  }
  if (point == digits) text += '.';
  return text;
}

}  // namespace observation_range

// The low bound is read in the pass that finds the dash (numeric.cpp, readLowBound): every
// shape of it must give what reading the text before the dash on its own gives.
TEST(ObservationNumber, RangeBoundsReadAsTheTextsAroundTheFirstDash) {
  using namespace observation_range;
  for (const std::string text :
       {"70-99", "0.60-1.30", "5.-7", ".5-1", "-5-5", "-5--1", "1.2.3-4", "12345678901234567-5",
        "123456789012345-1", "1234567890123456-1", "12345678901234.5-1", "1234567890123.45-1",
        "1-", "-", "--", "1--2", "1.5e3-2", " 1-2", "1 -2", "+1-2", "0-0", "00.10-1", "1.-",
        "5", "5.5", "negative", "1-2-3", "9.99999999999999-10", "0.000000000000001-1"}) {
    expectSameBounds(text);
  }
  std::mt19937_64 random(20261128);
  for (int i = 0; i < 1000; ++i) {
    expectSameBounds(randomDecimal(random) + "-" + randomDecimal(random));
  }
}

// A plain number that fills OBX-5 is read in one pass over the field (order_segments.cpp,
// readNumberValue); a field of repetitions, or one whose repetition separator is the point, is
// cut at its first repetition first, and an escape character that is the point escapes nothing.
TEST(ObservationNumber, AValueIsItsFieldsFirstRepetition) {
  using observation_number_test::resultOf;
  struct Case {
    std::string value, msh2, decimal;
    std::optional<double> number;
  };
  for (const Case& c : {Case{"1.24", "^~\\&", "1.24", 1.24}, Case{"1.24~5", "^~\\&", "1.24", 1.24},
                        Case{"~5", "^~\\&", "", std::nullopt}, Case{"1.24", "^.\\&", "1", 1.0},
                        Case{"107.5.", "^.\\&", "107", 107.0}, Case{"1.24", "^~.&", "1.24", 1.24},
                        Case{"107", "^~.&", "107", 107.0}}) {
    // With the point as repetition separator, the version is written with escapes.
    const std::string version = c.msh2 == "^.\\&" ? "2\\R\\5\\R\\1" : "2.5.1";
    const std::optional<canonical::Observation> result =
        resultOf(c.value, "70-99", c.msh2, version);
    ASSERT_TRUE(result) << c.value << " " << c.msh2;
    EXPECT_EQ(result->value.decimal, c.decimal) << c.value << " " << c.msh2;
    EXPECT_EQ(result->value.number, c.number) << c.value << " " << c.msh2;
  }
}
