// Specification of HL7 v2 <-> ISO 8601 date/time conversion (parsers/terminology/datetime.h).
#include "parsers/terminology/datetime.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace ferry::terminology {
namespace {

std::string iso(std::string_view dtm) {
  return hl7DateTimeToIso(dtm).value_or("<rejected>");
}
std::string hl7(std::string_view isoText) {
  return isoToHl7DateTime(isoText).value_or("<rejected>");
}

TEST(Hl7DateTimeToIso, YearStaysAYear) {
  EXPECT_EQ(iso("2026"), "2026");
}

TEST(Hl7DateTimeToIso, MonthPrecisionStaysAMonth) {
  EXPECT_EQ(iso("197203"), "1972-03");
}

TEST(Hl7DateTimeToIso, DatePrecisionStaysADate) {
  EXPECT_EQ(iso("19720314"), "1972-03-14");
}

TEST(Hl7DateTimeToIso, HourPrecisionStaysAnHour) {
  EXPECT_EQ(iso("2026111914"), "2026-11-19T14");
}

TEST(Hl7DateTimeToIso, MinutePrecisionStaysAMinute) {
  EXPECT_EQ(iso("202611191422"), "2026-11-19T14:22");
}

TEST(Hl7DateTimeToIso, SecondPrecisionStaysASecond) {
  EXPECT_EQ(iso("20261119142205"), "2026-11-19T14:22:05");
}

TEST(Hl7DateTimeToIso, FractionKeepsItsDigits) {
  EXPECT_EQ(iso("20261120083015.1"), "2026-11-20T08:30:15.1");
  EXPECT_EQ(iso("20261120083015.1234"), "2026-11-20T08:30:15.1234");
}

TEST(Hl7DateTimeToIso, NegativeOffsetIsKept) {
  EXPECT_EQ(iso("20261120083015-0500"), "2026-11-20T08:30:15-05:00");
}

TEST(Hl7DateTimeToIso, PositiveOffsetIsKeptAfterAFraction) {
  EXPECT_EQ(iso("20261120083015.1234+0100"), "2026-11-20T08:30:15.1234+01:00");
}

TEST(Hl7DateTimeToIso, OffsetIsKeptAtMinuteAndHourPrecision) {
  EXPECT_EQ(iso("202611200830+0530"), "2026-11-20T08:30+05:30");
  EXPECT_EQ(iso("2026112008-0000"), "2026-11-20T08-00:00");
}

TEST(Hl7DateTimeToIso, OffsetOnADateIsCheckedThenDropped) {
  EXPECT_EQ(iso("20261120-0500"), "2026-11-20");
  EXPECT_EQ(iso("20261120-0575"), "<rejected>");
}

TEST(Hl7DateTimeToIso, LeapDayIsAcceptedInALeapYear) {
  EXPECT_EQ(iso("20240229"), "2024-02-29");
  EXPECT_EQ(iso("20000229"), "2000-02-29");
}

TEST(Hl7DateTimeToIso, CalendarLimitsAreAccepted) {
  EXPECT_EQ(iso("20261231235959"), "2026-12-31T23:59:59");
  EXPECT_EQ(iso("20260101000000+1400"), "2026-01-01T00:00:00+14:00");
}

TEST(Hl7DateTimeToIso, RejectsEmptyAndOddDigitCounts) {
  for (std::string_view bad :
       {"", "202", "20261", "2026111", "202611201", "2026112014301", "202611201430155"}) {
    EXPECT_FALSE(hl7DateTimeToIso(bad)) << bad;
  }
}

TEST(Hl7DateTimeToIso, RejectsImpossibleCalendarValues) {
  EXPECT_FALSE(hl7DateTimeToIso("202613")) << "month 13";
  EXPECT_FALSE(hl7DateTimeToIso("202600")) << "month 0";
  EXPECT_FALSE(hl7DateTimeToIso("20260132")) << "day 32";
  EXPECT_FALSE(hl7DateTimeToIso("20260100")) << "day 0";
  EXPECT_FALSE(hl7DateTimeToIso("20260230")) << "30 February";
  EXPECT_FALSE(hl7DateTimeToIso("20250229")) << "29 February outside a leap year";
  EXPECT_FALSE(hl7DateTimeToIso("19000229")) << "1900 is not a leap year";
  EXPECT_FALSE(hl7DateTimeToIso("20260431")) << "31 April";
}

TEST(Hl7DateTimeToIso, RejectsImpossibleClockValues) {
  EXPECT_FALSE(hl7DateTimeToIso("2026112024")) << "hour 24";
  EXPECT_FALSE(hl7DateTimeToIso("202611201460")) << "minute 60";
  EXPECT_FALSE(hl7DateTimeToIso("20261120143060")) << "second 60";
}

TEST(Hl7DateTimeToIso, RejectsBadOffsets) {
  EXPECT_FALSE(hl7DateTimeToIso("20261120083015-05")) << "two digits";
  EXPECT_FALSE(hl7DateTimeToIso("20261120083015-05000")) << "five digits";
  EXPECT_FALSE(hl7DateTimeToIso("20261120083015+2500")) << "hour 25";
  EXPECT_FALSE(hl7DateTimeToIso("20261120083015-0575")) << "minute 75";
  EXPECT_FALSE(hl7DateTimeToIso("20261120083015-05:00")) << "ISO colon";
  EXPECT_FALSE(hl7DateTimeToIso("20261120083015-0500+0100")) << "two offsets";
  EXPECT_FALSE(hl7DateTimeToIso("20261120083015+")) << "sign only";
}

TEST(Hl7DateTimeToIso, RejectsBadFractions) {
  EXPECT_FALSE(hl7DateTimeToIso("202611200830.5")) << "fraction without seconds";
  EXPECT_FALSE(hl7DateTimeToIso("20261120083015.")) << "empty fraction";
  EXPECT_FALSE(hl7DateTimeToIso("20261120083015.12345")) << "five fraction digits";
}

TEST(Hl7DateTimeToIso, RejectsStrayCharacters) {
  EXPECT_FALSE(hl7DateTimeToIso("2026AB")) << "letters";
  EXPECT_FALSE(hl7DateTimeToIso("20261120 ")) << "trailing space";
  EXPECT_FALSE(hl7DateTimeToIso(" 20261120")) << "leading space";
  EXPECT_FALSE(hl7DateTimeToIso("2026-11-20")) << "already ISO";
}

TEST(Hl7DateTimeToIso, ANonDigitAnywhereInADateToTheSecondOrItsZoneIsRejected) {
  // The digits are checked eight and four at a time: a byte next to the digits in ASCII ('/',
  // ':'), a letter or a byte near 0xFF at any position must still reject the value.
  const std::string good = "20261120083015-0500";
  ASSERT_EQ(iso(good), "2026-11-20T08:30:15-05:00");
  for (std::size_t at = 0; at < good.size(); ++at) {
    if (at == 14) continue;  // the sign
    for (const char bad : {'/', ':', 'a', ' ', '\xfa', '\xff'}) {
      std::string dtm = good;
      dtm[at] = bad;
      EXPECT_FALSE(hl7DateTimeToIso(dtm)) << dtm;
    }
  }
  EXPECT_EQ(iso("202611200830159"), "<rejected>") << "fifteen digits";
  EXPECT_EQ(iso("20261120083015"), "2026-11-20T08:30:15");
  EXPECT_EQ(iso("202611200830"), "2026-11-20T08:30");
}

TEST(WriteHl7DateTimeAsIso, TheLongestFormFillsTheBufferExactly) {
  char buffer[kMaxIsoDateTimeSize];
  const std::size_t n = writeHl7DateTimeAsIso("20261120083015.1234-0500", buffer);
  ASSERT_EQ(n, kMaxIsoDateTimeSize);
  EXPECT_EQ(std::string_view(buffer, n), "2026-11-20T08:30:15.1234-05:00");
}

TEST(WriteHl7DateTimeAsIso, WritesWhatHl7DateTimeToIsoReturnsAndZeroForARejection) {
  for (const char* dtm : {"2026", "197203", "2026111914", "20261120083015+0100", "20261120-0500", "20240229",
                          "20230229", "2026112008301", "20261120083015.12345", ""}) {
    char buffer[kMaxIsoDateTimeSize];
    const std::size_t n = writeHl7DateTimeAsIso(dtm, buffer);
    const std::optional<std::string> expected = hl7DateTimeToIso(dtm);
    EXPECT_EQ(n == 0 ? std::optional<std::string>() : std::string(buffer, n), expected) << dtm;
  }
}

// A date to the second ("YYYYMMDDhhmmss", with a time zone or not) is checked and written by a
// path of its own: around every calendar and clock limit it agrees with the same date to the
// minute, which the general path reads, plus its seconds.
TEST(WriteHl7DateTimeAsIso, ADateToTheSecondAgreesWithTheSameDateToTheMinute) {
  const auto write = [](const std::string& dtm) {
    char buffer[kMaxIsoDateTimeSize];
    return std::string(buffer, writeHl7DateTimeAsIso(dtm, buffer));
  };
  for (const char* year : {"2024", "2023", "1900", "2000", "0000"}) {
    for (const char* month : {"00", "01", "02", "04", "12", "13"}) {
      for (const char* day : {"00", "01", "28", "29", "30", "31", "32"}) {
        for (const char* hour : {"00", "23", "24"}) {
          for (const char* minute : {"00", "59", "60"}) {
            for (const char* zone : {"", "-0500", "+1459", "+1500", "-0060", "+0a00"}) {
              const std::string to_minute = std::string(year) + month + day + hour + minute;
              const std::string by_minute = write(to_minute + zone);
              for (const std::string second : {"00", "59", "60", "5a"}) {
                std::string expected;
                if (!by_minute.empty() && second[0] <= '5' && second[1] <= '9') {
                  expected = by_minute.substr(0, 16) + ":" + second + by_minute.substr(16);
                }
                EXPECT_EQ(write(to_minute + second + zone), expected) << to_minute + second + zone;
              }
            }
          }
        }
      }
    }
  }
}

// A date alone ("YYYYMMDD") has a path of its own too: it agrees with the same date at the hour,
// which the general path reads, and a non-digit anywhere rejects it.
TEST(WriteHl7DateTimeAsIso, ADateAloneAgreesWithTheSameDateAtTheHour) {
  const auto write = [](const std::string& dtm) {
    char buffer[kMaxIsoDateTimeSize];
    return std::string(buffer, writeHl7DateTimeAsIso(dtm, buffer));
  };
  for (const char* year : {"2024", "2023", "1900", "2000"}) {
    for (const char* month : {"00", "01", "02", "04", "12", "13"}) {
      for (const char* day : {"00", "01", "28", "29", "30", "31", "32"}) {
        const std::string date = std::string(year) + month + day;
        const std::string at_hour = write(date + "08");
        EXPECT_EQ(write(date), at_hour.substr(0, at_hour.empty() ? 0 : 10)) << date;
      }
    }
  }
  for (std::size_t at = 0; at < 8; ++at) {
    for (const char bad : {'/', ':', 'a', ' ', '\xff'}) {
      std::string date = "19720314";
      date[at] = bad;
      EXPECT_EQ(write(date), "") << date;
    }
  }
}

TEST(IsoToHl7DateTime, EveryPrecisionIsKept) {
  EXPECT_EQ(hl7("2026"), "2026");
  EXPECT_EQ(hl7("1972-03"), "197203");
  EXPECT_EQ(hl7("1972-03-14"), "19720314");
  EXPECT_EQ(hl7("2026-11-19T14"), "2026111914");
  EXPECT_EQ(hl7("2026-11-19T14:22"), "202611191422");
  EXPECT_EQ(hl7("2026-11-19T14:22:05"), "20261119142205");
  EXPECT_EQ(hl7("2026-11-20T08:30:15.1234"), "20261120083015.1234");
}

TEST(IsoToHl7DateTime, OffsetIsKept) {
  EXPECT_EQ(hl7("2026-11-20T08:30:15-05:00"), "20261120083015-0500");
  EXPECT_EQ(hl7("2026-11-20T08:30:15.1234+01:00"), "20261120083015.1234+0100");
}

TEST(IsoToHl7DateTime, ZuluBecomesPlusZero) {
  EXPECT_EQ(hl7("2026-11-20T08:30:15Z"), "20261120083015+0000");
}

TEST(IsoToHl7DateTime, FractionBeyondFourDigitsIsTruncated) {
  EXPECT_EQ(hl7("2026-11-20T08:30:15.123456Z"), "20261120083015.1234+0000");
}

TEST(IsoToHl7DateTime, RejectsInvalidValues) {
  for (std::string_view bad : {"", "26-11-20", "2026-1-5", "2026-13", "2026-02-30", "2026-11-20T24:00",
                               "2026-11-20T08:60", "2026-11-20 08:30", "2026-11-20T08:30+0500", "2026-11-20Z",
                               "2026-11-20T08:30:15.", "2026-11-20T08:30+15:00", "20261120", "2026-11-20T"}) {
    EXPECT_FALSE(isoToHl7DateTime(bad)) << bad;
  }
}

TEST(DateTimeConversion, Hl7ToIsoAndBackGivesTheOriginal) {
  for (std::string_view dtm : {"2026", "197203", "19720314", "2026111914", "202611191422",
                               "20261120083015-0500", "20261120083015.1234+0100", "20240229235959.5-1200"}) {
    const std::optional<std::string> isoText = hl7DateTimeToIso(dtm);
    ASSERT_TRUE(isoText) << dtm;
    EXPECT_EQ(isoToHl7DateTime(*isoText), std::string(dtm));
  }
}

}  // namespace
}  // namespace ferry::terminology
