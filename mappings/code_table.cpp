#include "mappings/code_table.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/json/located_json.h"
#include "mappings/csv_reader.h"
#include "mappings/json_location.h"

namespace ferry::mappings {

namespace {

bool readText(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = std::move(s).str();
  return true;
}

// Reads the sidecar {"version", "on_missing", "default"} into the table's settings.
bool readSidecar(const std::string& text, const std::string& file, std::string& version,
                 MissingKeyPolicy& policy, std::string& fallback, std::vector<LoadError>& errors) {
  const auto parsed = json::parseLocatedJson(text);
  if (!parsed.ok()) {
    errors.push_back({file, 0, 0, "not valid JSON: " + parsed.error});
    return false;
  }
  const json::JsonNode& root = parsed.root;
  JsonLocator locator(text);
  const std::size_t before = errors.size();
  auto fail = [&](TextPosition at, std::string why) {
    errors.push_back({file, at.line, at.column, std::move(why)});
  };
  if (root.kind != json::JsonNode::Kind::Object) {
    fail(locator.valueStart(root), "a table sidecar is an object: {\"version\": ..., \"on_missing\": ...}");
    return false;
  }
  bool has_default = false;
  std::string policy_text = "error";
  const json::JsonNode* policy_node = nullptr;
  for (std::size_t i = 0; i < root.members.size(); ++i) {
    const auto& [key, value] = root.members[i];
    if (key != "version" && key != "on_missing" && key != "default") {
      fail(locator.key(root, i), "unknown key '" + key + "' (expected version, on_missing, default)");
      continue;
    }
    if (value.kind != json::JsonNode::Kind::String) {
      fail(locator.valueStart(value), "'" + key + "' must be text");
      continue;
    }
    if (key == "version") version = value.string;
    if (key == "default") {
      fallback = value.string;
      has_default = true;
    }
    if (key == "on_missing") {
      policy_text = value.string;
      policy_node = &value;
    }
  }
  if (policy_text == "error") {
    policy = MissingKeyPolicy::Error;
  } else if (policy_text == "pass_through") {
    policy = MissingKeyPolicy::PassThrough;
  } else if (policy_text == "default") {
    policy = MissingKeyPolicy::Default;
    if (!has_default) fail(locator.valueStart(*policy_node), "on_missing \"default\" needs a \"default\" value");
  } else {
    fail(locator.valueStart(*policy_node),
         "on_missing is \"error\", \"pass_through\" or \"default\", not \"" + policy_text + "\"");
  }
  if (has_default && policy != MissingKeyPolicy::Default && errors.size() == before) {
    fail({root.line, 0}, "\"default\" is used only with \"on_missing\": \"default\"");
  }
  return errors.size() == before;
}

}  // namespace

std::shared_ptr<const CodeTable> CodeTable::parse(std::string name, std::string_view csv,
                                                  const std::string& csv_file,
                                                  const std::string* sidecar_json,
                                                  const std::string& sidecar_file,
                                                  std::vector<LoadError>& errors) {
  std::shared_ptr<CodeTable> table(new CodeTable());
  table->name_ = std::move(name);
  bool ok = true;
  if (sidecar_json != nullptr) {
    ok = readSidecar(*sidecar_json, sidecar_file, table->version_, table->on_missing_,
                     table->default_, errors);
  }
  std::vector<CsvRecord> records;
  CsvError csv_error;
  if (!parseCsv(csv, records, csv_error)) {
    errors.push_back({csv_file, csv_error.line, csv_error.column, csv_error.text});
    return nullptr;
  }
  if (records.empty()) {
    errors.push_back({csv_file, 1, 0, "the table is empty: the first row names the columns (key first)"});
    return nullptr;
  }
  const CsvRecord& header = records.front();
  if (header.fields.size() < 2) {
    errors.push_back({csv_file, header.line, 0, "a table needs a key column and at least one value column"});
    ok = false;
  }
  for (std::size_t c = 0; c < header.fields.size(); ++c) {
    if (header.fields[c].empty()) {
      errors.push_back({csv_file, header.line, 0, "column " + std::to_string(c + 1) + " has no name"});
      ok = false;
    }
    for (std::size_t d = 0; d < c; ++d) {
      if (header.fields[d] == header.fields[c]) {
        errors.push_back({csv_file, header.line, 0, "column name '" + header.fields[c] + "' is used twice"});
        ok = false;
      }
    }
  }
  table->columns_ = header.fields;
  const std::size_t width = header.fields.size();
  std::size_t bytes = 0;
  for (const CsvRecord& r : records) {
    for (const std::string& f : r.fields) bytes += f.size() + sizeof(std::uint32_t);
  }
  table->text_.reserve(bytes);
  std::vector<std::uint32_t> row_offsets;  // ascending
  std::vector<int> row_lines;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    if (rec.fields.size() != width) {
      errors.push_back({csv_file, rec.line, 0, "this row has " + std::to_string(rec.fields.size()) +
                                                   " fields, the header has " + std::to_string(width)});
      ok = false;
      continue;
    }
    if (rec.fields[0].empty()) {
      errors.push_back({csv_file, rec.line, 0, "the key (first field) is empty"});
      ok = false;
      continue;
    }
    row_offsets.push_back(static_cast<std::uint32_t>(table->text_.size()));
    row_lines.push_back(rec.line);
    for (const std::string& f : rec.fields) table->appendCell(f);
  }
  if (table->text_.size() >= kNoRow) {
    errors.push_back({csv_file, 0, 0, "the table is larger than 4 GB"});
    return nullptr;
  }
  // The buffer is complete: views into it are stable from here on.
  std::size_t capacity = 16;
  while (capacity < row_offsets.size() * 2) capacity *= 2;
  table->index_.assign(capacity, IndexSlot{});
  for (std::size_t row = 0; row < row_offsets.size(); ++row) {
    const std::uint32_t first = table->insert(row_offsets[row]);
    if (first != kNoRow) {
      const auto at = std::lower_bound(row_offsets.begin(), row_offsets.end(), first) - row_offsets.begin();
      errors.push_back({csv_file, row_lines[row], 0,
                        "duplicate key '" + std::string(table->cell(row_offsets[row], 0)) +
                            "' (first on line " + std::to_string(row_lines[static_cast<std::size_t>(at)]) + ")"});
      ok = false;
    }
  }
  if (!ok) return nullptr;
  return table;
}

std::shared_ptr<const CodeTable> CodeTable::load(const std::string& csv_path,
                                                 std::vector<LoadError>& errors) {
  std::string csv;
  if (!readText(csv_path, csv)) {
    errors.push_back({csv_path, 0, 0, "cannot read the table file"});
    return nullptr;
  }
  std::filesystem::path sidecar(csv_path);
  sidecar.replace_extension(".json");
  std::string sidecar_text;
  const bool has_sidecar = readText(sidecar.string(), sidecar_text);
  return parse(std::filesystem::path(csv_path).stem().string(), csv, csv_path,
               has_sidecar ? &sidecar_text : nullptr, sidecar.string(), errors);
}

std::string CodeTable::id() const { return version_.empty() ? name_ : name_ + "@" + version_; }

std::optional<std::size_t> CodeTable::columnIndex(std::string_view column) const {
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == column) return i;
  }
  return std::nullopt;
}

std::uint64_t CodeTable::hash(std::string_view key) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a: keys are short codes
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h ^ (h >> 29);
}

void CodeTable::appendCell(std::string_view value) {
  const auto length = static_cast<std::uint32_t>(value.size());
  text_.append(reinterpret_cast<const char*>(&length), sizeof length);
  text_.append(value);
}

std::string_view CodeTable::cell(std::uint32_t row, std::size_t column) const {
  std::size_t at = row;
  for (std::size_t c = 0;; ++c) {
    std::uint32_t length = 0;
    std::memcpy(&length, text_.data() + at, sizeof length);
    at += sizeof length;
    if (c == column) return {text_.data() + at, length};
    at += length;
  }
}

std::uint32_t CodeTable::insert(std::uint32_t row) {
  const std::string_view k = cell(row, 0);
  const std::uint64_t h = hash(k);
  const std::size_t mask = index_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    IndexSlot& slot = index_[i];
    if (slot.row == kNoRow) {
      slot = IndexSlot{static_cast<std::uint32_t>(h >> 32), row};
      ++rows_;
      return kNoRow;
    }
    if (slot.hash == static_cast<std::uint32_t>(h >> 32) && cell(slot.row, 0) == k) return slot.row;
  }
}

std::uint32_t CodeTable::rowOf(std::string_view k) const {
  if (index_.empty()) return kNoRow;
  const std::uint64_t h = hash(k);
  const auto h32 = static_cast<std::uint32_t>(h >> 32);
  const std::size_t mask = index_.size() - 1;
  for (std::size_t i = h & mask;; i = (i + 1) & mask) {
    const IndexSlot& slot = index_[i];
    if (slot.row == kNoRow) return kNoRow;
    if (slot.hash == h32 && cell(slot.row, 0) == k) return slot.row;
  }
}

std::optional<std::string_view> CodeTable::find(std::string_view k, std::size_t column) const {
  return find(row(k), column);
}

CodeTable::Row CodeTable::row(std::string_view key) const {
  Row r;
  r.offset_ = rowOf(key);
  return r;
}

std::optional<std::string_view> CodeTable::find(Row row, std::size_t column) const {
  if (!row || column >= columns_.size()) return std::nullopt;
  return cell(row.offset_, column);
}

}  // namespace ferry::mappings
