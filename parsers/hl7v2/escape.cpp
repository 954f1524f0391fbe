#include "parsers/hl7v2/escape.h"

#include <algorithm>

namespace ferry::hl7v2 {

namespace {

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Decodes the hex payload of \Xhhhh\; false (and nothing appended) if it is not whole hex pairs.
bool appendHex(std::string_view hex, std::string& out) {
  if (hex.empty() || hex.size() % 2 != 0) return false;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (hexDigit(hex[i]) < 0 || hexDigit(hex[i + 1]) < 0) return false;
  }
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out += static_cast<char>(hexDigit(hex[i]) * 16 + hexDigit(hex[i + 1]));
  }
  return true;
}

// Appends the meaning of one escape sequence body (the text between the escape characters).
// Returns false when the body is not one Ferry decodes, so the caller keeps it verbatim.
bool appendSequence(std::string_view body, const EncodingCharacters& enc, std::string& out) {
  if (body.size() == 1) {
    switch (body[0]) {
      case 'F': out += enc.field; return true;
      case 'S': out += enc.component; return true;
      case 'T': out += enc.subcomponent; return true;
      case 'R': out += enc.repetition; return true;
      case 'E': out += enc.escape; return true;
      case 'P':
        if (enc.truncation == '\0') return false;
        out += enc.truncation;
        return true;
      default: return false;
    }
  }
  if (body == ".br") {
    out += '\n';
    return true;
  }
  if (body.size() > 1 && body[0] == 'X') return appendHex(body.substr(1), out);
  return false;
}

// Makes room in out for what decoding raw appends, which is never longer than raw (every escape
// sequence decodes to fewer bytes than it takes, or is kept as written): a text with escapes (a
// comment, an address) is then appended piece by piece without a reallocation at each piece.
// Capacity at least doubles, so callers that append many values to one string stay linear.
void reserveFor(std::size_t raw_size, std::string& out) {
  const std::size_t needed = out.size() + raw_size;
  if (needed > out.capacity()) out.reserve(std::max(needed, 2 * out.capacity()));
}

}  // namespace

void appendUnescaped(std::string_view raw, const EncodingCharacters& enc, std::string& out) {
  std::size_t pos = 0;
  while (pos < raw.size()) {
    const std::size_t open = raw.find(enc.escape, pos);
    if (open == std::string_view::npos) break;
    if (pos == 0) reserveFor(raw.size(), out);
    out.append(raw.substr(pos, open - pos));
    const std::size_t close = raw.find(enc.escape, open + 1);
    if (close == std::string_view::npos) {  // unterminated: keep the rest as it is
      pos = open;
      break;
    }
    const std::string_view body = raw.substr(open + 1, close - open - 1);
    if (!appendSequence(body, enc, out)) out.append(raw.substr(open, close - open + 1));
    pos = close + 1;
  }
  out.append(raw.substr(pos));
}

std::string unescape(std::string_view raw, const EncodingCharacters& enc) {
  std::string out;
  out.reserve(raw.size());
  appendUnescaped(raw, enc, out);
  return out;
}

std::string escape(std::string_view value, const EncodingCharacters& enc) {
  std::string out;
  out.reserve(value.size() + 8);
  // \.br\ holds a '.', which a message may declare as one of its delimiters: its line feeds
  // are then written as \X0A\, which reads back the same and holds no delimiter.
  const char* const line_feed = enc.isDelimiter('.') ? "X0A" : ".br";
  for (char c : value) {
    const char* code = nullptr;
    if (c == enc.field) code = "F";
    else if (c == enc.component) code = "S";
    else if (c == enc.subcomponent) code = "T";
    else if (c == enc.repetition) code = "R";
    else if (c == enc.escape) code = "E";
    else if (enc.truncation != '\0' && c == enc.truncation) code = "P";
    else if (c == '\n') code = line_feed;
    else if (c == '\r') code = "X0D";
    if (code == nullptr) {
      out += c;
    } else {
      out += enc.escape;
      out += code;
      out += enc.escape;
    }
  }
  return out;
}

}  // namespace ferry::hl7v2
