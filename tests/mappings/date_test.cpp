// date(), date_format() and date_add(): parsing with patterns, formatting, offsets.

#include <gtest/gtest.h>

#include "tests/mappings/mapping_test_support.h"

namespace ferry::mappings::test {
namespace {

TEST(MappingDates, DateParsesWithAPatternIntoIso) {
  Evaluator eval;
  EXPECT_EQ(eval("date('14/03/1972', 'DD/MM/YYYY')"), "1972-03-14");
  EXPECT_EQ(eval("date('1972-03-14 08:30', 'YYYY-MM-DD HH:mm')"), "1972-03-14T08:30");
}

TEST(MappingDates, DateReadsHl7AndWritesAPattern) {
  Evaluator eval;
  EXPECT_EQ(eval("date('20261120083015-0500', 'hl7')"), "2026-11-20T08:30:15-05:00");
  EXPECT_EQ(eval("date('20261120083015-0500', 'hl7', 'DD.MM.YYYY HH:mm Z')"), "20.11.2026 08:30 -05:00");
}

TEST(MappingDates, DateFormatWritesIsoValuesInAnotherShape) {
  Evaluator eval;
  EXPECT_EQ(eval("date_format(patient.birth_date, 'DD.MM.YYYY')"), "14.03.1972");
  EXPECT_EQ(eval("date_format(header.message_datetime, 'hl7')"), "20261120083015-0500");
  EXPECT_EQ(eval("date_format(header.message_datetime, 'YYYYMMDDTHHmmssZZ')"), "20261120T083015-0500");
}

TEST(MappingDates, DateFormatAskingForATimeADateLacksIsAnError) {
  EXPECT_EQ(Evaluator()("date_format(patient.birth_date, 'HH:mm')"),
            "ERROR: date_format: '1972-03-14' has no time of day");
}

TEST(MappingDates, DateThatDoesNotMatchIsARunTimeError) {
  EXPECT_EQ(Evaluator()("date('31/02/2026', 'DD/MM/YYYY')"),
            "ERROR: date: '31/02/2026' does not match the input pattern");
}

TEST(MappingDates, DateAddMovesDaysAcrossMonthAndYearEnds) {
  Evaluator eval;
  EXPECT_EQ(eval("date_add('2026-12-30', '+2d')"), "2027-01-01");
  EXPECT_EQ(eval("date_add('2024-03-01', '-1d')"), "2024-02-29");
}

TEST(MappingDates, DateAddKeepsOffsetAndPrecision) {
  Evaluator eval;
  EXPECT_EQ(eval("date_add(header.message_datetime, '+1d12h')"), "2026-11-21T20:30:15-05:00");
  EXPECT_EQ(eval("date_add(header.message_datetime, '-90m')"), "2026-11-20T07:00:15-05:00");
  EXPECT_EQ(eval("date_add('2026-11-20T23:59:50Z', '+15s')"), "2026-11-21T00:00:05Z");
}

TEST(MappingDates, DateAddOfHoursToADateAloneIsAnError) {
  EXPECT_EQ(Evaluator()("date_add(patient.birth_date, '+2h')"),
            "ERROR: date_add: '1972-03-14' has no time of day to add hours, minutes or seconds to");
}

TEST(MappingDates, EmptyDateGivesEmpty) {
  EXPECT_EQ(Evaluator()("date_format(encounter.admit_time, 'DD.MM.YYYY')"), "");
}

TEST(MappingDates, BadPatternAndOffsetAreLoadErrors) {
  Evaluator eval;
  EXPECT_EQ(eval("date_format(patient.birth_date, 'dd.mm.yyyy')"),
            "LOAD: unknown date pattern letters 'dd' (use YYYY MM DD HH mm ss S Z ZZ, or 'iso' / 'hl7') (rule 'probe')");
  EXPECT_EQ(eval("date_add(patient.birth_date, '2 days')"),
            "LOAD: '2 days' is not a date offset (e.g. '+2d', '-90m', '+1d12h'; units d h m s) (rule 'probe')");
}

TEST(MappingDates, FixedEnvironmentRejectsATimeWithoutZone) {
  EXPECT_THROW(Environment::fixed("2026-11-20T13:30:15", 1), std::invalid_argument);
  EXPECT_NO_THROW(Environment::fixed("2026-11-20T08:30:15-05:00", 1));
}

TEST(MappingDates, FixedEnvironmentNowIsTheInstantGiven) {
  const Environment env = Environment::fixed("2026-11-20T08:30:15-05:00", 1);
  Evaluator eval;
  eval.env = env;
  EXPECT_EQ(eval("now()"), "2026-11-20T13:30:15Z");
}

}  // namespace
}  // namespace ferry::mappings::test
