// keep: filtering the elements of a list, and how removing orders or observations (by keep or
// by remove) keeps the message's cross references (order_index, observation_index) right.

#include <gtest/gtest.h>

#include "tests/mappings/mapping_test_support.h"

namespace ferry::mappings::test {
namespace {

using canonical::Message;

// Applies a mapping whose transforms are `transforms` (JSON list text) to message.
Outcome apply(const std::string& transforms, Message& message, const TableSet& tables = {}) {
  std::vector<LoadError> errors;
  auto mapping = compile(R"({"name": "t", "version": "1", "transforms": )" + transforms + "}",
                         tables, errors);
  EXPECT_TRUE(mapping) << describeAll(errors);
  if (!mapping) return {};
  return mapping->apply(message, {}, Environment::fixed("2026-11-20T13:30:15Z", 1));
}

// The first load error of a mapping whose transforms are `transforms`, as file:line:column: text.
std::string loadError(const std::string& transforms) {
  std::vector<LoadError> errors;
  auto mapping = compile("{\"name\": \"t\", \"version\": \"1\",\n \"transforms\": " + transforms + "}",
                         {}, errors);
  EXPECT_FALSE(mapping);
  return errors.empty() ? "" : errors.front().describe();
}

std::vector<std::string> setIds(const Message& m) {
  std::vector<std::string> out;
  for (const auto& o : m.observations) out.push_back(o.set_id);
  return out;
}

std::vector<std::string> noteTexts(const Message& m) {
  std::vector<std::string> out;
  for (const auto& n : m.notes) out.push_back(n.text);
  return out;
}

// Orders O0..O2; observations A (O0), B and C (O1), D (O2), E (none); specimens S1 (O1) and
// S2 (O2); notes on B, on D, on O2 alone, on nothing, and on E.
Message linked() {
  Message m;
  for (const char* id : {"O0", "O1", "O2"}) {
    m.orders.emplace_back().placer_order_number.value = id;
  }
  const std::pair<const char*, std::optional<std::uint32_t>> observations[] = {
      {"A", 0}, {"B", 1}, {"C", 1}, {"D", 2}, {"E", std::nullopt}};
  for (const auto& [id, order] : observations) {
    auto& o = m.observations.emplace_back();
    o.set_id = id;
    o.order_index = order;
  }
  for (const auto& [id, order] : {std::pair{"S1", 1U}, std::pair{"S2", 2U}}) {
    auto& s = m.specimens.emplace_back();
    s.identifier.value = id;
    s.order_index = order;
  }
  const struct {
    const char* text;
    std::optional<std::uint32_t> order;
    std::optional<std::uint32_t> observation;
  } notes[] = {{"on B", 1, 1}, {"on D", std::nullopt, 3}, {"on O2", 2, std::nullopt},
               {"on nothing", std::nullopt, std::nullopt}, {"on E", std::nullopt, 4}};
  for (const auto& n : notes) {
    auto& note = m.notes.emplace_back();
    note.text = n.text;
    note.order_index = n.order;
    note.observation_index = n.observation;
  }
  return m;
}

TEST(MappingKeep, KeepsTheElementsThatMatchAndRemovesTheOthers) {
  Message m = oruMessage();
  apply(R"J([{"name": "high", "keep": "observations", "where": "value.number > 100"}])J", m);
  EXPECT_EQ(setIds(m), std::vector<std::string>{"1"});
  EXPECT_EQ(m.observations[0].code.codings[0].code, "GLU");
}

TEST(MappingKeep, ReportableResultsOnlyThroughACodeTable) {
  std::vector<LoadError> errors;
  TableSet tables;
  tables.add(CodeTable::parse("notifiable-conditions", "key,condition\n94500-6|260373001,COVID-19\n",
                              "tables/notifiable-conditions.csv", nullptr, "", errors));
  Message m;
  for (const char* value : {"260373001", "260415000"}) {
    auto& o = m.observations.emplace_back();
    o.code.codings.push_back({"http://loinc.org", "94500-6", ""});
    o.value.coded.mut().codings.push_back({"http://snomed.info/sct", value, ""});
  }
  apply(R"J([{"name": "reportable results only", "keep": "observations",
      "where": "in_table('notifiable-conditions', concat(code.codings[0].code, '|', value.coded.codings[0].code))"}])J",
        m, tables);
  ASSERT_EQ(m.observations.size(), 1U);
  EXPECT_EQ(m.observations[0].value.coded->codings[0].code, "260373001");
}

TEST(MappingKeep, AnEmptyListStaysEmpty) {
  Message m;
  const Outcome out = apply(R"J([{"name": "k", "keep": "observations", "where": "value.number > 100"}])J", m);
  EXPECT_EQ(out.kind, Outcome::Kind::Routed);
  EXPECT_TRUE(m.observations.empty());
}

TEST(MappingKeep, WhereTestsTheElementsOfAListOfTextAsThis) {
  Message m = oruMessage();
  ASSERT_EQ(m.patient.names[0].given, (std::vector<std::string>{"Adaline", "Q"}));
  apply(R"J([{"name": "no initials", "keep": "patient.names[0].given", "where": "length($this) > 1"}])J", m);
  EXPECT_EQ(m.patient.names[0].given, std::vector<std::string>{"Adaline"});
}

TEST(MappingKeep, RelativeInsideForEachAndDollarReachesTheMessage) {
  Message m = oruMessage();
  apply(R"J([{"name": "loinc only", "for_each": "observations[*]",
      "keep": "code.codings", "where": "system == 'http://loinc.org' or $.header.sending_application == 'NOBODY'"}])J", m);
  ASSERT_EQ(m.observations[0].code.codings.size(), 1U);
  EXPECT_EQ(m.observations[0].code.codings[0].code, "2345-7");
  EXPECT_TRUE(m.observations[2].code.codings.empty());  // COMM had only its local code
}

TEST(MappingKeep, RunsInsideDoAfterWhen) {
  Message m = oruMessage();
  apply(R"J([{"name": "k", "when": "header.message_type == 'ORU'", "do": [
      {"set": "header.receiving_facility", "value": "'X'"},
      {"keep": "patient.identifiers[*]", "where": "type == 'MR'"}]}])J", m);
  ASSERT_EQ(m.patient.identifiers.size(), 1U);
  EXPECT_EQ(m.patient.identifiers[0].value, "MRN448812");
}

TEST(MappingKeep, AFailingWhereErrorsAndLeavesTheListAsItWas) {
  Message m = oruMessage();
  std::vector<LoadError> errors;
  TableSet tables;
  tables.add(CodeTable::parse("known", "local,x\nGLU,1\n", "tables/known.csv", nullptr, "", errors));
  const Outcome out = apply(R"J([{"name": "k", "keep": "observations",
      "where": "lookup('known', code.codings[0].code) == '1'"}])J", m, tables);
  EXPECT_EQ(out.kind, Outcome::Kind::Errored);
  EXPECT_EQ(out.rule, "k");
  EXPECT_EQ(m.observations.size(), 3U);
}

TEST(MappingKeep, RemovingObservationsRemovesTheirNotesAndRenumbersTheOthers) {
  Message m = linked();
  apply(R"J([{"name": "k", "keep": "observations", "where": "set_id not in ['B', 'D']"}])J", m);
  EXPECT_EQ(setIds(m), (std::vector<std::string>{"A", "C", "E"}));
  EXPECT_EQ(noteTexts(m), (std::vector<std::string>{"on O2", "on nothing", "on E"}));
  EXPECT_EQ(m.notes[2].observation_index, 2U);
  EXPECT_EQ(m.notes[0].order_index, 2U);  // orders were not touched
  EXPECT_EQ(m.observations[1].order_index, 1U);
}

TEST(MappingKeep, RemovingOrdersRemovesWhatBelongsToThemAndRenumbersTheRest) {
  Message m = linked();
  apply(R"J([{"name": "k", "keep": "orders", "where": "placer_order_number.value != 'O1'"}])J", m);
  ASSERT_EQ(m.orders.size(), 2U);
  EXPECT_EQ(setIds(m), (std::vector<std::string>{"A", "D", "E"}));
  EXPECT_EQ(m.observations[0].order_index, 0U);
  EXPECT_EQ(m.observations[1].order_index, 1U);
  EXPECT_FALSE(m.observations[2].order_index.has_value());
  ASSERT_EQ(m.specimens.size(), 1U);
  EXPECT_EQ(m.specimens[0].identifier.value, "S2");
  EXPECT_EQ(m.specimens[0].order_index, 1U);
  // "on B" goes with B and O1; the others follow their observation or order.
  EXPECT_EQ(noteTexts(m), (std::vector<std::string>{"on D", "on O2", "on nothing", "on E"}));
  EXPECT_EQ(m.notes[0].observation_index, 1U);
  EXPECT_EQ(m.notes[1].order_index, 1U);
  EXPECT_EQ(m.notes[3].observation_index, 2U);
}

TEST(MappingKeep, RemoveOfOneElementRenumbersLikeKeep) {
  Message by_remove = linked();
  apply(R"J([{"name": "r", "remove": "orders[1]"}])J", by_remove);
  Message by_keep = linked();
  apply(R"J([{"name": "k", "keep": "orders", "where": "placer_order_number.value != 'O1'"}])J", by_keep);
  EXPECT_EQ(by_remove, by_keep);

  Message m = linked();
  apply(R"J([{"name": "r", "remove": "observations[3]"}])J", m);
  EXPECT_EQ(setIds(m), (std::vector<std::string>{"A", "B", "C", "E"}));
  EXPECT_EQ(noteTexts(m), (std::vector<std::string>{"on B", "on O2", "on nothing", "on E"}));
  EXPECT_EQ(m.notes[3].observation_index, 3U);
}

TEST(MappingKeep, RemoveOfAWholeListRemovesWhatPointsIntoIt) {
  Message m = linked();
  apply(R"J([{"name": "r", "remove": "observations"}])J", m);
  EXPECT_TRUE(m.observations.empty());
  EXPECT_EQ(noteTexts(m), (std::vector<std::string>{"on O2", "on nothing"}));
}

TEST(MappingKeepLoadErrors, KeepNeedsWhere) {
  EXPECT_EQ(loadError(R"J([{"name": "k", "keep": "observations"}])J"),
            "mappings/test.json:2:39: keep needs a 'where', the condition an element must meet to "
            "stay (rule 'k')");
}

TEST(MappingKeepLoadErrors, WhereNeedsKeep) {
  EXPECT_EQ(loadError(R"J([{"name": "k", "remove": "notes", "where": "true"}])J"),
            "mappings/test.json:2:59: 'where' belongs to keep (rule 'k')");
}

TEST(MappingKeepLoadErrors, KeepNeedsAList) {
  EXPECT_EQ(loadError(R"J([{"name": "k", "keep": "patient.sex", "where": "true"}])J"),
            "mappings/test.json:2:39: keep needs a list such as \"observations\" (without [index]); "
            "'patient.sex' is not one (rule 'k')");
  EXPECT_EQ(loadError(R"J([{"name": "k", "keep": "observations[0]", "where": "true"}])J"),
            "mappings/test.json:2:39: keep needs a list such as \"observations\" (without [index]); "
            "'observations[0]' is not one (rule 'k')");
}

TEST(MappingKeepLoadErrors, KeepOfAnOutgoingFieldIsAnError) {
  EXPECT_EQ(loadError(R"J([{"name": "k", "do": [{"keep": "out('OBX-5')", "where": "true"}]}])J"),
            "mappings/test.json:2:47: keep works on lists of the canonical message, not on "
            "out('...') fields (rule 'k')");
}

TEST(MappingKeepLoadErrors, WhereIsRelativeToTheElement) {
  EXPECT_EQ(loadError(R"J([{"name": "k", "keep": "observations", "where": "patient.sex == 'F'"}])J"),
            "mappings/test.json:2:65: unknown member 'patient' of Observation (members: setId, "
            "valueType, category, code, subId, value, units, referenceRange, interpretations, status, "
            "observationTime, analysisTime, performer, method, performingOrganization, medicalDirector, "
            "orderIndex); inside for_each and keep, paths are "
            "relative to the element, write '$.patient' to start at the message (rule 'k')");
}

TEST(MappingKeepLoadErrors, ElementsOfTextHaveNoMembers) {
  EXPECT_EQ(loadError(R"J([{"name": "k", "keep": "patient.names[0].given", "where": "code == 'Q'"}])J"),
            "mappings/test.json:2:75: the elements of this list are text and have no members: "
            "write $this for the element, or start at the message with '$.' (rule 'k')");
  EXPECT_EQ(loadError(R"J([{"name": "k", "keep": "observations", "where": "$this == 'Q'"}])J"),
            "mappings/test.json:2:65: $this is the element of a keep over a list of text; here, "
            "name a member (rule 'k')");
}

}  // namespace
}  // namespace ferry::mappings::test
