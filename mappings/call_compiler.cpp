#include "mappings/call_compiler.h"

#include <algorithm>
#include <string>
#include <vector>

#include "mappings/lexer.h"

namespace ferry::mappings {

namespace {

// libstdc++'s std::regex matches by recursion, one level a character of the text for each group
// the pattern nests, so a long value (an OBX-5 of 50,000 characters is ordinary traffic) overflows
// the stack and kills the engine, even for '.*'. Measured here: 8 MB of stack overflows at about
// 15,000 characters times (nesting + 1) in the sanitizer build, twice that in the release build.
// A regex is therefore run only on text within half that budget for its pattern; a longer value
// makes the rule fail with a sentence, like any other run-time error.
constexpr std::size_t kRegexBudget = 8192;

// Deepest nesting of groups in an ECMAScript pattern: parentheses outside brackets, not escaped.
std::size_t groupNesting(std::string_view pattern) {
  std::size_t depth = 0;
  std::size_t deepest = 0;
  bool in_brackets = false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;
    } else if (in_brackets) {
      in_brackets = c != ']';
    } else if (c == '[') {
      in_brackets = true;
    } else if (c == '(') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ')' && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

constexpr FunctionSpec kFunctions[] = {
    {"lookup", Function::Lookup, 2, 3},
    {"lookup_column", Function::LookupColumn, 3, 4},
    {"in_table", Function::InTable, 2, 2},
    {"date", Function::Date, 2, 3},
    {"date_format", Function::DateFormat, 2, 2},
    {"date_add", Function::DateAdd, 2, 2},
    {"now", Function::Now, 0, 0},
    {"upper", Function::Upper, 1, 1},
    {"lower", Function::Lower, 1, 1},
    {"trim", Function::Trim, 1, 1},
    {"concat", Function::Concat, 1, -1},
    {"substring", Function::Substring, 2, 3},
    {"length", Function::Length, 1, 1},
    {"matches", Function::Matches, 2, 2},
    {"replace", Function::Replace, 3, 3},
    {"coalesce", Function::Coalesce, 1, -1},
    {"if", Function::If, 2, 3},
    {"exists", Function::Exists, 1, 1},
    {"empty", Function::Empty, 1, 1},
    {"count", Function::Count, 1, 1},
    {"uuid", Function::Uuid, 0, 0},
    {"keyed_hash", Function::KeyedHash, 2, 2},
};

// Checks and compiles the literal arguments of one call.
class CallCompiler {
 public:
  CallCompiler(const CompileScope& scope, ExprError& error) : scope_(scope), error_(error) {}

  // Load-time work for each function: literal arguments resolved, compiled and checked.
  bool prepare(Expr& call);

 private:
  void fail(int offset, std::string text) {
    if (error_.text.empty()) error_ = {offset, std::move(text)};
  }

  // The text of literal argument i; a non-literal argument is an error.
  Token stringArg(const std::vector<ExprPtr>& args, std::size_t i, const char* what, bool& ok) {
    Token t;
    if (!ok) return t;
    const Expr& a = *args[i];
    if (a.kind != Expr::Kind::Literal || a.literal_kind != Value::Kind::String) {
      fail(a.offset, std::string(what) + " must be written as text in quotes");
      ok = false;
    }
    t.text = a.text;
    t.offset = a.offset;
    return t;
  }

  bool resolveTable(CallData& data, const Token& t) {
    data.table = scope_.tables->share(t.text);
    if (!data.table) {
      const CodeTable* by_name = scope_.tables->find(t.text.substr(0, t.text.find('@')));
      if (by_name != nullptr && t.text.find('@') != std::string::npos) {
        fail(t.offset, "table '" + by_name->name() + "' has version '" + by_name->version() +
                           "', not the '" + t.text.substr(t.text.find('@') + 1) + "' asked for");
      } else {
        fail(t.offset, "unknown table '" + t.text + "' (no tables/" + t.text + ".csv)");
      }
      return false;
    }
    return true;
  }

  bool pattern(std::optional<DatePattern>& out, const Token& t) {
    std::string why;
    out = compileDatePattern(t.text, why);
    if (!out) fail(t.offset, why);
    return out.has_value();
  }

  const CompileScope& scope_;
  ExprError& error_;
};

bool CallCompiler::prepare(Expr& call) {
  CallData& data = *call.call;
  auto& args = call.args;
  bool ok = true;
  switch (data.function) {
    case Function::Lookup:
    case Function::InTable: {
      const Token t = stringArg(args, 0, "the table name", ok);
      if (!ok || !resolveTable(data, t)) return false;
      data.has_default = args.size() == 3;
      return true;
    }
    case Function::LookupColumn: {
      const Token table = stringArg(args, 0, "the table name", ok);
      if (!ok || !resolveTable(data, table)) return false;
      const Token column = stringArg(args, 1, "the column name", ok);
      if (!ok) return false;
      auto index = data.table->columnIndex(column.text);
      if (!index) {
        std::string names;
        for (const auto& c : data.table->columns()) names += (names.empty() ? "" : ", ") + c;
        fail(column.offset, "table '" + data.table->name() + "' has no column '" +
                                column.text + "' (columns: " + names + ")");
        return false;
      }
      data.column = *index;
      data.has_default = args.size() == 4;
      return true;
    }
    case Function::Date: {
      const Token in = stringArg(args, 1, "the input date pattern", ok);
      if (!ok || !pattern(data.in_pattern, in)) return false;
      if (args.size() == 3) {
        const Token out = stringArg(args, 2, "the output date pattern", ok);
        if (!ok || !pattern(data.out_pattern, out)) return false;
      }
      return true;
    }
    case Function::DateFormat: {
      const Token out = stringArg(args, 1, "the date pattern", ok);
      return ok && pattern(data.out_pattern, out);
    }
    case Function::DateAdd: {
      const Token t = stringArg(args, 1, "the date offset", ok);
      if (!ok) return false;
      std::string why;
      auto offset = parseDateOffset(t.text, why);
      if (!offset) {
        fail(t.offset, why);
        return false;
      }
      data.offset = *offset;
      return true;
    }
    case Function::Matches:
    case Function::Replace: {
      const Token t = stringArg(args, 1, "the regular expression", ok);
      if (!ok) return false;
      try {
        data.regex.emplace(t.text, std::regex::ECMAScript);
        data.regex_max_bytes = kRegexBudget / (groupNesting(t.text) + 1);
      } catch (const std::regex_error& e) {
        fail(t.offset, "'" + t.text + "' is not a valid regular expression: " + e.what());
        return false;
      }
      if (data.function == Function::Replace) {
        const Token with = stringArg(args, 2, "the replacement", ok);
        if (!ok) return false;
        data.replacement = with.text;
      }
      return true;
    }
    case Function::KeyedHash: {
      const Token t = stringArg(args, 1, "the key name", ok);
      if (!ok) return false;
      auto key = scope_.keys->find(t.text);
      if (key == scope_.keys->end()) {
        fail(t.offset, "unknown key '" + t.text + "' for keyed_hash (keys are configured in the engine, not in mappings)");
        return false;
      }
      data.secret = key->second;
      return true;
    }
    default: return true;
  }
}

}  // namespace

const FunctionSpec* findFunction(std::string_view name) {
  for (const FunctionSpec& f : kFunctions) {
    if (name == f.name) return &f;
  }
  return nullptr;
}


bool prepareCall(Expr& call, const CompileScope& scope, ExprError& error) {
  return CallCompiler(scope, error).prepare(call);
}

}  // namespace ferry::mappings
