// Shortcuts (mappings/shortcuts.h): the shapes that evaluation takes a direct path for give what
// the general tree walk gives. Each expression is compiled once, evaluated with its shapes and
// again with every shape reset to General, on messages where the member is set, empty, or
// missing altogether; and whole mappings using the fast paths of the rule runner (for_each over
// a list in place, appends that share a lookup, members written in place) give the same message
// as the slower forms of the same rules.

#include <gtest/gtest.h>

#include "mappings/expression_parser.h"
#include "mappings/schema.h"
#include "mappings/shortcuts.h"
#include "tests/mappings/mapping_test_support.h"

namespace ferry::mappings::test {
namespace {

canonical::Coding coding(std::string system, std::string code) {
  canonical::Coding c;
  c.system = std::move(system);
  c.code = std::move(code);
  return c;
}

// Three results: coded 'L'/GLU, 'L' with an empty code, and one with no coding at all.
canonical::Message labMessage() {
  canonical::Message m;
  m.header.message_type = "ORU";
  m.observations.resize(3);
  m.observations[0].code.codings.push_back(coding("L", "GLU"));
  m.observations[1].code.codings.push_back(coding("L", ""));
  canonical::HumanName name;
  name.given = {"Ada", ""};
  m.patient.names.push_back(name);
  return m;
}

std::shared_ptr<const CodeTable> labTable(const std::string& sidecar_json) {
  std::vector<LoadError> errors;
  const std::string* sidecar = sidecar_json.empty() ? nullptr : &sidecar_json;
  auto table = CodeTable::parse("lab", "local,loinc,display\nGLU,2345-7,Glucose\nK,2823-3,\n",
                                "tables/lab.csv", sidecar, "tables/lab.json", errors);
  EXPECT_TRUE(table) << describeAll(errors);
  return table;
}

void forgetShapes(Expr& e) {
  e.shape = Expr::Shape::General;
  for (const ExprPtr& arg : e.args) forgetShapes(*arg);
}

// Evaluates an expression at the message root, or at an observation when `element` >= 0; the
// text of the value, or "ERROR: ..." when the evaluation failed.
class Both {
 public:
  explicit Both(std::string sidecar = "") { tables_.add(labTable(sidecar)); }

  ExprPtr compile(const std::string& text, bool at_observation) const {
    const Schema& schema = Schema::canonical();
    CompileScope scope;
    scope.root = schema.message();
    scope.base = at_observation ? schema.message()->find("observations")->type : scope.root;
    scope.tables = &tables_;
    scope.keys = &keys_;
    scope.namespaces = &namespaces_;
    ExprError error;
    ExprPtr e = compileExpression(text, scope, error);
    EXPECT_TRUE(e) << text << ": " << error.text;
    return e;
  }

  std::string run(const Expr& e, canonical::Message& m, int element) const {
    Arena arena;
    SourceCache cache(source_, namespaces_);
    EvalState state;
    state.root = &m;
    state.current = element < 0 ? static_cast<void*>(&m) : &m.observations[element];
    state.source = &cache;
    state.env = &env_;
    state.arena = &arena;
    const Value v = evaluate(e, state);
    if (state.failed()) return "ERROR: " + state.error;
    return std::string(toText(v, arena));
  }

  // Checks that the expression has `shape` and gives the same with and without it; returns
  // the result.
  std::string check(const std::string& text, Expr::Shape shape, int element = -1) const {
    ExprPtr e = compile(text, element >= 0);
    if (!e) return "LOAD";
    EXPECT_EQ(e->shape, shape) << text;
    canonical::Message m = labMessage();
    const std::string fast = run(*e, m, element);
    forgetShapes(*e);
    const std::string general = run(*e, m, element);
    EXPECT_EQ(fast, general) << text;
    return fast;
  }

 private:
  TableSet tables_;
  Keys keys_;
  Namespaces namespaces_;
  Source source_;
  Environment env_ = Environment::fixed("2026-11-20T13:30:15Z", 1);
};

constexpr auto kCompare = Expr::Shape::TextCompare;
constexpr auto kLookup = Expr::Shape::TextLookup;
constexpr auto kGeneral = Expr::Shape::General;

TEST(MappingShortcut, TextCompareGivesWhatTheGeneralWalkGives) {
  Both both;
  EXPECT_EQ(both.check("header.message_type == 'ORU'", kCompare), "true");
  EXPECT_EQ(both.check("'ORU' == header.message_type", kCompare), "true");
  EXPECT_EQ(both.check("header.message_type != 'ORU'", kCompare), "false");
  EXPECT_EQ(both.check("header.message_type == 'ADT'", kCompare), "false");
  EXPECT_EQ(both.check("header.message_type == ''", kCompare), "false");
}

TEST(MappingShortcut, EmptyAndMissingMembersEqualOnlyTheEmptyLiteral) {
  Both both;
  EXPECT_EQ(both.check("header.control_id == ''", kCompare), "true");
  EXPECT_EQ(both.check("header.control_id != 'x'", kCompare), "true");
  EXPECT_EQ(both.check("observations[2].code.codings[0].system == ''", kCompare), "true");
  EXPECT_EQ(both.check("observations[9].code.codings[0].system == 'L'", kCompare), "false");
  EXPECT_EQ(both.check("observations[9].code.codings[0].system != 'L'", kCompare), "true");
}

TEST(MappingShortcut, TextCompareReadsOneElementOfAListOfText) {
  Both both;
  EXPECT_EQ(both.check("patient.names[0].given[0] == 'Ada'", kCompare), "true");
  EXPECT_EQ(both.check("patient.names[0].given[1] == ''", kCompare), "true");
  EXPECT_EQ(both.check("patient.names[0].given[5] == ''", kCompare), "true");
}

TEST(MappingShortcut, TextCompareWorksInsideAnElementAndFromTheRoot) {
  Both both;
  EXPECT_EQ(both.check("code.codings[0].system == 'L'", kCompare, 0), "true");
  EXPECT_EQ(both.check("code.codings[0].system == 'L'", kCompare, 2), "false");
  EXPECT_EQ(both.check("$.header.message_type == 'ORU'", kCompare, 1), "true");
}

TEST(MappingShortcut, OtherComparisonsTakeTheGeneralWalk) {
  Both both;
  EXPECT_EQ(both.check("header.message_type < 'P'", kGeneral), "true");
  EXPECT_EQ(both.check("header.message_type == header.message_type", kGeneral), "true");
  EXPECT_EQ(both.check("observations[*].code.codings[0].system == 'L'", kGeneral), "true");
  EXPECT_EQ(both.check("patient.names[0].given == 'Ada'", kGeneral), "true");
  EXPECT_EQ(both.check("observations[0].value.number == '1'", kGeneral), "false");
}

TEST(MappingShortcut, LookupOfAFoundKeyGivesTheCell) {
  Both both;
  EXPECT_EQ(both.check("lookup('lab', code.codings[0].code)", kLookup, 0), "2345-7");
  EXPECT_EQ(both.check("lookup_column('lab', 'display', code.codings[0].code)", kLookup, 0),
            "Glucose");
  EXPECT_EQ(both.check("lookup_column('lab', 'local', code.codings[0].code)", kLookup, 0), "GLU");
  EXPECT_EQ(both.check("lookup('lab', $.observations[0].code.codings[0].code)", kLookup), "2345-7");
}

TEST(MappingShortcut, LookupOfAnEmptyOrMissingKeyGivesNothing) {
  Both both;
  EXPECT_EQ(both.check("lookup('lab', code.codings[0].code)", kLookup, 1), "");
  EXPECT_EQ(both.check("lookup('lab', code.codings[0].code)", kLookup, 2), "");
}

TEST(MappingShortcut, LookupMissFollowsTheTablePolicy) {
  const std::string on_missing = "code.codings[0].system";  // 'L' is not a key of the table
  EXPECT_EQ(Both().check("lookup('lab', " + on_missing + ")", kLookup, 0),
            "ERROR: lookup: table 'lab' has no key 'L'");
  EXPECT_EQ(Both(R"J({"on_missing": "pass_through"})J").check("lookup('lab', " + on_missing + ")", kLookup, 0),
            "L");
  EXPECT_EQ(Both(R"J({"on_missing": "default", "default": "?"})J")
                .check("lookup_column('lab', 'display', " + on_missing + ")", kLookup, 0),
            "?");
}

TEST(MappingShortcut, LookupWithADefaultOrOfSeveralKeysTakesTheGeneralCall) {
  Both both;
  EXPECT_EQ(both.check("lookup('lab', code.codings[0].system, 'none')", kGeneral, 0), "none");
  EXPECT_EQ(both.check("lookup('lab', observations[*].code.codings[0].code)", kGeneral), "2345-7");
}

TEST(MappingShortcut, ShortcutsInsideLargerExpressionsAreTakenToo) {
  Both both;
  ExprPtr e = both.compile("header.message_type == 'ORU' and lookup('lab', 'GLU') == '2345-7'", false);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->args[0]->shape, kCompare);
  EXPECT_EQ(both.check("header.message_type == 'ORU' and not (header.message_type == 'ADT')", kGeneral),
            "true");
}

TEST(MappingShortcut, FindTextReadsWhatReadPathReads) {
  const Schema& schema = Schema::canonical();
  canonical::Message m = labMessage();
  Arena arena;
  for (const char* text : {"header.message_type", "header.control_id", "patient.names[0].given[0]",
                           "patient.names[0].given[1]", "patient.names[0].given[4]",
                           "patient.names[3].given[0]", "observations[0].code.codings[0].code",
                           "observations[1].code.codings[0].code", "observations[2].code.codings[0].code",
                           "header.message_datetime", "observations[0].observation_time",
                           "observations[5].observation_time", "patient.birth_date"}) {
    CompileScope scope;
    scope.root = scope.base = schema.message();
    ExprError error;
    auto path = compilePath(text, scope, error);
    ASSERT_TRUE(path) << text << ": " << error.text;
    ASSERT_TRUE(givesOneText(*path)) << text;
    const std::string_view found = findText(*path, &m);
    const Value read = readPath(*path, &m, arena);
    EXPECT_EQ(found, toText(read, arena)) << text;
  }
}

// Whole mappings: the fast forms of the runner against slower spellings of the same rules.
std::string appendMapping(const std::string& for_each, const std::string& target,
                          const std::string& members) {
  return R"J({"name": "t", "version": "1", "transforms": [{"name": "loinc", )J" +
         (for_each.empty() ? std::string() : R"J("for_each": ")J" + for_each + "\", ") +
         R"J("do": [{"append": ")J" + target + R"J(", "value": )J" + members + "}]}]}";
}

canonical::Message applied(const std::string& json, const std::string& sidecar = "",
                           std::string* error = nullptr) {
  TableSet tables;
  tables.add(labTable(sidecar));
  std::vector<LoadError> errors;
  auto mapping = compile(json, tables, errors);
  EXPECT_TRUE(mapping) << describeAll(errors);
  canonical::Message m = labMessage();
  if (!mapping) return m;
  const Outcome out = mapping->apply(m, {}, Environment::fixed("2026-11-20T13:30:15Z", 1));
  if (error != nullptr) *error = out.kind == Outcome::Kind::Errored ? out.reason : "";
  return m;
}

const std::string kLoinc = R"J({"system": "'http://loinc.org'",
  "code": "lookup('lab', code.codings[0].code)",
  "display": "lookup_column('lab', 'display', code.codings[0].code)"})J";

TEST(MappingShortcut, AppendWithASharedLookupWritesCodeAndDisplay) {
  const canonical::Message m = applied(appendMapping("observations[*]", "code.codings", kLoinc));
  ASSERT_EQ(m.observations[0].code.codings.size(), 2U);
  EXPECT_EQ(m.observations[0].code.codings[1].system, "http://loinc.org");
  EXPECT_TRUE(m.observations[0].code.codings[1].system.wellKnown());  // written in place, shared
  EXPECT_EQ(m.observations[0].code.codings[1].code, "2345-7");
  EXPECT_EQ(m.observations[0].code.codings[1].display, "Glucose");
  // An empty or missing key gives empty members, not a miss.
  ASSERT_EQ(m.observations[1].code.codings.size(), 2U);
  EXPECT_EQ(m.observations[1].code.codings[1].code, "");
  EXPECT_EQ(m.observations[1].code.codings[1].display, "");
  ASSERT_EQ(m.observations[2].code.codings.size(), 1U);  // the appended coding is its first
  EXPECT_EQ(m.observations[2].code.codings[0].system, "http://loinc.org");
}

TEST(MappingShortcut, AppendSharingAKeyGivesWhatSeparateKeysGive) {
  // The second spelling reads the key through different paths, so nothing is shared.
  const canonical::Message shared = applied(appendMapping("", "observations[0].code.codings",
      R"J({"code": "lookup('lab', observations[0].code.codings[0].code)",
          "display": "lookup_column('lab', 'display', observations[0].code.codings[0].code)"})J"));
  const canonical::Message apart = applied(appendMapping("", "observations[0].code.codings",
      R"J({"code": "lookup('lab', observations[0].code.codings[0].code)",
          "display": "lookup_column('lab', 'display', $.observations[0].code.codings[0].code)"})J"));
  EXPECT_EQ(shared, apart);
  EXPECT_EQ(shared.observations[0].code.codings[1].display, "Glucose");
}

TEST(MappingShortcut, AppendSharingAKeyThatMissesFollowsThePolicy) {
  const std::string by_system = R"J({"code": "lookup('lab', code.codings[0].system)",
    "display": "lookup_column('lab', 'display', code.codings[0].system)"})J";
  std::string error;
  applied(appendMapping("observations[*]", "code.codings", by_system), "", &error);
  EXPECT_EQ(error, "lookup: table 'lab' has no key 'L'");
  const canonical::Message m = applied(appendMapping("observations[*]", "code.codings", by_system),
                                       R"J({"on_missing": "pass_through"})J");
  ASSERT_EQ(m.observations[0].code.codings.size(), 2U);
  EXPECT_EQ(m.observations[0].code.codings[1].code, "L");
  EXPECT_EQ(m.observations[0].code.codings[1].display, "L");
}

TEST(MappingShortcut, ForEachWithoutSelectorIsForEachOverAll) {
  EXPECT_EQ(applied(appendMapping("observations", "code.codings", kLoinc)),
            applied(appendMapping("observations[*]", "code.codings", kLoinc)));
}

TEST(MappingShortcut, AppendToOneListEqualsAppendThroughSlots) {
  // observations[0].code.codings names one list (written in one walk); observations[*]... names
  // each observation's list (written through the slots). On the first element they agree.
  const canonical::Message one = applied(appendMapping("", "observations[0].code.codings",
                                                       R"J({"system": "'S'", "code": "'C'"})J"));
  const canonical::Message all = applied(appendMapping("", "observations[*].code.codings",
                                                       R"J({"system": "'S'", "code": "'C'"})J"));
  EXPECT_EQ(one.observations[0].code.codings, all.observations[0].code.codings);
  EXPECT_EQ(all.observations[1].code.codings.back().code, "C");
  EXPECT_EQ(one.observations[1].code.codings.size(), 1U);
}

TEST(MappingShortcut, AppendMembersBelowTheElementGoThroughSlots) {
  const canonical::Message m = applied(appendMapping("", "observations",
      R"J({"set_id": "'4'", "code.text": "'Potassium'", "code.codings[0].code": "'K'"})J"));
  ASSERT_EQ(m.observations.size(), 4U);
  EXPECT_EQ(m.observations[3].set_id, "4");
  EXPECT_EQ(m.observations[3].code.text, "Potassium");
  ASSERT_EQ(m.observations[3].code.codings.size(), 1U);
  EXPECT_EQ(m.observations[3].code.codings[0].code, "K");
}

TEST(MappingShortcut, AppendCopiesTextReadFromTheListItGrows) {
  // The value points into the very list the append grows: it is copied before.
  const canonical::Message m = applied(appendMapping("observations[*]", "code.codings",
      R"J({"code": "code.codings[0].code", "system": "code.codings[0].system"})J"));
  ASSERT_EQ(m.observations[0].code.codings.size(), 2U);
  EXPECT_EQ(m.observations[0].code.codings[1].code, "GLU");
  EXPECT_EQ(m.observations[0].code.codings[1].system, "L");
}

TEST(MappingShortcut, ForEachPrefetchingItsLookupsGivesWhatTheLookupsGive) {
  // A for_each prefetches the table bucket of every item's key before running its body
  // (TransformRule::item_lookups); the items' keys here are found, repeated, empty, missing
  // altogether (no coding) and absent from the table (pass_through gives the key back).
  // `when` and a set read lookups too, by the same key and by another path.
  canonical::Message m;
  const char* const codes[] = {"GLU", "K", "", nullptr, "XYZ", "GLU"};
  for (const char* code : codes) {
    canonical::Observation& o = m.observations.emplace_back();
    if (code != nullptr) o.code.codings.push_back(coding("L", code));
  }
  TableSet tables;
  tables.add(labTable(R"J({"on_missing": "pass_through"})J"));
  std::vector<LoadError> errors;
  auto mapping = compile(R"J({"name": "t", "version": "1", "transforms": [{"name": "loinc",
    "for_each": "observations[*]",
    "when": "lookup('lab', code.codings[0].code) != 'none'",
    "do": [{"set": "code.text", "value": "lookup_column('lab', 'local', code.codings[0].code)"},
           {"append": "code.codings", "value": )J" + kLoinc + "}]}]}",
                         tables, errors);
  ASSERT_TRUE(mapping) << describeAll(errors);
  const Outcome out = mapping->apply(m, {}, Environment::fixed("2026-11-20T13:30:15Z", 1));
  ASSERT_NE(out.kind, Outcome::Kind::Errored) << out.reason;
  ASSERT_EQ(m.observations.size(), 6U);
  const std::vector<std::vector<std::string>> expected = {
      // code.text, then each coding's system|code|display
      {"GLU", "L|GLU|", "http://loinc.org|2345-7|Glucose"},
      {"K", "L|K|", "http://loinc.org|2823-3|"},
      {"", "L||", "http://loinc.org||"},
      {"", "http://loinc.org||"},
      {"XYZ", "L|XYZ|", "http://loinc.org|XYZ|XYZ"},
      {"GLU", "L|GLU|", "http://loinc.org|2345-7|Glucose"},
  };
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const canonical::Observation& o = m.observations[i];
    std::vector<std::string> got = {o.code.text};
    for (const canonical::Coding& c : o.code.codings) got.push_back(c.system.str() + "|" + c.code + "|" + c.display);
    EXPECT_EQ(got, expected[i]) << "observation " << i;
  }
}

}  // namespace
}  // namespace ferry::mappings::test
