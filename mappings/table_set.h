#pragma once
// Every code table of a configuration, by name. Mappings resolve the tables they use when they
// are loaded (an unknown table is a load error) and keep them alive themselves, so a TableSet
// may go away after loading.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/code_table.h"
#include "mappings/load_error.h"

namespace ferry::mappings {

class TableSet {
 public:
  // Loads folder/*.csv with their sidecars (folder is the tables/ folder itself). A folder that
  // does not exist gives an empty set without error. Errors name files as shown_folder/NAME.csv
  // (shown_folder defaults to folder), e.g. "tables/lab-loinc.csv" relative to the config.
  static TableSet load(const std::string& folder, std::vector<LoadError>& errors,
                       const std::string& shown_folder = "");

  // Adds or replaces a table (tests, `ferry test` fixtures).
  void add(std::shared_ptr<const CodeTable> table);

  // By name ("lab-loinc"), or by "name@version" which also requires that version.
  const CodeTable* find(std::string_view name) const;
  std::shared_ptr<const CodeTable> share(std::string_view name) const;
  std::vector<std::string> names() const;

 private:
  std::map<std::string, std::shared_ptr<const CodeTable>, std::less<>> tables_;
};

}  // namespace ferry::mappings
