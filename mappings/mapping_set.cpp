#include "mappings/mapping_set.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace ferry::mappings {

namespace fs = std::filesystem;

int compareVersions(std::string_view a, std::string_view b) {
  while (!a.empty() || !b.empty()) {
    const std::size_t da = a.find('.');
    const std::size_t db = b.find('.');
    const std::string_view pa = a.substr(0, da);
    const std::string_view pb = b.substr(0, db);
    unsigned long long na = 0, nb = 0;
    const auto ra = std::from_chars(pa.data(), pa.data() + pa.size(), na);
    const auto rb = std::from_chars(pb.data(), pb.data() + pb.size(), nb);
    const bool numeric = !pa.empty() && !pb.empty() && ra.ptr == pa.data() + pa.size() &&
                         rb.ptr == pb.data() + pb.size();
    if (numeric) {
      if (na != nb) return na < nb ? -1 : 1;
    } else if (const int c = pa.compare(pb); c != 0) {
      return c < 0 ? -1 : 1;
    }
    a = da == std::string_view::npos ? std::string_view() : a.substr(da + 1);
    b = db == std::string_view::npos ? std::string_view() : b.substr(db + 1);
  }
  return 0;
}

MappingSet MappingSet::load(const std::string& config_folder, const Keys& keys,
                            std::vector<LoadError>& errors) {
  MappingSet set;
  const fs::path root(config_folder);
  set.tables_ = TableSet::load((root / "tables").string(), errors, "tables");
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(root / "mappings", ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const std::string shown = "mappings/" + file.filename().string();
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      errors.push_back({shown, 0, 0, "cannot read the mapping file"});
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    auto mapping = Mapping::parse(text.str(), shown, set.tables_, keys, errors);
    if (!mapping) continue;
    auto existing = set.by_id_.find(mapping->id());
    if (existing != set.by_id_.end()) {
      errors.push_back({shown, 0, 0, "mapping " + mapping->id() + " is already defined in " +
                                         existing->second->file()});
      continue;
    }
    set.add(std::move(mapping));
  }
  return set;
}

bool MappingSet::add(std::shared_ptr<const Mapping> mapping) {
  return by_id_.emplace(mapping->id(), std::move(mapping)).second;
}

std::shared_ptr<const Mapping> MappingSet::find(std::string_view name_at_version) const {
  if (name_at_version.find('@') != std::string_view::npos) {
    auto it = by_id_.find(name_at_version);
    return it == by_id_.end() ? nullptr : it->second;
  }
  std::shared_ptr<const Mapping> best;
  for (const auto& [id, mapping] : by_id_) {
    if (mapping->name() != name_at_version) continue;
    if (!best || compareVersions(mapping->version(), best->version()) > 0) best = mapping;
  }
  return best;
}

std::vector<std::string> MappingSet::ids() const {
  std::vector<std::string> out;
  for (const auto& [id, mapping] : by_id_) out.push_back(id);
  return out;
}

}  // namespace ferry::mappings
