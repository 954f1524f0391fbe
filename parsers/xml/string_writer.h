#pragma once
// A pugixml writer that collects the document's text in a string.

#include <cstddef>
#include <string>

#include <pugixml.hpp>

namespace ferry::xml {

class StringWriter : public pugi::xml_writer {
 public:
  void write(const void* data, std::size_t size) override { text.append(static_cast<const char*>(data), size); }
  std::string text;
};

}  // namespace ferry::xml
