#include "mappings/table_set.h"

#include <algorithm>
#include <filesystem>

namespace ferry::mappings {

namespace fs = std::filesystem;

TableSet TableSet::load(const std::string& folder, std::vector<LoadError>& errors,
                        const std::string& shown_folder) {
  TableSet set;
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return set;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".csv") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  const std::string shown = shown_folder.empty() ? folder : shown_folder;
  for (const fs::path& csv_path : files) {
    auto table = CodeTable::load(csv_path.string(), errors, shown + "/" + csv_path.filename().string());
    if (table) set.add(std::move(table));
  }
  return set;
}

void TableSet::add(std::shared_ptr<const CodeTable> table) {
  const std::string name = table->name();
  tables_[name] = std::move(table);
}

std::shared_ptr<const CodeTable> TableSet::share(std::string_view name) const {
  const std::size_t at = name.find('@');
  auto it = tables_.find(name.substr(0, at));
  if (it == tables_.end()) return nullptr;
  if (at != std::string_view::npos && it->second->version() != name.substr(at + 1)) return nullptr;
  return it->second;
}

const CodeTable* TableSet::find(std::string_view name) const { return share(name).get(); }

std::vector<std::string> TableSet::names() const {
  std::vector<std::string> out;
  for (const auto& [name, table] : tables_) out.push_back(name);
  return out;
}

}  // namespace ferry::mappings
