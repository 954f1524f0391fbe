#pragma once
// Namespace handling for pugixml, which matches XPath name tests against names as written.
//
// A document may bind the profile's namespace to any prefix, or make it the default, and its
// XPaths must match all the same. So before a profile's XPaths run, every element and attribute
// is renamed to the profile's own prefix for its namespace URI ("c:Line" whatever the sender
// wrote), namespace declarations are dropped, and namespaces the profile does not know get
// generated prefixes ("ns1", "ns2"...) so that they can never match by accident.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <pugixml.hpp>

#include "parsers/xml/error.h"
#include "parsers/xml/profile.h"

namespace ferry::xml {

// An element name resolved against the namespace declarations in scope.
struct ExpandedName {
  std::string local;
  std::string uri;  // empty: no namespace
};

// The document element's name, resolved with its own declarations (it has no ancestors).
// nullopt when its prefix is not declared.
std::optional<ExpandedName> documentElementName(const pugi::xml_node& root);

// Prefix -> URI for namespaces the profile does not declare, as generated while normalizing.
using GeneratedNamespaces = std::vector<std::pair<std::string, std::string>>;

// Renames document to the profile's prefixes as described above. input is the parsed text, for
// error positions. Fails when a prefix is used but not declared.
std::optional<Error> normalizeNamespaces(pugi::xml_node root, const Profile& profile,
                                         std::string_view input, GeneratedNamespaces& generated);

}  // namespace ferry::xml
