#pragma once
// Shortcuts for the expression shapes rules use most, often on every element of a for_each:
// comparing a member with a text literal (code.codings[0].system == 'L') and looking a member up
// in a code table (lookup('lab-loinc', code.codings[0].code)). recognizeShapes marks them when
// the expression compiles; evaluate() (evaluator.h) and the rule runner then read the member in
// place and compare it or probe the table with it, without the intermediate Values of the
// general walk. A shortcut gives what the general walk gives; anything unusual (a lookup miss,
// which the table's policy decides) goes back to the general walk.
// tests/mappings/shortcut_test.cpp checks each shape against it.

#include <string_view>
#include <vector>

#include "mappings/evaluator.h"
#include "mappings/expression.h"

namespace ferry::mappings {

// Sets the Shape (expression.h) of e and of every expression under it.
void recognizeShapes(Expr& e);

// Evaluate an expression of shape TextCompare or TextLookup.
bool compareText(const Expr& e, EvalState& state);
Value lookupText(const Expr& e, EvalState& state);

// Whether a condition holds (evaluate(e).truthy()), with the TextCompare shortcut.
inline bool holds(const Expr& e, EvalState& state) {
  if (e.shape != Expr::Shape::TextCompare) return evaluate(e, state).truthy();
  return !state.failed() && compareText(e, state);
}

// Where the key of a TextLookup expression led: nowhere when it is empty (nothing to look up,
// which is not a miss), else to its row in the table, or to no row (a miss).
struct KeyProbe {
  bool empty_key = false;
  CodeTable::Row row;
};
KeyProbe probeKey(const Expr& e, EvalState& state);

// The text a TextLookup expression gives for its probe: the cell of the row (stable: it lives
// in the table), or "" for an empty key. false on a miss, which only the general call can
// decide (the table's policy).
inline bool lookupCell(const Expr& e, const KeyProbe& probe, std::string_view& out) {
  if (probe.empty_key) {
    out = {};
    return true;
  }
  const auto cell = e.call->table->find(probe.row, e.call->column);
  if (!cell) return false;
  out = *cell;
  return true;
}

// True when b (a TextLookup) reads the same key of the same table as a, so that one probe
// serves both: lookup() and lookup_column() of one code, to append the code and its display.
bool sameLookupKey(const Expr& a, const Expr& b);

// Adds to `out` each TextLookup in e (e included) whose key path is relative to the current
// element, once per table and key (sameLookupKey): what a for_each can prefetch for its items.
void collectItemLookups(const Expr& e, std::vector<const Expr*>& out);

// Prefetches the table bucket the TextLookup e will read for `item` (CodeTable::prefetch): its
// key is read in place, nothing allocated; a missing or empty key prefetches nothing.
void prefetchLookup(const Expr& e, void* item);

}  // namespace ferry::mappings
