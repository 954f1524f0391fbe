// Filters, transforms and routes: what apply() does to a message and what it decides.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/mappings/mapping_test_support.h"

namespace ferry::mappings::test {
namespace {

struct Applied {
  canonical::Message message = oruMessage();
  Outcome outcome;
};

Applied run(const std::string& json, const TableSet& tables = {}) {
  std::vector<LoadError> errors;
  auto mapping = compile(json, tables, errors);
  EXPECT_TRUE(mapping) << describeAll(errors);
  Applied a;
  if (mapping) a.outcome = mapping->apply(a.message, {}, Environment::fixed("2026-11-20T13:30:15Z", 1));
  return a;
}

std::shared_ptr<const CodeTable> labTable() {
  std::vector<LoadError> errors;
  return CodeTable::parse("lab-loinc", "local,loinc,display\nGLU,2345-7,Glucose\nCOMM,48767-8,Comment\n",
                          "tables/lab-loinc.csv", nullptr, "", errors);
}

TEST(MappingFilters, DropFilterDropsWithItsReason) {
  const Applied a = run(R"J({"name": "t", "version": "1", "filters": [
      {"name": "results only", "drop": "header.message_type != 'ORU'", "reason": "not a result"},
      {"name": "no tests", "drop": "header.processing_id == 'P'", "reason": "production only"}]})J");
  EXPECT_EQ(a.outcome.kind, Outcome::Kind::Dropped);
  EXPECT_EQ(a.outcome.rule, "no tests");
  EXPECT_EQ(a.outcome.reason, "production only");
}

TEST(MappingFilters, AcceptFilterDropsWhenItsConditionIsFalse) {
  const Applied a = run(R"J({"name": "t", "version": "1", "filters": [
      {"name": "test patients", "accept": "not (patient.identifiers[*].value in ['MRN448812'])", "reason": "test patient"}]})J");
  EXPECT_EQ(a.outcome.kind, Outcome::Kind::Dropped);
  EXPECT_EQ(a.outcome.rule, "test patients");
  EXPECT_EQ(a.outcome.reason, "test patient");
}

TEST(MappingFilters, MessagePassingAllFiltersIsRouted) {
  const Applied a = run(R"J({"name": "t", "version": "1", "filters": [
      {"name": "results", "accept": "header.message_type == 'ORU'", "reason": "not a result"}],
      "routes": [{"name": "all", "when": "true", "to": ["hospital"]}]})J");
  EXPECT_EQ(a.outcome.kind, Outcome::Kind::Routed);
  EXPECT_EQ(a.outcome.destinations, std::vector<std::string>{"hospital"});
}

TEST(MappingFilters, DroppedMessageIsNotTransformed) {
  const Applied a = run(R"J({"name": "t", "version": "1",
      "filters": [{"name": "all", "drop": "true", "reason": "r"}],
      "transforms": [{"name": "s", "set": "patient.sex", "value": "'x'"}]})J");
  EXPECT_EQ(a.message.patient.sex, "female");
}

TEST(MappingTransforms, SetWritesACanonicalMember) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "facility", "set": "header.receiving_facility", "value": "'HOSPITAL'"}]})J");
  EXPECT_EQ(a.message.header.receiving_facility, "HOSPITAL");
}

TEST(MappingTransforms, SetCreatesMissingListElements) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "race", "set": "patient.race[1].code", "value": "'2028-9'"}]})J");
  ASSERT_EQ(a.message.patient.race.size(), 2U);
  EXPECT_EQ(a.message.patient.race[1].code, "2028-9");
}

TEST(MappingTransforms, SetOfANumberMemberParsesTheText) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "n", "set": "observations[0].value.number", "value": "'7.5'"}]})J");
  EXPECT_EQ(a.message.observations[0].value.number, 7.5);
}

TEST(MappingTransforms, SetOfANumberMemberToTextIsARunTimeError) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "bad number", "set": "observations[0].value.number", "value": "'high'"}]})J");
  EXPECT_EQ(a.outcome.kind, Outcome::Kind::Errored);
  EXPECT_EQ(a.outcome.rule, "bad number");
  EXPECT_EQ(a.outcome.reason, "'observations[0].value.number': 'high' is not a number");
}

TEST(MappingTransforms, SetWithAWildcardWritesEveryElement) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "status", "set": "observations[*].status.v2", "value": "'C'"}]})J");
  for (const auto& o : a.message.observations) EXPECT_EQ(o.status.v2, "C");
}

TEST(MappingTransforms, SetFromSeveralValuesIsARunTimeError) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "ambiguous", "set": "patient.sex", "value": "patient.identifiers[*].value"}]})J");
  EXPECT_EQ(a.outcome.kind, Outcome::Kind::Errored);
  EXPECT_EQ(a.outcome.rule, "ambiguous");
  EXPECT_EQ(a.outcome.reason, "the value gives 2 values where one is expected");
}

TEST(MappingTransforms, SetOfAValueThatTheWriteMovesWritesTheValue) {
  // Creating identifiers[5] reallocates the list the value is read from.
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "grow", "set": "patient.identifiers[5].value", "value": "patient.identifiers[0].value"},
      {"name": "grow more", "copy": "patient.identifiers[1].value", "to": "patient.identifiers[40].value"}]})J");
  ASSERT_EQ(a.message.patient.identifiers.size(), 41U);
  EXPECT_EQ(a.message.patient.identifiers[5].value, "MRN448812");
  EXPECT_EQ(a.message.patient.identifiers[40].value, "990-22-1234");
}

TEST(MappingTransforms, CopyMovesAValue) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "order", "copy": "orders[0].placer_order_number.value", "to": "patient.account_number.value"}]})J");
  EXPECT_EQ(a.message.patient.account_number.value, "ORD-77120");
}

TEST(MappingTransforms, CopyOfAStructureCopiesAllItsMembers) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "performer", "copy": "orders[0].ordering_provider", "to": "observations[0].performer"}]})J");
  EXPECT_EQ(*a.message.observations[0].performer, a.message.orders[0].ordering_provider);
  EXPECT_EQ(a.message.observations[0].performer->identifier.value, "1234567893");
}

TEST(MappingTransforms, RemoveClearsAListAnElementOrAMember) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "cleanup", "do": [{"remove": "notes"}, {"remove": "patient.identifiers[1]"},
                                 {"remove": "patient.birth_date"}, {"remove": "observations[0].value.number"}]}]})J");
  EXPECT_TRUE(a.message.notes.empty());
  ASSERT_EQ(a.message.patient.identifiers.size(), 1U);
  EXPECT_EQ(a.message.patient.identifiers[0].value, "MRN448812");
  EXPECT_EQ(a.message.patient.birth_date, "");
  EXPECT_FALSE(a.message.observations[0].value.number.has_value());
}

// Coding.system is a canonical::CodeSystem, not a std::string: to rules it is text all the same.
TEST(MappingTransforms, ACodingSystemIsSetCopiedComparedAndRemovedLikeText) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "systems", "do": [
        {"set": "observations[0].code.codings[0].system", "value": "'http://loinc.org'"},
        {"set": "observations[0].units.system", "value": "concat('urn:local:', 'units')"},
        {"copy": "observations[0].code.codings[0].system", "to": "patient.account_number.system"},
        {"copy": "observations[0].units.system", "to": "observations[0].code.codings[1].system"}]},
      {"name": "compare", "when": "observations[0].code.codings[0].system == 'http://loinc.org'",
       "set": "header.receiving_facility", "value": "observations[0].code.codings[1].system"},
      {"name": "remove", "remove": "observations[0].units.system"}]})J");
  const auto& codings = a.message.observations[0].code.codings;
  ASSERT_EQ(codings.size(), 2U);
  EXPECT_EQ(codings[0].system, "http://loinc.org");
  EXPECT_TRUE(codings[0].system.wellKnown());
  EXPECT_EQ(codings[1].system, "urn:local:units");
  EXPECT_EQ(a.message.patient.account_number.system, "http://loinc.org");
  EXPECT_EQ(a.message.header.receiving_facility, "urn:local:units");
  EXPECT_TRUE(a.message.observations[0].units.system.empty());
}

TEST(MappingTransforms, AppendAddsAnElementFromAnObject) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "add id", "append": "patient.identifiers",
       "value": {"value": "concat('X-', patient.identifiers[0].value)", "type": "'PI'"}}]})J");
  ASSERT_EQ(a.message.patient.identifiers.size(), 3U);
  EXPECT_EQ(a.message.patient.identifiers[2].value, "X-MRN448812");
  EXPECT_EQ(a.message.patient.identifiers[2].type, "PI");
}

TEST(MappingTransforms, AppendAddsTextToAListOfText) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "given", "append": "patient.names[0].given", "value": "'Marie'"}]})J");
  EXPECT_EQ(a.message.patient.names[0].given, (std::vector<std::string>{"Adaline", "Q", "Marie"}));
}

TEST(MappingTransforms, ForEachRunsActionsOnEachMatchingElement) {
  TableSet tables;
  tables.add(labTable());
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "local code to LOINC", "for_each": "observations[*]",
       "when": "code.codings[0].system == 'L' and in_table('lab-loinc', code.codings[0].code)",
       "do": [{"append": "code.codings", "value": {"system": "'http://loinc.org'",
                 "code": "lookup('lab-loinc', code.codings[0].code)",
                 "display": "lookup_column('lab-loinc', 'display', code.codings[0].code)"}},
              {"set": "code.text", "value": "'mapped'"}]}]})J",
                        tables);
  ASSERT_EQ(a.outcome.kind, Outcome::Kind::Routed) << a.outcome.reason;
  const auto& glucose = a.message.observations[0].code;
  ASSERT_EQ(glucose.codings.size(), 3U);
  EXPECT_EQ(glucose.codings[2].code, "2345-7");
  EXPECT_EQ(glucose.codings[2].display, "Glucose");
  EXPECT_EQ(glucose.text, "mapped");
  EXPECT_EQ(a.message.observations[1].code.codings.size(), 2U);  // HBA1C is not in the table
  EXPECT_EQ(a.message.observations[2].code.codings.back().code, "48767-8");
}

TEST(MappingTransforms, WhenSkipsTheTransform) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "s", "when": "patient.sex == 'male'", "set": "patient.sex", "value": "'unknown'"}]})J");
  EXPECT_EQ(a.message.patient.sex, "female");
}

TEST(MappingTransforms, TransformsRunInFileOrder) {
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "one", "set": "patient.sex", "value": "'a'"},
      {"name": "two", "set": "patient.sex", "value": "concat(patient.sex, 'b')"}]})J");
  EXPECT_EQ(a.message.patient.sex, "ab");
}

TEST(MappingTransforms, RunTimeErrorNamesTheRuleAndStops) {
  TableSet tables;
  tables.add(labTable());
  const Applied a = run(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "map codes", "for_each": "observations[*]", "set": "code.text", "value": "lookup('lab-loinc', code.codings[0].code)"},
      {"name": "later", "set": "patient.sex", "value": "'changed'"}],
      "routes": [{"name": "r", "when": "true", "to": ["x"]}]})J",
                        tables);
  EXPECT_EQ(a.outcome.kind, Outcome::Kind::Errored);
  EXPECT_EQ(a.outcome.rule, "map codes");
  EXPECT_EQ(a.outcome.reason, "lookup: table 'lab-loinc' has no key 'HBA1C'");
  EXPECT_TRUE(a.outcome.destinations.empty());
  EXPECT_EQ(a.message.patient.sex, "female");
}

TEST(MappingRoutes, EveryMatchingRouteContributesInOrderWithoutDuplicates) {
  const Applied a = run(R"J({"name": "t", "version": "1", "routes": [
      {"name": "hospital", "when": "true", "to": ["hospital-results", "archive"]},
      {"name": "never", "when": "false", "to": ["nowhere"]},
      {"name": "high glucose", "when": "observations[*].value.number > 180", "to": ["alerts", "archive"]}]})J");
  EXPECT_EQ(a.outcome.kind, Outcome::Kind::Routed);
  EXPECT_EQ(a.outcome.destinations, (std::vector<std::string>{"hospital-results", "archive", "alerts"}));
  EXPECT_EQ(a.outcome.routes, (std::vector<std::string>{"hospital", "high glucose"}));
}

TEST(MappingRoutes, OtherwiseAppliesOnlyWhenNoOtherRouteMatched) {
  const std::string routes = R"J({"name": "t", "version": "1", "routes": [
      {"name": "fallback", "otherwise": true, "to": ["review"]},
      {"name": "adt", "when": "header.message_type == '%s'", "to": ["adt-feed"]}]})J";
  auto with = [&](const std::string& type) {
    std::string json = routes;
    json.replace(json.find("%s"), 2, type);
    return run(json).outcome;
  };
  EXPECT_EQ(with("ORU").destinations, std::vector<std::string>{"adt-feed"});
  EXPECT_EQ(with("ADT").destinations, std::vector<std::string>{"review"});
  EXPECT_EQ(with("ADT").routes, std::vector<std::string>{"fallback"});
}

TEST(MappingRoutes, NoMatchingRouteGivesNoDestinations) {
  const Applied a = run(R"J({"name": "t", "version": "1", "routes": [{"name": "n", "when": "false", "to": ["x"]}]})J");
  EXPECT_EQ(a.outcome.kind, Outcome::Kind::Routed);
  EXPECT_TRUE(a.outcome.destinations.empty());
}

TEST(MappingRoutes, ReportableConditionsRouteByTableMembership) {
  std::vector<LoadError> errors;
  TableSet tables;
  tables.add(CodeTable::parse("notifiable", "code,condition\n2345-7,test only\n", "tables/notifiable.csv",
                              nullptr, "", errors));
  const Applied a = run(R"J({"name": "t", "version": "1", "routes": [
      {"name": "reportable", "when": "in_table('notifiable', observations[*].code.codings[*].code)", "to": ["public-health"]}]})J",
                        tables);
  EXPECT_EQ(a.outcome.destinations, std::vector<std::string>{"public-health"});
}

TEST(MappingRoutes, DestinationsListsEveryNameOnce) {
  std::vector<LoadError> errors;
  auto mapping = compile(R"J({"name": "t", "version": "1", "routes": [
      {"name": "a", "when": "true", "to": ["x", "y"]}, {"name": "b", "otherwise": true, "to": ["y", "z"]}]})J",
                         TableSet{}, errors);
  ASSERT_TRUE(mapping);
  EXPECT_EQ(mapping->destinations(), (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(mapping->id(), "t@1");
}

TEST(MappingApply, OneMappingServesSeveralThreads) {
  TableSet tables;
  tables.add(labTable());
  std::vector<LoadError> errors;
  auto mapping = compile(R"J({"name": "t", "version": "1", "transforms": [
      {"name": "m", "for_each": "observations[*]", "set": "code.text", "value": "lookup('lab-loinc', code.codings[0].code, 'none')"}],
      "routes": [{"name": "r", "when": "observations[0].code.text == '2345-7'", "to": ["ok"]}]})J",
                         tables, errors);
  ASSERT_TRUE(mapping);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        canonical::Message m = oruMessage();
        if (mapping->apply(m, {}, Environment::system()).destinations.size() == 1) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
}

}  // namespace
}  // namespace ferry::mappings::test
