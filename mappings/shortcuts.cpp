#include "mappings/shortcuts.h"

namespace ferry::mappings {

namespace {

bool isTextPath(const Expr& e) { return e.kind == Expr::Kind::Path && givesOneText(e.path); }

bool isTextLiteral(const Expr& e) {
  return e.kind == Expr::Kind::Literal && e.literal_kind == Value::Kind::String;
}

// The argument a lookup or lookup_column reads its key from.
const Expr& lookupKey(const Expr& call) {
  return *call.args[call.call->function == Function::Lookup ? 1 : 2];
}

Expr::Shape shapeOf(const Expr& e) {
  if (e.kind == Expr::Kind::Compare &&
      (e.compare == Expr::Compare::Equal || e.compare == Expr::Compare::NotEqual) &&
      ((isTextPath(*e.args[0]) && isTextLiteral(*e.args[1])) ||
       (isTextLiteral(*e.args[0]) && isTextPath(*e.args[1])))) {
    return Expr::Shape::TextCompare;
  }
  // With a default argument, a miss gives the default: rare enough to leave to the general call.
  if (e.kind == Expr::Kind::Call &&
      (e.call->function == Function::Lookup || e.call->function == Function::LookupColumn) &&
      !e.call->has_default && isTextPath(lookupKey(e))) {
    return Expr::Shape::TextLookup;
  }
  return Expr::Shape::General;
}

std::string_view findText(const CanonicalPath& path, const EvalState& state) {
  return findText(path, path.rooted ? state.root : state.current);
}

bool samePath(const CanonicalPath& a, const CanonicalPath& b) {
  if (a.rooted != b.rooted || a.steps.size() != b.steps.size()) return false;
  for (std::size_t i = 0; i < a.steps.size(); ++i) {
    const PathStep& x = a.steps[i];
    const PathStep& y = b.steps[i];
    if (x.field != y.field || x.select != y.select || x.index != y.index) return false;
  }
  return true;
}

}  // namespace

void recognizeShapes(Expr& e) {
  e.shape = shapeOf(e);
  for (const ExprPtr& arg : e.args) recognizeShapes(*arg);
}

bool compareText(const Expr& e, EvalState& state) {
  const bool path_first = e.args[0]->kind == Expr::Kind::Path;
  const std::string_view text = findText(e.args[path_first ? 0 : 1]->path, state);
  const std::string& literal = e.args[path_first ? 1 : 0]->text;
  // As equalValues: an empty (or missing) member equals only the empty literal.
  const bool equal = text == literal;
  return equal == (e.compare == Expr::Compare::Equal);
}

KeyProbe probeKey(const Expr& e, EvalState& state) {
  KeyProbe probe;
  const std::string_view key = findText(lookupKey(e).path, state);
  if (key.empty()) {
    probe.empty_key = true;
  } else {
    probe.row = e.call->table->row(key);
  }
  return probe;
}

Value lookupText(const Expr& e, EvalState& state) {
  std::string_view text;
  if (!lookupCell(e, probeKey(e, state), text)) return callFunction(e, state);  // a miss
  return text.empty() ? Value::null() : Value::fromStableText(text);
}

bool sameLookupKey(const Expr& a, const Expr& b) {
  return a.shape == Expr::Shape::TextLookup && b.shape == Expr::Shape::TextLookup &&
         a.call->table == b.call->table && samePath(lookupKey(a).path, lookupKey(b).path);
}

void collectItemLookups(const Expr& e, std::vector<const Expr*>& out) {
  if (e.shape == Expr::Shape::TextLookup && !lookupKey(e).path.rooted) {
    bool seen = false;
    for (const Expr* o : out) seen = seen || sameLookupKey(*o, e);
    if (!seen) out.push_back(&e);
  }
  for (const ExprPtr& arg : e.args) collectItemLookups(*arg, out);
}

void prefetchLookup(const Expr& e, void* item) {
  const std::string_view key = findText(lookupKey(e).path, item);
  if (!key.empty()) e.call->table->prefetch(key);
}

}  // namespace ferry::mappings
