#pragma once
// Keeps what a profile does not map, so that nothing the sender wrote is lost.
//
// After reading, every attribute, element text and whole element the profile's XPaths did not
// touch becomes a canonical Extension (format "xml") whose path is an XPath with positions and
// the profile's prefixes: "/c:Remittance/c:ClaimResult[1]/c:Line[2]/c:Adjustment[1]/text()"
// (raw = the text), ".../@note" (raw = the attribute value), or ".../c:Remarks[1]" (raw = the
// element's markup, with declarations for the prefixes it uses). When the same profile writes
// the message, the extensions go back to their places, in schema order.

#include <string>
#include <vector>

#include <pugixml.hpp>

#include "engine/canonical/extension.h"
#include "parsers/xml/limits.h"
#include "parsers/xml/namespaces.h"
#include "parsers/xml/profile.h"

namespace ferry::xml {

// What a reading consumed, by pugixml internal object: values are attributes read
// (xml_attribute_struct*) and elements whose text was read (xml_node_struct*); contexts are
// elements a repeat selected, which are mapped themselves while their text may not be.
// Appending is all a reading does; lookups come after finish(). Sorted vectors, because a
// hash set cost a quarter of the reading time.
class ConsumedNodes {
 public:
  void addValue(const void* node) { values_.push_back(node); }
  void addContext(const void* node) { contexts_.push_back(node); }
  void finish();
  bool hasValue(const void* node) const;
  bool hasContext(const void* node) const;

 private:
  std::vector<const void*> values_;
  std::vector<const void*> contexts_;
};

// Appends an extension for everything under root (normalized) that consumed does not hold.
// consumed must be finished.
void collectUnmapped(pugi::xml_node root, const ConsumedNodes& consumed, const Profile& profile,
                     const GeneratedNamespaces& generated,
                     std::vector<canonical::Extension>& extensions);

// Puts back the extensions whose path starts at this profile's document element. Returns an
// error sentence when an extension's markup is not well-formed; "" otherwise.
std::string restoreUnmapped(pugi::xml_node root, const std::vector<canonical::Extension>& extensions,
                            const Profile& profile, const Limits& limits);

}  // namespace ferry::xml
