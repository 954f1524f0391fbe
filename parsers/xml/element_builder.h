#pragma once
// Builds elements of a profile's document in schema order: a new child goes before the first
// sibling the profile ranks after it, so the output follows the order the profile lists
// elements in, whatever order the values arrive in.

#include <cstddef>
#include <string>
#include <string_view>

#include <pugixml.hpp>

#include "parsers/xml/profile.h"
#include "parsers/xml/write_path.h"

namespace ferry::xml {

class ElementBuilder {
 public:
  explicit ElementBuilder(const Profile& profile) : profile_(profile) {}

  // A new child element named qname, placed in schema order.
  pugi::xml_node insertChild(pugi::xml_node parent, std::string_view qname) const;
  // A copy of element (from another document) as a child of parent, placed in schema order.
  pugi::xml_node insertCopy(pugi::xml_node parent, const pugi::xml_node& element) const;

  // The element a path leads to from context, creating missing elements on the way. For a
  // step with a position [n], the n-th child of that name (creating up to n). Stops before the
  // last step when skip_last is set (the caller builds that element itself).
  pugi::xml_node resolve(pugi::xml_node context, const WritePath& path, bool skip_last = false) const;

  // The n-th (1-based) child element named qname, or an empty node.
  static pugi::xml_node nthChild(const pugi::xml_node& parent, std::string_view qname, std::size_t n);
  // Number of child elements named qname.
  static std::size_t countChildren(const pugi::xml_node& parent, std::string_view qname);

 private:
  // The sibling a new child named qname goes before, or an empty node to append.
  pugi::xml_node insertionPoint(const pugi::xml_node& parent, std::string_view qname) const;

  const Profile& profile_;
};

// Text directly inside element (its text and CDATA children, concatenated).
std::string directText(const pugi::xml_node& element);

}  // namespace ferry::xml
