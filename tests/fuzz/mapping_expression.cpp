// Fuzz target: one rule expression of the mapping language (mappings/lexer.cpp,
// expression_parser.cpp, call_compiler.cpp, evaluator.cpp): tokenized alone, then compiled as
// the value of a transform and, when it compiles, evaluated over a sample lab result. A lexer
// error lies inside the expression; a compile error has a sentence; evaluation ends in an
// outcome (never an exception or a crash) that names its rule when it fails.
//
// Input: the expression text, e.g. lookup('lab-loinc', code.codings[0].code).

#include "mappings/lexer.h"
#include "tests/fuzz/mapping_support.h"

namespace {

// The expression as a JSON string literal, so any bytes reach the expression compiler.
std::string jsonString(std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0x0F];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view expression(reinterpret_cast<const char*>(data), size);
  std::vector<ferry::mappings::Token> tokens;
  ferry::mappings::LexError lex_error;
  if (!ferry::mappings::tokenize(expression, tokens, lex_error)) {
    ferry::fuzz::check(!lex_error.text.empty(), "a lexer error without a sentence");
    ferry::fuzz::check(lex_error.offset >= 0 && static_cast<std::size_t>(lex_error.offset) <= size,
                       "a lexer error outside the expression");
  } else {
    for (const ferry::mappings::Token& token : tokens) {
      ferry::fuzz::check(token.offset >= 0 && static_cast<std::size_t>(token.offset) <= size,
                         "a token outside the expression");
    }
  }

  const std::string json =
      R"({"name": "fuzz", "version": "1", "namespaces": {"c": "urn:example:insurer:claims:1"},
          "transforms": [{"name": "probe", "set": "encounter.location.bed", "value": )" +
      jsonString(expression) + "}]}";
  std::vector<ferry::mappings::LoadError> errors;
  const auto mapping = ferry::mappings::Mapping::parse(json, "mappings/fuzz.json", ferry::fuzz::sampleTables(),
                                                       {}, errors);
  if (!mapping) {
    ferry::fuzz::checkLoadErrors(errors);
    return 0;
  }
  ferry::fuzz::applyToSample(*mapping);
  return 0;
}
