#include "mappings/evaluator.h"

#include <charconv>
#include <cmath>
#include <memory_resource>
#include <string>
#include <vector>

#include "mappings/schema.h"
#include "mappings/shortcuts.h"

namespace ferry::mappings {

namespace {

bool asNumber(const Value& v, double& out) {
  if (v.kind == Value::Kind::Number) {
    out = v.number;
    return true;
  }
  if (v.kind != Value::Kind::String || v.text.empty()) return false;
  const char* b = v.text.data();
  const char* e = b + v.text.size();
  if (*b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && p == e;
}

// -1, 0, 1, or 2 when the two cannot be ordered.
int order(const Value& a, const Value& b) {
  if (a.isEmpty() || b.isEmpty()) return 2;
  double x = 0, y = 0;
  if ((a.kind == Value::Kind::Number || b.kind == Value::Kind::Number) && asNumber(a, x) &&
      asNumber(b, y)) {
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.kind == Value::Kind::String && b.kind == Value::Kind::String) {
    const int c = a.text.compare(b.text);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return 2;
}

template <class F>
bool any(const Value& a, const Value& b, F&& test) {
  const Value* as = a.isSequence() ? a.items : &a;
  const std::size_t an = a.isSequence() ? a.count : 1;
  const Value* bs = b.isSequence() ? b.items : &b;
  const std::size_t bn = b.isSequence() ? b.count : 1;
  for (std::size_t i = 0; i < an; ++i) {
    for (std::size_t j = 0; j < bn; ++j) {
      if (test(as[i], bs[j])) return true;
    }
  }
  return false;
}

bool compare(Expr::Compare op, const Value& left, const Value& right) {
  const Value a = single(left);
  const Value b = single(right);
  switch (op) {
    case Expr::Compare::Equal: return any(a, b, equalValues);
    case Expr::Compare::NotEqual: return !any(a, b, equalValues);
    case Expr::Compare::Less:
      return any(a, b, [](const Value& x, const Value& y) { return order(x, y) == -1; });
    case Expr::Compare::LessEqual:
      return any(a, b, [](const Value& x, const Value& y) {
        const int o = order(x, y);
        return o == -1 || o == 0;
      });
    case Expr::Compare::Greater:
      return any(a, b, [](const Value& x, const Value& y) { return order(x, y) == 1; });
    case Expr::Compare::GreaterEqual:
      return any(a, b, [](const Value& x, const Value& y) {
        const int o = order(x, y);
        return o == 1 || o == 0;
      });
  }
  return false;
}

Value literal(const Expr& e) {
  switch (e.literal_kind) {
    case Value::Kind::Bool: return Value::fromBool(e.boolean);
    case Value::Kind::Number: return Value::fromNumber(e.number);
    case Value::Kind::String: return Value::fromStableText(e.text);
    default: return Value::null();
  }
}

Value list(const Expr& e, EvalState& state) {
  std::pmr::vector<Value> items(state.arena->resource());
  items.reserve(e.args.size());
  for (const auto& arg : e.args) {
    const Value v = evaluate(*arg, state);
    if (v.isSequence()) {
      items.insert(items.end(), v.items, v.items + v.count);
    } else if (!v.isNull()) {
      items.push_back(v);
    }
  }
  Value out;
  out.kind = Value::Kind::Sequence;
  out.items = items.data();
  out.count = items.size();
  return out;
}

}  // namespace

Value single(const Value& v) {
  if (!v.isSequence()) return v;
  if (v.count == 0) return Value::null();
  if (v.count == 1) return v.items[0];
  return v;
}

bool equalValues(const Value& a, const Value& b) {
  if (a.isEmpty() || b.isEmpty()) return a.isEmpty() && b.isEmpty();
  if (a.kind == Value::Kind::Node || b.kind == Value::Kind::Node) return false;
  if (a.kind == Value::Kind::Bool || b.kind == Value::Kind::Bool) {
    return a.kind == b.kind && a.boolean == b.boolean;
  }
  if (a.kind == Value::Kind::String && b.kind == Value::Kind::String) return a.text == b.text;
  double x = 0, y = 0;
  return asNumber(a, x) && asNumber(b, y) && x == y;
}

std::string_view toText(const Value& v, Arena& arena) {
  switch (v.kind) {
    case Value::Kind::Null:
    case Value::Kind::Node: return {};
    case Value::Kind::String: return v.text;
    case Value::Kind::Bool: return v.boolean ? "true" : "false";
    case Value::Kind::Number: {
      char buf[32];
      const double n = v.number;
      std::to_chars_result r;
      if (std::isfinite(n) && n == std::trunc(n) && std::fabs(n) < 1e15) {
        r = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(n));
      } else {
        r = std::to_chars(buf, buf + sizeof buf, n);
      }
      return arena.copy({buf, static_cast<std::size_t>(r.ptr - buf)});
    }
    case Value::Kind::Sequence: {
      if (v.count == 1) return toText(v.items[0], arena);
      std::pmr::string joined(arena.resource());
      for (std::size_t i = 0; i < v.count; ++i) joined += toText(v.items[i], arena);
      return arena.copy(joined);
    }
  }
  return {};
}

Value evaluate(const Expr& e, EvalState& state) {
  if (state.failed()) return Value::null();
  switch (e.kind) {
    case Expr::Kind::Literal: return literal(e);
    case Expr::Kind::List: return list(e, state);
    case Expr::Kind::Path:
      return readPath(e.path, e.path.rooted ? state.root : state.current, *state.arena);
    case Expr::Kind::Source: return state.source->read(*e.source, *state.arena);
    case Expr::Kind::This: {
      const auto& element = *static_cast<const std::string*>(state.current);
      return element.empty() ? Value::null() : Value::fromText(element);
    }
    case Expr::Kind::Call:
      return e.shape == Expr::Shape::TextLookup ? lookupText(e, state) : callFunction(e, state);
    case Expr::Kind::And: {
      if (!evaluate(*e.args[0], state).truthy()) return Value::fromBool(false);
      return Value::fromBool(evaluate(*e.args[1], state).truthy());
    }
    case Expr::Kind::Or: {
      if (evaluate(*e.args[0], state).truthy()) return Value::fromBool(true);
      return Value::fromBool(evaluate(*e.args[1], state).truthy());
    }
    case Expr::Kind::Not: return Value::fromBool(!evaluate(*e.args[0], state).truthy());
    case Expr::Kind::Compare: {
      if (e.shape == Expr::Shape::TextCompare) return Value::fromBool(compareText(e, state));
      const Value a = evaluate(*e.args[0], state);
      const Value b = evaluate(*e.args[1], state);
      return Value::fromBool(compare(e.compare, a, b));
    }
    case Expr::Kind::In: {
      const Value a = single(evaluate(*e.args[0], state));
      const Value b = evaluate(*e.args[1], state);
      if (a.isEmpty()) return Value::fromBool(false);
      return Value::fromBool(any(a, b, equalValues));
    }
  }
  return Value::null();
}

}  // namespace ferry::mappings
