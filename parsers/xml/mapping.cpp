#include "parsers/xml/mapping.h"

namespace ferry::xml {
namespace {

bool isXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::vector<std::string> splitParts(const std::string& text, const std::string& separator) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (true) {
    const std::size_t at = text.find(separator, begin);
    if (at == std::string::npos) {
      parts.push_back(text.substr(begin));
      return parts;
    }
    parts.push_back(text.substr(begin, at - begin));
    begin = at + separator.size();
  }
}

constexpr std::string_view kMidnight = "T00:00:00";

}  // namespace

std::string trimXmlSpace(std::string value) {
  std::size_t end = value.size();
  while (end > 0 && isXmlSpace(value[end - 1])) --end;
  std::size_t begin = 0;
  while (begin < end && isXmlSpace(value[begin])) ++begin;
  if (begin == 0 && end == value.size()) return value;
  return value.substr(begin, end - begin);
}

std::string mergePart(const std::string& text, const ValuePart& part, const std::string& value) {
  std::vector<std::string> parts =
      text.empty() ? std::vector<std::string>() : splitParts(text, part.separator);
  if (parts.size() <= part.index) parts.resize(part.index + 1);
  parts[part.index] = value;
  std::string merged;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) merged += part.separator;
    merged += parts[i];
  }
  return merged;
}

std::string Mapping::toCanonical(std::string xml_value) const {
  std::string value = trimXmlSpace(std::move(xml_value));
  if (part.enabled) {
    std::vector<std::string> parts = splitParts(value, part.separator);
    value = part.index < parts.size() ? trimXmlSpace(std::move(parts[part.index])) : std::string();
  }
  for (const auto& [xml, canonical] : codes) {
    if (xml == value) {
      value = canonical;
      break;
    }
  }
  // Only a bare midnight is a date in disguise; a real time or a zone offset is kept whole.
  if (format == ValueFormat::Date && value.size() == 10 + kMidnight.size() &&
      value.compare(10, kMidnight.size(), kMidnight) == 0) {
    value.resize(10);
  }
  return value;
}

std::string Mapping::toXml(const std::string& canonical_value) const {
  std::string value = canonical_value;
  if (format == ValueFormat::Date && value.size() == 10) value += kMidnight;
  for (const auto& [xml, canonical] : codes) {
    if (canonical == canonical_value) {
      value = xml;
      break;
    }
  }
  return value;
}

std::string Mapping::target() const {
  if (field != nullptr) return std::string(field->name);
  if (collection != nullptr) return std::string(collection->name);
  return "constant";
}

}  // namespace ferry::xml
