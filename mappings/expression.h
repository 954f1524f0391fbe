#pragma once
// A compiled rule expression: a tree whose leaves are literals, canonical paths and source
// queries, and whose inner nodes are operators and function calls. Everything that can be
// checked or prepared once (paths, tables, columns, regexes, date patterns, XPaths, keys) is
// resolved by the parser, so evaluation (evaluator.h) only walks the tree.

#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "mappings/canonical_path.h"
#include "mappings/code_table.h"
#include "mappings/date_time.h"
#include "mappings/source_query.h"

namespace ferry::mappings {

enum class Function : std::uint8_t {
  Lookup, LookupColumn, InTable,
  Date, DateFormat, DateAdd, Now,
  Upper, Lower, Trim, Concat, Substring, Length,
  Matches, Replace,
  Coalesce, If, Exists, Empty, Count,
  Uuid, KeyedHash,
};

// What a call prepared at load time; only the members its function uses are set.
struct CallData {
  Function function = Function::Lookup;
  std::string name;  // as written, for run-time messages
  std::shared_ptr<const CodeTable> table;
  std::size_t column = 1;
  std::optional<std::regex> regex;
  // The longest text the regex is run on: std::regex recurses a character at a time
  // (kRegexBudget in call_compiler.cpp).
  std::size_t regex_max_bytes = 0;
  std::string replacement;
  std::optional<DatePattern> in_pattern;
  std::optional<DatePattern> out_pattern;
  DateOffset offset;
  std::string secret;  // keyed_hash key bytes
  bool has_default = false;
};

struct Expr {
  enum class Kind : std::uint8_t {
    Literal, List, Path, Source, Call, And, Or, Not, Compare, In,
    This,  // $this: the element of a list of text that keep is testing
  };
  enum class Compare : std::uint8_t { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual };
  // A shape that evaluation can take a shortcut for (shortcuts.h), recognized once when the
  // expression compiles; General: the plain tree walk.
  enum class Shape : std::uint8_t {
    General,
    TextCompare,  // Compare, == or !=, of a path that gives one text with a text literal
    TextLookup,   // lookup or lookup_column without default, keyed by a path that gives one text
  };

  Kind kind = Kind::Literal;
  Shape shape = Shape::General;
  int offset = 0;  // in the expression text, for errors

  // Literal: kind Null, Bool, Number or String (the text lives in `text`).
  Value::Kind literal_kind = Value::Kind::Null;
  bool boolean = false;
  double number = 0;
  std::string text;

  Compare compare = Compare::Equal;
  std::vector<std::unique_ptr<Expr>> args;  // operands, list items, call arguments
  CanonicalPath path;
  std::unique_ptr<SourceQuery> source;
  std::unique_ptr<CallData> call;
};

using ExprPtr = std::unique_ptr<Expr>;

}  // namespace ferry::mappings
