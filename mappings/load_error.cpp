#include "mappings/load_error.h"

namespace ferry::mappings {

std::string LoadError::describe() const {
  std::string s = file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s + ": " + text;
}

}  // namespace ferry::mappings
