#pragma once
// Evaluates compiled expressions against one message. All state of an evaluation lives in an
// EvalState on the caller's stack (Mapping::apply), so a Mapping can be evaluated by many
// threads at once. Run-time problems (a lookup miss under the "error" policy, a date that does
// not parse) are recorded in EvalState::error and evaluation stops yielding values; nothing
// throws.

#include <string>
#include <string_view>

#include "mappings/environment.h"
#include "mappings/expression.h"
#include "mappings/source_query.h"
#include "mappings/value.h"

namespace ferry::mappings {

// The row the last lookup() call found. A rule usually reads several columns of one code
// (lookup then lookup_column of the same key, to append a code and its display); with this,
// the table is probed once for them. (Within one append, the shortcut lookups of shortcuts.h
// share their probe as decided at load time, and do not use this.)
struct LastLookup {
  const CodeTable* table = nullptr;
  std::string key;
  CodeTable::Row row;

  // The key's row in the table, probed only when it is not the last one asked for.
  CodeTable::Row probe(const CodeTable& t, std::string_view k) {
    if (table != &t || key != k) {
      table = &t;
      key.assign(k);
      row = t.row(k);
    }
    return row;
  }
};

struct EvalState {
  void* root = nullptr;     // the canonical Message
  // The element a for_each or keep is at (a std::string while keep tests a list of text), or
  // the Message.
  void* current = nullptr;
  SourceCache* source = nullptr;
  const Environment* env = nullptr;
  Arena* arena = nullptr;
  std::string error;  // the first run-time error
  LastLookup last_lookup;

  bool failed() const { return !error.empty(); }
  Value fail(std::string text) {
    if (error.empty()) error = std::move(text);
    return Value::null();
  }
};

Value evaluate(const Expr& e, EvalState& state);

// Calls a function (functions.cpp); args are not yet evaluated, so that coalesce and if can
// evaluate lazily.
Value callFunction(const Expr& call, EvalState& state);

// Text form of a scalar: numbers without a trailing ".0", booleans as true/false, null as "".
// Sequences join their items' text. New text is written into the arena.
std::string_view toText(const Value& v, Arena& arena);

// An empty sequence is null, a sequence of one is its item.
Value single(const Value& v);

// Value equality as rules see it: numbers and numeric text compare as numbers.
bool equalValues(const Value& a, const Value& b);

}  // namespace ferry::mappings
