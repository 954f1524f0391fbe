#pragma once
// A problem found while loading mapping files or code tables: configuration, not traffic. It
// names the file, the line and the column (1-based; 0 when unknown) so that `ferry validate`
// can point an analyst at the exact character, inside an expression string too.

#include <string>

namespace ferry::mappings {

struct LoadError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string text;

  // "mappings/lab.json:14:23: unknown function 'lokup'" (line and column left out when 0).
  std::string describe() const;
};

}  // namespace ferry::mappings
