#pragma once
// Splits one rule expression ("lookup('lab-loinc', code.codings[0].code) != ''") into tokens,
// each with its byte offset in the expression so that load errors can point at the column.

#include <string>
#include <string_view>
#include <vector>

namespace ferry::mappings {

struct Token {
  enum class Kind {
    End, Identifier, Number, String,
    LeftParen, RightParen, LeftBracket, RightBracket, Comma, Dot, Dollar, Star,
    Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual,
  };
  Kind kind = Kind::End;
  std::string text;   // identifier name, decoded string literal, number as written
  double number = 0;
  int offset = 0;     // byte offset of the token's first character
};

struct LexError {
  int offset = 0;
  std::string text;
};

// false (and error set) on a character that starts no token or an unterminated string.
bool tokenize(std::string_view expression, std::vector<Token>& tokens, LexError& error);

}  // namespace ferry::mappings
