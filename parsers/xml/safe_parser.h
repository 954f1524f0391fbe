#pragma once
// Turns untrusted bytes into a pugixml document only when they are safe to hold in memory.
//
// pugixml never loads DTDs or external entities and never expands entities it does not know,
// but it would still skip over a DOCTYPE silently and build a tree of any depth and size. Ferry
// refuses those documents explicitly and before any tree is built: the input size is checked
// first (for files and streams, before the bytes are read), then one linear pass over the bytes
// rejects DOCTYPE / entity declarations and counts elements and nesting depth against Limits.
// Only then does pugixml parse, without DOCTYPE, comments or processing instructions.

#include <filesystem>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include <pugixml.hpp>

#include "parsers/xml/error.h"
#include "parsers/xml/limits.h"

namespace ferry::xml {

// Parses bytes into document; on failure the document is left empty and the error names the
// byte offset, line and column.
std::optional<Error> parseDocument(std::string_view bytes, const Limits& limits,
                                   pugi::xml_document& document);

// The structure pass of parseDocument alone: size, encoding, DOCTYPE, depth, element count.
std::optional<Error> checkStructure(std::string_view bytes, const Limits& limits);

// Reads a whole file into out, refusing a file larger than max_bytes before reading it.
std::optional<Error> readBounded(const std::filesystem::path& path, std::size_t max_bytes,
                                 std::string& out);

// Reads a stream to its end into out, stopping as soon as more than max_bytes have arrived.
std::optional<Error> readBounded(std::istream& in, std::size_t max_bytes, std::string& out);

}  // namespace ferry::xml
