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

#include "parsers/hl7v2/normalizer.h"

using namespace ferry;

namespace {

// The number the normalizer reads for an NM result of this text.
std::optional<double> numberOf(const std::string& text) {
  const std::string bytes =
      "MSH|^~\\&|LAB|F|APP|F|20260101||ORU^R01^ORU_R01|1|P|2.5.1\r"
      "PID|1||1^^^F^MR||Doe^Jane\r"
      "OBR|1|P1|F1|2345-7^Glucose^LN\r"
      "OBX|1|NM|2345-7^Glucose^LN||" + text + "|mg/dL^^UCUM|70-99|N|||F\r";
  auto message = hl7v2::Message::parse(bytes);
  if (!message) {
    ADD_FAILURE() << message.error().describe();
    return std::nullopt;
  }
  const hl7v2::Normalized n = hl7v2::normalize(*message);
  if (n.message.observations.size() != 1) {
    ADD_FAILURE() << "no result for '" << text << "'";
    return std::nullopt;
  }
  return n.message.observations[0].value.number;
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
