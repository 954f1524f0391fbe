#pragma once
// All mappings of a configuration folder with the code tables they use. A channel names a
// mapping as "name@version", or "name" alone for the highest version loaded; the engine looks
// it up here. Loading reads config/mappings/*.json and config/tables/*.csv.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/load_error.h"
#include "mappings/mapping.h"
#include "mappings/table_set.h"

namespace ferry::mappings {

class MappingSet {
 public:
  // Every error is appended; mappings that loaded cleanly are kept even when others failed.
  // Two files with the same name@version are an error naming the second file.
  static MappingSet load(const std::string& config_folder, const Keys& keys,
                         std::vector<LoadError>& errors);

  // "lab-to-hospital@2", or "lab-to-hospital" for its highest version (versions compare as
  // numbers segment by segment when they are numeric: "10" > "9", "1.10" > "1.9"). nullptr when
  // absent.
  std::shared_ptr<const Mapping> find(std::string_view name_at_version) const;
  // Every "name@version", sorted.
  std::vector<std::string> ids() const;
  const TableSet& tables() const { return tables_; }

  // Adds a mapping; false when its id is already present.
  bool add(std::shared_ptr<const Mapping> mapping);

 private:
  TableSet tables_;
  std::map<std::string, std::shared_ptr<const Mapping>, std::less<>> by_id_;
};

// -1, 0, 1: "2" < "10", "1.9" < "1.10"; non-numeric parts compare as text.
int compareVersions(std::string_view a, std::string_view b);

}  // namespace ferry::mappings
