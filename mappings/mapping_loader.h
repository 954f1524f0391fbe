#pragma once
// Turns the JSON text of a mapping file into a Program, checking everything that can be checked
// before the first message: the shape of the file (unknown keys are errors), every expression,
// path, table, column, pattern, regex, XPath and key. Each problem becomes a LoadError with the
// file, line and column, inside expression strings too.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/load_error.h"
#include "mappings/program.h"
#include "mappings/table_set.h"

namespace ferry::mappings {

// nullptr when errors were found (appended to errors).
std::unique_ptr<Program> compileMapping(std::string_view text, const std::string& file,
                                        const TableSet& tables, const Keys& keys,
                                        std::vector<LoadError>& errors);

}  // namespace ferry::mappings
