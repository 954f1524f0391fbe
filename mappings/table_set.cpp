#include "mappings/table_set.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ferry::mappings {

namespace fs = std::filesystem;

namespace {

bool readText(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = std::move(s).str();
  return true;
}

}  // namespace

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
    const std::string name = csv_path.stem().string();
    const std::string csv_shown = shown + "/" + name + ".csv";
    std::string csv;
    if (!readText(csv_path, csv)) {
      errors.push_back({csv_shown, 0, 0, "cannot read the table file"});
      continue;
    }
    fs::path sidecar = csv_path;
    sidecar.replace_extension(".json");
    std::string sidecar_text;
    const bool has_sidecar = readText(sidecar, sidecar_text);
    auto table = CodeTable::parse(name, csv, csv_shown, has_sidecar ? &sidecar_text : nullptr,
                                  shown + "/" + name + ".json", errors);
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
