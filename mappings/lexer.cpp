#include "mappings/lexer.h"

#include <charconv>

namespace ferry::mappings {

namespace {

bool identStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool identPart(char c) { return identStart(c) || (c >= '0' && c <= '9'); }
bool digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool tokenize(std::string_view e, std::vector<Token>& tokens, LexError& error) {
  std::size_t i = 0;
  auto push = [&](Token::Kind kind, std::size_t start, std::size_t length) {
    Token t;
    t.kind = kind;
    t.offset = static_cast<int>(start);
    t.text = std::string(e.substr(start, length));
    tokens.push_back(std::move(t));
    i = start + length;
  };
  while (i < e.size()) {
    const char c = e[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    const std::size_t start = i;
    if (identStart(c)) {
      std::size_t j = i;
      while (j < e.size() && identPart(e[j])) ++j;
      push(Token::Kind::Identifier, start, j - start);
      continue;
    }
    if (digit(c) || (c == '-' && i + 1 < e.size() && digit(e[i + 1]))) {
      std::size_t j = i + 1;
      while (j < e.size() && (digit(e[j]) || e[j] == '.')) ++j;
      Token t;
      t.kind = Token::Kind::Number;
      t.offset = static_cast<int>(start);
      t.text = std::string(e.substr(start, j - start));
      auto [p, ec] = std::from_chars(e.data() + start, e.data() + j, t.number);
      if (ec != std::errc() || p != e.data() + j) {
        error = {static_cast<int>(start), "'" + t.text + "' is not a number"};
        return false;
      }
      tokens.push_back(std::move(t));
      i = j;
      continue;
    }
    if (c == '\'' || c == '"') {
      // Quotes: either kind; a backslash escapes the next character (\' \" \\).
      std::string text;
      std::size_t j = i + 1;
      bool closed = false;
      while (j < e.size()) {
        if (e[j] == '\\' && j + 1 < e.size()) {
          text += e[j + 1];
          j += 2;
          continue;
        }
        if (e[j] == c) {
          closed = true;
          break;
        }
        text += e[j++];
      }
      if (!closed) {
        error = {static_cast<int>(start), "text starting here has no closing quote"};
        return false;
      }
      Token t;
      t.kind = Token::Kind::String;
      t.offset = static_cast<int>(start);
      t.text = std::move(text);
      tokens.push_back(std::move(t));
      i = j + 1;
      continue;
    }
    const char n = i + 1 < e.size() ? e[i + 1] : '\0';
    switch (c) {
      case '(': push(Token::Kind::LeftParen, start, 1); continue;
      case ')': push(Token::Kind::RightParen, start, 1); continue;
      case '[': push(Token::Kind::LeftBracket, start, 1); continue;
      case ']': push(Token::Kind::RightBracket, start, 1); continue;
      case ',': push(Token::Kind::Comma, start, 1); continue;
      case '.': push(Token::Kind::Dot, start, 1); continue;
      case '$': push(Token::Kind::Dollar, start, 1); continue;
      case '*': push(Token::Kind::Star, start, 1); continue;
      case '=':
        if (n == '=') {
          push(Token::Kind::Equal, start, 2);
          continue;
        }
        error = {static_cast<int>(start), "'=' alone is not an operator: compare with '=='"};
        return false;
      case '!':
        if (n == '=') {
          push(Token::Kind::NotEqual, start, 2);
          continue;
        }
        error = {static_cast<int>(start), "'!' is not an operator: use 'not' or '!='"};
        return false;
      case '<': push(n == '=' ? Token::Kind::LessEqual : Token::Kind::Less, start, n == '=' ? 2 : 1); continue;
      case '>': push(n == '=' ? Token::Kind::GreaterEqual : Token::Kind::Greater, start, n == '=' ? 2 : 1); continue;
      default: break;
    }
    error = {static_cast<int>(start), std::string("unexpected character '") + c + "'"};
    return false;
  }
  Token end;
  end.kind = Token::Kind::End;
  end.offset = static_cast<int>(e.size());
  tokens.push_back(std::move(end));
  return true;
}

}  // namespace ferry::mappings
