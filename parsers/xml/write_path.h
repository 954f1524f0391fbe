#pragma once
// The element/attribute path a profile writes a value to (or builds a repeated element at).
//
// Grammar: steps separated by "/", each a child element name ("c:Line", prefix as declared in
// the profile), ".." (the parent) or "." (the context element itself); the path may end in
// "@name" (an attribute) or "text()" (the element's text, which is also what a path ending in
// an element means). A leading "/" starts at the document element, whose name comes first:
// "/c:Remittance/c:Header/c:InReplyTo". Every such path is also an XPath that selects what it
// writes. Paths Ferry writes itself (unmapped content kept as extensions) may carry positions:
// "/c:Remittance/c:ClaimResult[1]/c:Line[2]/@note".

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::xml {

struct PathStep {
  enum class Kind { Child, Parent, Self };
  Kind kind = Kind::Child;
  std::string name;           // Child: qualified name, e.g. "c:Line"
  std::size_t position = 0;   // Child: 1-based [n]; 0 when the path gives none
};

struct WritePath {
  bool absolute = false;
  std::string root;              // absolute paths: the document element's name
  std::vector<PathStep> steps;   // after the root for absolute paths
  std::string attribute;         // set when the path ends in @name
  bool explicit_text = false;    // the path ended in text()

  bool isAttribute() const { return !attribute.empty(); }
  std::string toString() const;
};

// Parses text. On failure returns nullopt and sets error to a sentence naming what is wrong.
// Positions ([n]) are accepted only when allow_positions is true.
std::optional<WritePath> parseWritePath(std::string_view text, bool allow_positions,
                                        std::string& error);

// True for an XML qualified name: NCName or NCName:NCName.
bool isQName(std::string_view name);

// The prefix of a qualified name ("c" for "c:Line"), empty when it has none.
std::string_view prefixOf(std::string_view qname);
// The local part of a qualified name ("Line" for "c:Line").
std::string_view localNameOf(std::string_view qname);

}  // namespace ferry::xml
