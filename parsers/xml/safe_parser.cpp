#include "parsers/xml/safe_parser.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <exception>
#include <fstream>
#include <system_error>

namespace ferry::xml {
namespace {

constexpr std::size_t npos = std::string_view::npos;

bool startsWith(std::string_view input, std::size_t at, std::string_view prefix) {
  return input.compare(at, prefix.size(), prefix) == 0;
}

Error tooLarge(std::size_t size_hint, std::size_t max_bytes, bool exact) {
  Error error;
  error.code = ErrorCode::TooLarge;
  error.offset = max_bytes;
  error.text = exact ? "the document is " + std::to_string(size_hint) +
                           " bytes, more than the limit of " + std::to_string(max_bytes) +
                           " bytes; it was refused without being read"
                     : "the document is larger than the limit of " + std::to_string(max_bytes) +
                           " bytes; reading stopped there";
  return error;
}

// UTF-16 and UTF-32 would hide '<' between NUL bytes from the structure pass.
std::optional<Error> checkEncoding(std::string_view in) {
  if (in.size() < 2) return std::nullopt;
  const auto b0 = static_cast<unsigned char>(in[0]);
  const auto b1 = static_cast<unsigned char>(in[1]);
  if ((b0 == 0xFE && b1 == 0xFF) || (b0 == 0xFF && b1 == 0xFE) || b0 == 0 || b1 == 0) {
    return errorAt(ErrorCode::Encoding, in, 0,
                   "the document is UTF-16 or UTF-32; send UTF-8 (or another ASCII-compatible "
                   "encoding declared in the XML declaration)");
  }
  return std::nullopt;
}

// One past the '>' closing the start tag that begins at p, or nullptr; counts the tag's
// attributes (its '=' outside quotes) into attributes. '>' may appear inside quoted values.
// Raw pointers keep this loop cheap even in unoptimized builds.
const char* endOfStartTag(const char* p, const char* end, std::size_t& attributes) {
  char quote = 0;
  for (++p; p < end; ++p) {
    const char c = *p;
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '=') {
      ++attributes;
    } else if (c == '>') {
      return p + 1;
    }
  }
  return nullptr;
}

// One past the first terminator at or after from, or nullptr.
const char* skipPast(std::string_view in, std::size_t from, std::string_view terminator) {
  const std::size_t at = in.find(terminator, from);
  return at == npos ? nullptr : in.data() + at + terminator.size();
}

bool isDeclaration(std::string_view in, std::size_t lt) {
  for (std::string_view keyword : {"<!DOCTYPE", "<!ENTITY", "<!ELEMENT", "<!ATTLIST", "<!NOTATION"}) {
    if (startsWith(in, lt, keyword)) return true;
  }
  return false;
}

}  // namespace

std::optional<Error> checkStructure(std::string_view in, const Limits& limits) {
  if (in.size() > limits.max_bytes) return tooLarge(in.size(), limits.max_bytes, true);
  if (auto error = checkEncoding(in)) return error;

  std::size_t depth = 0;
  std::size_t nodes = 0;  // start tags, and comments, CDATA and PIs, which also cost a node each
  std::size_t attributes = 0;
  const auto tooManyNodes = [&](std::size_t at) {
    return errorAt(ErrorCode::TooManyElements, in, at,
                   "the document holds more than the limit of " +
                       std::to_string(limits.max_elements) +
                       " elements (comments, CDATA sections and processing instructions count too)");
  };
  const char* const begin = in.data();
  const char* const end = begin + in.size();
  const char* p = begin;
  // Unterminated constructs end the pass: pugixml then reports them with their offset.
  while (p < end) {
    const auto* lt = static_cast<const char*>(std::memchr(p, '<', static_cast<std::size_t>(end - p)));
    if (lt == nullptr || lt + 1 >= end) break;
    const std::size_t at = static_cast<std::size_t>(lt - begin);
    const char* next = nullptr;
    if (lt[1] != '/' && ++nodes > limits.max_elements) return tooManyNodes(at);
    switch (lt[1]) {
      case '?': next = skipPast(in, at + 2, "?>"); break;
      case '/': {
        if (depth > 0) --depth;
        const auto* gt = static_cast<const char*>(std::memchr(lt, '>', static_cast<std::size_t>(end - lt)));
        next = gt == nullptr ? nullptr : gt + 1;
        break;
      }
      case '!':
        if (startsWith(in, at, "<!--")) {
          next = skipPast(in, at + 4, "-->");
        } else if (startsWith(in, at, "<![CDATA[")) {
          next = skipPast(in, at + 9, "]]>");
        } else if (isDeclaration(in, at)) {
          return errorAt(ErrorCode::Doctype, in, at,
                         "a document type declaration was found; Ferry refuses DOCTYPE, entity "
                         "declarations and external DTDs, so send the document without them");
        }
        break;
      default:
        next = endOfStartTag(lt, end, attributes);
        if (attributes > limits.max_attributes) {
          return errorAt(ErrorCode::TooManyElements, in, at,
                         "the document holds more than the limit of " +
                             std::to_string(limits.max_attributes) + " attributes");
        }
        if (next != nullptr && next[-2] != '/' && ++depth > limits.max_depth) {
          return errorAt(ErrorCode::TooDeep, in, at,
                         "elements nest deeper than the limit of " +
                             std::to_string(limits.max_depth) + " levels");
        }
        break;
    }
    if (next == nullptr) break;
    p = next;
  }
  return std::nullopt;
}

std::optional<Error> parseDocument(std::string_view bytes, const Limits& limits,
                                   pugi::xml_document& document) {
  document.reset();
  if (auto error = checkStructure(bytes, limits)) return error;
  const pugi::xml_parse_result result =
      document.load_buffer(bytes.data(), bytes.size(), pugi::parse_default, pugi::encoding_auto);
  if (result) return std::nullopt;
  document.reset();
  if (result.status == pugi::status_no_document_element) {
    return errorAt(ErrorCode::Malformed, bytes, bytes.size(),
                   "the input holds no XML element; expected an insurer document");
  }
  std::string description = result.description();
  if (!description.empty()) description[0] = static_cast<char>(std::tolower(description[0]));
  return errorAt(ErrorCode::Malformed, bytes, static_cast<std::uint64_t>(result.offset),
                 "the XML is not well-formed: " + description);
}

std::optional<Error> readBounded(const std::filesystem::path& path, std::size_t max_bytes,
                                 std::string& out) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_bytes) return tooLarge(static_cast<std::size_t>(size), max_bytes, true);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    Error error;
    error.code = ErrorCode::Io;
    error.text = "cannot open '" + path.string() + "' for reading";
    return error;
  }
  return readBounded(in, max_bytes, out);
}

std::optional<Error> readBounded(std::istream& in, std::size_t max_bytes, std::string& out) {
  out.clear();
  std::streambuf* buffer = in.rdbuf();
  if (buffer == nullptr) {
    Error error;
    error.code = ErrorCode::Io;
    error.text = "the stream has no buffer to read from";
    return error;
  }
  // Bytes go straight from the stream buffer into out, which grows geometrically up to one
  // byte past the limit: reading that byte proves the document too large.
  constexpr std::size_t kFirstChunk = std::size_t{1} << 16;
  std::size_t used = 0;
  try {
    while (true) {
      if (used == out.size()) {
        const std::size_t next = std::min(max_bytes + 1, std::max(kFirstChunk, out.size() * 2));
        if (next == out.size()) break;
        out.resize(next);
      }
      const std::streamsize got =
          buffer->sgetn(out.data() + used, static_cast<std::streamsize>(out.size() - used));
      if (got <= 0) break;
      used += static_cast<std::size_t>(got);
      if (used > max_bytes) {
        out.clear();
        out.shrink_to_fit();
        return tooLarge(0, max_bytes, false);
      }
    }
  } catch (const std::exception& e) {
    out.clear();
    Error error;
    error.code = ErrorCode::Io;
    error.text = "reading the document failed after " + std::to_string(used) + " bytes: " + e.what();
    return error;
  }
  out.resize(used);
  return std::nullopt;
}

}  // namespace ferry::xml
