// The built-in functions of the rule language. Each works on Values and writes any new text
// into the evaluation's Arena. Scalar functions given a sequence apply to each item and give a
// sequence, so lookup('t', observations[*].code.codings[0].code) maps every result.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory_resource>
#include <vector>

#include "mappings/evaluator.h"
#include "mappings/keyed_hash.h"
#include "mappings/schema.h"

namespace ferry::mappings {

namespace {

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// Applies f to v, or to each item of a sequence (keeping non-empty results).
template <class F>
Value mapEach(const Value& v, EvalState& state, F&& f) {
  if (!v.isSequence()) return f(v);
  std::pmr::vector<Value> out(state.arena->resource());
  out.reserve(v.count);
  for (std::size_t i = 0; i < v.count && !state.failed(); ++i) {
    const Value r = f(v.items[i]);
    if (!r.isNull()) out.push_back(r);
  }
  Value s;
  s.kind = Value::Kind::Sequence;
  s.items = out.data();
  s.count = out.size();
  return s;
}

Value caseMap(const Value& v, Arena& arena, bool upper) {
  const std::string_view text = toText(v, arena);
  if (text.empty()) return Value::null();
  char* p = arena.allocateText(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    p[i] = static_cast<char>(upper ? std::toupper(c) : std::tolower(c));  // ASCII only
  }
  return Value::fromStableText({p, text.size()});
}

Value trim(const Value& v, Arena& arena) {
  std::string_view t = toText(v, arena);
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!t.empty() && space(t.front())) t.remove_prefix(1);
  while (!t.empty() && space(t.back())) t.remove_suffix(1);
  return t.empty() ? Value::null() : Value::fromText(t);
}

// Byte offset of code point n in UTF-8 text (text.size() when past the end).
std::size_t codePointOffset(std::string_view text, std::size_t n) {
  std::size_t i = 0;
  while (i < text.size() && n > 0) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    --n;
  }
  return i;
}

std::size_t codePoints(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool wholeNumber(const Value& v, double& out) {
  if (v.kind == Value::Kind::Number) {
    out = v.number;
  } else if (v.kind == Value::Kind::String) {
    char* end = nullptr;
    const std::string s(v.text);
    out = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || *end != '\0') return false;
  } else {
    return false;
  }
  if (!(out >= 0 && out == std::floor(out))) return false;
  // A count beyond any text ("1e30", "inf") means the same as the text's length, and converting
  // such a double to size_t is undefined behaviour (seen beside a fuzz find): 2^53 stands for them all.
  out = std::min(out, 9007199254740992.0);
  return true;
}

Value lookup(const CallData& data, const Value& key_value, const Value* fallback,
             EvalState& state) {
  const std::string_view key = toText(key_value, *state.arena);
  if (key.empty()) return Value::null();  // nothing to look up is not a miss
  if (auto hit = data.table->find(state.last_lookup.probe(*data.table, key), data.column)) {
    return hit->empty() ? Value::null() : Value::fromStableText(*hit);
  }
  if (fallback != nullptr) return *fallback;
  switch (data.table->onMissing()) {
    case MissingKeyPolicy::PassThrough: return Value::fromText(key);
    case MissingKeyPolicy::Default:
      return data.table->defaultValue().empty() ? Value::null()
                                                : Value::fromStableText(data.table->defaultValue());
    case MissingKeyPolicy::Error: break;
  }
  return state.fail(data.name + ": table '" + data.table->name() + "' has no key " +
                    quoted(key));
}

Value dateCall(const CallData& data, const Value& v, EvalState& state) {
  const std::string_view text = toText(v, *state.arena);
  if (text.empty()) return Value::null();
  std::optional<DateTime> dt;
  if (data.in_pattern) {
    dt = parseWithPattern(*data.in_pattern, text);
  } else {
    dt = parseIsoDateTime(text);
  }
  if (!dt) {
    return state.fail(data.name + ": " + quoted(text) +
                      (data.in_pattern ? " does not match the input pattern"
                                       : " is not an ISO 8601 date"));
  }
  std::string why;
  if (data.function == Function::DateAdd) {
    dt = addOffset(*dt, data.offset, why);
    if (!dt) return state.fail(data.name + ": " + why);
  }
  std::optional<std::string> out;
  if (data.out_pattern) {
    out = formatWithPattern(*data.out_pattern, *dt, why);
  } else {
    out = formatIsoDateTime(*dt);
  }
  if (!out) return state.fail(data.name + ": " + why);
  return Value::fromStableText(state.arena->copy(*out));
}

Value regexCall(const CallData& data, const Value& v, EvalState& state) {
  const std::string_view text = toText(v, *state.arena);
  // std::regex recurses once a character: longer text could overflow the stack (call_compiler.cpp).
  if (text.size() > data.regex_max_bytes) {
    return state.fail(data.name + ": the value is " + std::to_string(text.size()) +
                      " bytes long; a regular expression is only run on values of up to " +
                      std::to_string(data.regex_max_bytes) + " bytes (fewer for nested groups)");
  }
  if (data.function == Function::Matches) {
    return Value::fromBool(std::regex_search(text.begin(), text.end(), *data.regex));
  }
  std::pmr::string out(state.arena->resource());
  std::regex_replace(std::back_inserter(out), text.begin(), text.end(), *data.regex,
                     data.replacement);
  return out.empty() ? Value::null() : Value::fromStableText(state.arena->copy(out));
}

bool structEmpty(const Value& v) {
  if (v.kind == Value::Kind::Node) return Schema::isEmpty(*v.type, v.node);
  if (v.isSequence()) {
    for (std::size_t i = 0; i < v.count; ++i) {
      if (!structEmpty(v.items[i])) return false;
    }
    return true;
  }
  return v.isEmpty();
}

}  // namespace

Value callFunction(const Expr& call, EvalState& state) {
  const CallData& data = *call.call;
  const auto& args = call.args;
  Arena& arena = *state.arena;
  auto arg = [&](std::size_t i) { return evaluate(*args[i], state); };

  switch (data.function) {
    case Function::Lookup:
    case Function::LookupColumn: {
      const std::size_t key_at = data.function == Function::Lookup ? 1 : 2;
      const Value key = arg(key_at);
      Value fallback;
      const bool has_default = data.has_default;
      if (has_default) fallback = single(arg(key_at + 1));
      return mapEach(key, state, [&](const Value& k) {
        return lookup(data, k, has_default ? &fallback : nullptr, state);
      });
    }
    case Function::InTable: {
      const Value key = arg(1);
      const Value* items = key.isSequence() ? key.items : &key;
      const std::size_t n = key.isSequence() ? key.count : 1;
      for (std::size_t i = 0; i < n; ++i) {
        const std::string_view k = toText(items[i], arena);
        if (!k.empty() && data.table->contains(k)) return Value::fromBool(true);
      }
      return Value::fromBool(false);
    }
    case Function::Date:
    case Function::DateFormat:
    case Function::DateAdd:
      return mapEach(arg(0), state, [&](const Value& v) { return dateCall(data, v, state); });
    case Function::Now: {
      const auto now = state.env->now ? state.env->now() : std::chrono::system_clock::now();
      return Value::fromStableText(arena.copy(formatIsoDateTime(fromTimePoint(now))));
    }
    case Function::Uuid: {
      if (!state.env->uuid) return state.fail("uuid: the environment has no UUID source");
      return Value::fromStableText(arena.copy(state.env->uuid()));
    }
    case Function::Upper:
    case Function::Lower: {
      const bool upper = data.function == Function::Upper;
      return mapEach(arg(0), state, [&](const Value& v) { return caseMap(v, arena, upper); });
    }
    case Function::Trim:
      return mapEach(arg(0), state, [&](const Value& v) { return trim(v, arena); });
    case Function::Length:
      return mapEach(arg(0), state, [&](const Value& v) {
        return Value::fromNumber(static_cast<double>(codePoints(toText(v, arena))));
      });
    case Function::Concat: {
      std::pmr::string out(arena.resource());
      for (std::size_t i = 0; i < args.size(); ++i) out += toText(arg(i), arena);
      return out.empty() ? Value::null() : Value::fromStableText(arena.copy(out));
    }
    case Function::Substring: {
      const Value s = arg(0);
      double start = 0, length = -1;
      if (!wholeNumber(single(arg(1)), start)) {
        return state.fail("substring: the start must be a whole number from 0");
      }
      if (args.size() == 3 && !wholeNumber(single(arg(2)), length)) {
        return state.fail("substring: the length must be a whole number from 0");
      }
      return mapEach(s, state, [&](const Value& v) {
        const std::string_view text = toText(v, arena);
        const std::size_t b = codePointOffset(text, static_cast<std::size_t>(start));
        std::size_t e = text.size();
        if (length >= 0) {
          e = b + codePointOffset(text.substr(b), static_cast<std::size_t>(length));
        }
        return b >= e ? Value::null() : Value::fromText(text.substr(b, e - b));
      });
    }
    case Function::Matches: {
      const Value v = arg(0);
      if (!v.isSequence()) return regexCall(data, v, state);
      for (std::size_t i = 0; i < v.count; ++i) {
        if (regexCall(data, v.items[i], state).boolean) return Value::fromBool(true);
      }
      return Value::fromBool(false);
    }
    case Function::Replace:
      return mapEach(arg(0), state, [&](const Value& v) { return regexCall(data, v, state); });
    case Function::Coalesce:
      for (std::size_t i = 0; i < args.size(); ++i) {
        const Value v = single(arg(i));
        if (!structEmpty(v) || state.failed()) return v;
      }
      return Value::null();
    case Function::If:
      if (arg(0).truthy()) return arg(1);
      return args.size() == 3 ? arg(2) : Value::null();
    case Function::Exists: return Value::fromBool(!structEmpty(arg(0)));
    case Function::Empty: return Value::fromBool(structEmpty(arg(0)));
    case Function::Count: {
      const Value v = arg(0);
      if (v.isSequence()) return Value::fromNumber(static_cast<double>(v.count));
      return Value::fromNumber(structEmpty(v) ? 0 : 1);
    }
    case Function::KeyedHash:
      return mapEach(arg(0), state, [&](const Value& v) {
        const std::string_view text = toText(v, arena);
        if (text.empty()) return Value::null();  // no identifier, no pseudonym
        char* out = arena.allocateText(64);
        hmacSha256Hex(data.secret, text, out);
        return Value::fromStableText({out, 64});
      });
  }
  return Value::null();
}

}  // namespace ferry::mappings
