#pragma once
// One entry of a profile's "mappings": a canonical field with the XPath it is read from and the
// path it is written to, a constant the format requires, or a repeat that binds a canonical
// collection (claims, claim lines, adjustments...) to the XML nodes an XPath selects.
// Entries are compiled once when the profile loads and are immutable afterwards.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pugixml.hpp>

#include "parsers/xml/canonical_fields.h"
#include "parsers/xml/write_path.h"

namespace ferry::xml {

// How a value is spelled in the XML when the canonical form differs.
enum class ValueFormat {
  Text,  // as is
  Date,  // xs:dateTime midnight in XML ("1958-01-02T00:00:00"), ISO date in canonical form
};

// One part of an XML value that packs several canonical fields, e.g. "Okafor, Ngozi".
struct ValuePart {
  bool enabled = false;
  std::string separator;
  std::size_t index = 0;
};

struct Mapping {
  enum class Kind { Field, Repeat, Constant };

  Kind kind = Kind::Field;
  const Field* field = nullptr;            // Field
  const Collection* collection = nullptr;  // Repeat
  std::string read_text;                   // the XPath as written in the profile
  // Compiled once; null for write-only entries. Constants keep the XPath of their write path
  // here, so that reading recognizes the value as mapped.
  std::unique_ptr<pugi::xpath_query> read;
  std::optional<WritePath> write;
  std::optional<std::string> constant;
  std::vector<std::pair<std::string, std::string>> codes;  // XML value -> canonical value
  ValueFormat format = ValueFormat::Text;
  ValuePart part;
  bool required = false;
  std::vector<Mapping> mappings;  // Repeat: entries evaluated on each selected node
  std::string location;           // "file:line mappings[3]" for messages

  // The canonical value for an XML value: trimmed, the part taken, codes and format applied.
  std::string toCanonical(std::string xml_value) const;
  // The XML value for a canonical value: format and codes applied (parts are merged by the
  // writer, which knows the text already there).
  std::string toXml(const std::string& canonical_value) const;
  // name of the mapped field or collection, for messages
  std::string target() const;
};

// XML whitespace (space, tab, CR, LF) removed from both ends.
std::string trimXmlSpace(std::string value);

// Replaces part.index of the separator-joined text with value, adding empty parts as needed.
std::string mergePart(const std::string& text, const ValuePart& part, const std::string& value);

}  // namespace ferry::xml
