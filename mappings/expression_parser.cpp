#include "mappings/expression_parser.h"

#include <cstdint>
#include <limits>
#include <vector>

#include "mappings/call_compiler.h"
#include "mappings/lexer.h"
#include "mappings/shortcuts.h"

namespace ferry::mappings {

namespace {

using K = Token::Kind;

bool isKeyword(const Token& t, std::string_view word) {
  return t.kind == K::Identifier && t.text == word;
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case K::End: return "the end of the expression";
    case K::String: return "'" + t.text + "'";
    default: return "'" + t.text + "'";
  }
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, const CompileScope& scope, ExprError& error)
      : tokens_(std::move(tokens)), scope_(scope), error_(error) {}

  ExprPtr parseAll() {
    ExprPtr e = parseOr();
    if (e && peek().kind != K::End) return fail(peek().offset, "unexpected " + describe(peek()));
    return e;
  }

  // A path alone, to the end of the text.
  std::optional<CanonicalPath> parseWholePath() {
    const Token& t = peek();
    if (t.kind != K::Dollar && t.kind != K::Identifier) {
      fail(t.offset, "expected a path such as 'observations[*]', found " + describe(t));
      return std::nullopt;
    }
    auto path = parsePath();
    if (!path) return std::nullopt;
    if (peek().kind != K::End) {
      fail(peek().offset, "unexpected " + describe(peek()) + " after the path");
      return std::nullopt;
    }
    return path;
  }

  const Token& peek(std::size_t ahead = 0) const {
    const std::size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }

 private:
  ExprPtr fail(int offset, std::string text) {
    if (error_.text.empty()) error_ = {offset, std::move(text)};
    return nullptr;
  }
  const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
  bool expect(K kind, const char* what) {
    if (peek().kind == kind) {
      next();
      return true;
    }
    fail(peek().offset, std::string("expected ") + what + ", found " + describe(peek()));
    return false;
  }

  static ExprPtr node(Expr::Kind kind, int offset) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->offset = offset;
    return e;
  }

  ExprPtr binary(Expr::Kind kind, ExprPtr left, ExprPtr right, int offset) {
    if (!left || !right) return nullptr;
    ExprPtr e = node(kind, offset);
    e->args.push_back(std::move(left));
    e->args.push_back(std::move(right));
    return e;
  }

  // Parentheses, lists, call arguments and 'not' each recurse once a level: a rule thousands of
  // levels deep ("((((...") overflowed the stack of `ferry validate` and of the engine loading
  // it (found by fuzzing). Real rules nest a handful of levels.
  bool deeper(int offset) {
    if (depth_ < kMaxDepth) return true;
    fail(offset, "the expression nests deeper than " + std::to_string(kMaxDepth) +
                     " levels of parentheses, lists, calls and 'not'");
    return false;
  }

  ExprPtr parseOr() {
    if (!deeper(peek().offset)) return nullptr;
    ++depth_;
    ExprPtr left = parseAnd();
    while (left && isKeyword(peek(), "or")) {
      const int at = next().offset;
      left = binary(Expr::Kind::Or, std::move(left), parseAnd(), at);
    }
    --depth_;
    return left;
  }

  ExprPtr parseAnd() {
    ExprPtr left = parseNot();
    while (left && isKeyword(peek(), "and")) {
      const int at = next().offset;
      left = binary(Expr::Kind::And, std::move(left), parseNot(), at);
    }
    return left;
  }

  ExprPtr parseNot() {
    if (isKeyword(peek(), "not")) {
      if (!deeper(peek().offset)) return nullptr;
      const int at = next().offset;
      ++depth_;
      ExprPtr operand = parseNot();
      --depth_;
      if (!operand) return nullptr;
      ExprPtr e = node(Expr::Kind::Not, at);
      e->args.push_back(std::move(operand));
      return e;
    }
    return parseComparison();
  }

  ExprPtr parseComparison() {
    ExprPtr left = parsePrimary();
    if (!left) return nullptr;
    const Token& t = peek();
    Expr::Compare op = Expr::Compare::Equal;
    switch (t.kind) {
      case K::Equal: op = Expr::Compare::Equal; break;
      case K::NotEqual: op = Expr::Compare::NotEqual; break;
      case K::Less: op = Expr::Compare::Less; break;
      case K::LessEqual: op = Expr::Compare::LessEqual; break;
      case K::Greater: op = Expr::Compare::Greater; break;
      case K::GreaterEqual: op = Expr::Compare::GreaterEqual; break;
      default: {
        if (isKeyword(t, "in")) {
          const int at = next().offset;
          return binary(Expr::Kind::In, std::move(left), parsePrimary(), at);
        }
        if (isKeyword(t, "not") && isKeyword(peek(1), "in")) {
          const int at = next().offset;
          next();
          ExprPtr in = binary(Expr::Kind::In, std::move(left), parsePrimary(), at);
          if (!in) return nullptr;
          ExprPtr e = node(Expr::Kind::Not, at);
          e->args.push_back(std::move(in));
          return e;
        }
        return left;
      }
    }
    const int at = next().offset;
    ExprPtr e = binary(Expr::Kind::Compare, std::move(left), parsePrimary(), at);
    if (e) e->compare = op;
    return e;
  }

  ExprPtr literal(const Token& t, Value::Kind kind) {
    ExprPtr e = node(Expr::Kind::Literal, t.offset);
    e->literal_kind = kind;
    return e;
  }

  ExprPtr parsePrimary() {
    const Token& t = peek();
    switch (t.kind) {
      case K::String: {
        next();
        ExprPtr e = literal(t, Value::Kind::String);
        e->text = t.text;
        return e;
      }
      case K::Number: {
        next();
        ExprPtr e = literal(t, Value::Kind::Number);
        e->number = t.number;
        e->text = t.text;
        return e;
      }
      case K::LeftParen: {
        next();
        ExprPtr inner = parseOr();
        if (!inner || !expect(K::RightParen, "')'")) return nullptr;
        return inner;
      }
      case K::LeftBracket: {
        ExprPtr list = node(Expr::Kind::List, next().offset);
        if (peek().kind != K::RightBracket) {
          do {
            ExprPtr item = parseOr();
            if (!item) return nullptr;
            list->args.push_back(std::move(item));
          } while (peek().kind == K::Comma && (next(), true));
        }
        if (!expect(K::RightBracket, "',' or ']'")) return nullptr;
        return list;
      }
      case K::Dollar:
        if (isKeyword(peek(1), "this")) return thisExpr();
        return pathExpr(false);
      case K::Identifier: {
        if (t.text == "true" || t.text == "false") {
          next();
          ExprPtr e = literal(t, Value::Kind::Bool);
          e->boolean = t.text == "true";
          return e;
        }
        if (t.text == "null") {
          next();
          return literal(t, Value::Kind::Null);
        }
        if (t.text == "and" || t.text == "or" || t.text == "in" || t.text == "not") {
          return fail(t.offset, "expected a value, found '" + t.text + "'");
        }
        if (peek(1).kind == K::LeftParen) return parseCall();
        return pathExpr(false);
      }
      default: break;
    }
    return fail(t.offset, "expected a value, found " + describe(t));
  }

  ExprPtr thisExpr() {
    const int at = next().offset;
    next();  // this
    if (!scope_.text_element) {
      return fail(at, "$this is the element of a keep over a list of text; here, name a member");
    }
    return node(Expr::Kind::This, at);
  }

  ExprPtr pathExpr(bool structures_allowed) {
    const int at = peek().offset;
    auto path = parsePath();
    if (!path) return nullptr;
    if (!structures_allowed && path->leafStruct() != nullptr) {
      return fail(at, "'" + path->text + "' is a structure (" + path->leafStruct()->name +
                          "); name one of its members (" + path->leafStruct()->memberList() +
                          "), or use exists(), empty() or count()");
    }
    ExprPtr e = node(Expr::Kind::Path, at);
    e->path = std::move(*path);
    return e;
  }

 public:
  std::optional<CanonicalPath> parsePath() {
    const int start = peek().offset;
    bool rooted = false;
    if (peek().kind == K::Dollar) {
      next();
      if (!expect(K::Dot, "'.' after '$'")) return std::nullopt;
      rooted = true;
    }
    std::vector<PathSegment> segments;
    int end = start;
    while (true) {
      const Token& name = peek();
      if (name.kind != K::Identifier) {
        fail(name.offset, "expected a member name, found " + describe(name));
        return std::nullopt;
      }
      next();
      PathSegment seg;
      seg.name = name.text;
      seg.offset = name.offset;
      end = name.offset + static_cast<int>(name.text.size());
      if (peek().kind == K::LeftBracket) {
        next();
        const Token& inside = peek();
        if (inside.kind == K::Star) {
          seg.select = PathStep::Select::All;
        } else if (inside.kind == K::Number && inside.number >= 0 &&
                   inside.text.find('.') == std::string::npos && inside.text[0] != '-') {
          // Converting a double beyond the index type is undefined behaviour (found by fuzzing);
          // resolvePath refuses the indexes in between with the same sentence.
          if (inside.number > static_cast<double>(std::numeric_limits<std::uint32_t>::max())) {
            fail(seg.offset, "index " + inside.text + " is too large (at most " + std::to_string(kMaxPathIndex) + ")");
            return std::nullopt;
          }
          seg.select = PathStep::Select::Index;
          seg.index = static_cast<std::uint32_t>(inside.number);
        } else {
          fail(inside.offset, "expected an index (0, 1, ...) or '*', found " + describe(inside));
          return std::nullopt;
        }
        next();
        end = peek().offset + 1;
        if (!expect(K::RightBracket, "']'")) return std::nullopt;
      }
      segments.push_back(std::move(seg));
      if (peek().kind != K::Dot) break;
      next();
    }
    const StructInfo* base = rooted ? scope_.root : scope_.base;
    if (base == nullptr) {
      fail(start, "the elements of this list are text and have no members: write $this for the "
                  "element, or start at the message with '$.'");
      return std::nullopt;
    }
    PathError perr;
    auto path = resolvePath(base, rooted, segments, text_.substr(start, end - start), perr);
    if (!path) {
      if (!rooted && base != scope_.root && segments.front().offset == perr.offset &&
          scope_.root->find(segments.front().name) != nullptr) {
        perr.text += "; inside for_each and keep, paths are relative to the element, write '$." +
                     segments.front().name + "' to start at the message";
      }
      fail(perr.offset, perr.text);
    }
    return path;
  }

  void setText(std::string text) { text_ = std::move(text); }

 private:
  ExprPtr parseCall() {
    const Token name = next();
    next();  // '('
    if (name.text == "hl7" || name.text == "json" || name.text == "xpath") return parseSource(name);
    if (name.text == "out") {
      return fail(name.offset, "out('...') names a field of the outgoing message and can only be a target");
    }
    const FunctionSpec* spec = findFunction(name.text);
    if (spec == nullptr) return fail(name.offset, "unknown function '" + name.text + "'");
    ExprPtr call = node(Expr::Kind::Call, name.offset);
    const bool structures = spec->function == Function::Exists ||
                            spec->function == Function::Empty || spec->function == Function::Count;
    if (peek().kind != K::RightParen) {
      do {
        ExprPtr arg;
        const bool bare_path = (peek().kind == K::Dollar && !isKeyword(peek(1), "this")) ||
                               (peek().kind == K::Identifier && peek(1).kind != K::LeftParen);
        if (structures && bare_path) {
          arg = pathExpr(true);
        } else {
          arg = parseOr();
        }
        if (!arg) return nullptr;
        call->args.push_back(std::move(arg));
      } while (peek().kind == K::Comma && (next(), true));
    }
    if (!expect(K::RightParen, "',' or ')'")) return nullptr;
    const int n = static_cast<int>(call->args.size());
    if (n < spec->min_args || (spec->max_args >= 0 && n > spec->max_args)) {
      std::string want = std::to_string(spec->min_args);
      if (spec->max_args != spec->min_args) {
        want += spec->max_args < 0 ? " or more" : " to " + std::to_string(spec->max_args);
      }
      std::string hint;
      if (spec->function == Function::Lookup && n == 4) {
        hint = "; for another column use lookup_column(table, column, key[, default])";
      }
      return fail(name.offset, name.text + "() takes " + want + " argument" +
                                   (spec->max_args == 1 && spec->min_args == 1 ? "" : "s") +
                                   ", not " + std::to_string(n) + hint);
    }
    call->call = std::make_unique<CallData>();
    call->call->function = spec->function;
    call->call->name = name.text;
    if (!prepareCall(*call, scope_, error_)) return nullptr;
    return call;
  }

  ExprPtr parseSource(const Token& name) {
    const Token& arg = peek();
    if (arg.kind != K::String) {
      return fail(arg.offset, name.text + "() takes one path written as text in quotes");
    }
    next();
    if (!expect(K::RightParen, "')'")) return nullptr;
    std::string why;
    int inner = 0;
    std::optional<SourceQuery> q;
    if (name.text == "hl7") {
      q = compileHl7Query(arg.text, why);
    } else if (name.text == "json") {
      q = compileJsonQuery(arg.text, why, inner);
    } else {
      q = compileXpathQuery(arg.text, *scope_.namespaces, why, inner);
    }
    if (!q) return fail(arg.offset + 1 + inner, why);
    ExprPtr e = node(Expr::Kind::Source, name.offset);
    e->source = std::make_unique<SourceQuery>(std::move(*q));
    return e;
  }

  static constexpr int kMaxDepth = 64;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;  // parseOr and not levels open (deeper())
  const CompileScope& scope_;
  ExprError& error_;
  std::string text_;
};

bool lex(std::string_view text, std::vector<Token>& tokens, ExprError& error) {
  LexError lerr;
  if (!tokenize(text, tokens, lerr)) {
    error = {lerr.offset, lerr.text};
    return false;
  }
  return true;
}

}  // namespace

ExprPtr compileExpression(std::string_view text, const CompileScope& scope, ExprError& error) {
  std::vector<Token> tokens;
  if (!lex(text, tokens, error)) return nullptr;
  if (tokens.size() == 1) {
    error = {0, "the expression is empty"};
    return nullptr;
  }
  Parser parser(std::move(tokens), scope, error);
  parser.setText(std::string(text));
  ExprPtr e = parser.parseAll();
  if (e) recognizeShapes(*e);
  return e;
}

std::optional<Target> compileTarget(std::string_view text, const CompileScope& scope,
                                    ExprError& error) {
  std::vector<Token> tokens;
  if (!lex(text, tokens, error)) return std::nullopt;
  Target target;
  if (tokens.size() >= 2 && isKeyword(tokens[0], "out") && tokens[1].kind == K::LeftParen) {
    if (tokens.size() != 5 || tokens[2].kind != K::String || tokens[3].kind != K::RightParen) {
      error = {tokens[0].offset, "write an outgoing field as out('MSH-5')"};
      return std::nullopt;
    }
    std::string why;
    auto q = compileHl7Query(tokens[2].text, why);
    if (!q) {
      error = {tokens[2].offset + 1, why};
      return std::nullopt;
    }
    if (q->hl7.field < 1) {
      error = {tokens[2].offset + 1, "out('" + tokens[2].text + "') needs a field number"};
      return std::nullopt;
    }
    target.outgoing = true;
    target.hl7_text = tokens[2].text;
    target.hl7 = q->hl7;
    return target;
  }
  auto path = compilePath(text, scope, error);
  if (!path) return std::nullopt;
  target.path = std::move(*path);
  return target;
}

std::optional<CanonicalPath> compilePath(std::string_view text, const CompileScope& scope,
                                         ExprError& error) {
  std::vector<Token> tokens;
  if (!lex(text, tokens, error)) return std::nullopt;
  Parser parser(std::move(tokens), scope, error);
  parser.setText(std::string(text));
  return parser.parseWholePath();
}

}  // namespace ferry::mappings
