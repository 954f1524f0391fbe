// Fuzz target: a whole mapping file (mappings/mapping_loader.cpp, schema.cpp, json_location.cpp
// and everything it compiles: expressions, paths, tables, patterns, regexes, XPaths), as
// `ferry validate` and the engine load it; when it loads, it is applied to a sample lab result
// with its outgoing edits. A refused file has load errors with sentences; an applied mapping
// ends in an outcome that names its rule when it fails.
//
// Input: the mapping file's JSON text.

#include "tests/fuzz/mapping_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  static const ferry::mappings::Keys keys = {{"pseudonym", "fuzz-secret"}};
  std::vector<ferry::mappings::LoadError> errors;
  const auto mapping =
      ferry::mappings::Mapping::parse(text, "mappings/fuzz.json", ferry::fuzz::sampleTables(), keys, errors);
  if (!mapping) {
    ferry::fuzz::checkLoadErrors(errors);
    return 0;
  }
  ferry::fuzz::applyToSample(*mapping);
  return 0;
}
