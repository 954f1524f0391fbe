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
  std::vector<std::size_t> row_records;  // the record each row came from
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
    row_records.push_back(r);
    for (const std::string& f : rec.fields) table->appendCell(f);
  }
  // Offsets are 32-bit; grouping adds a 4-byte tag to each row.
  if (table->text_.size() + row_offsets.size() * sizeof(std::uint32_t) >= kNoRow) {
    errors.push_back({csv_file, 0, 0, "the table is larger than 4 GB"});
    return nullptr;
  }
  table->rows_ = row_offsets.size();
  auto duplicates = table->buildIndex(row_offsets);
  // The buffer is complete: views into it are stable from here on.
  std::sort(duplicates.begin(), duplicates.end());  // report them in file order
  for (const auto& [row, first] : duplicates) {
    const CsvRecord& rec = records[row_records[row]];
    errors.push_back({csv_file, rec.line, 0,
                      "duplicate key '" + rec.fields[0] + "' (first on line " +
                          std::to_string(records[row_records[first]].line) + ")"});
    ok = false;
  }
  if (!ok) return nullptr;
  return table;
}

std::shared_ptr<const CodeTable> CodeTable::load(const std::string& csv_path,
                                                 std::vector<LoadError>& errors,
                                                 const std::string& shown_csv_path) {
  const std::string shown_csv = shown_csv_path.empty() ? csv_path : shown_csv_path;
  std::string csv;
  if (!readText(csv_path, csv)) {
    errors.push_back({shown_csv, 0, 0, "cannot read the table file"});
    return nullptr;
  }
  std::filesystem::path sidecar(csv_path);
  sidecar.replace_extension(".json");
  std::filesystem::path shown_sidecar(shown_csv);
  shown_sidecar.replace_extension(".json");
  std::string sidecar_text;
  const bool has_sidecar = readText(sidecar.string(), sidecar_text);
  return parse(std::filesystem::path(csv_path).stem().string(), csv, shown_csv,
               has_sidecar ? &sidecar_text : nullptr, shown_sidecar.string(), errors);
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

std::uint32_t CodeTable::rowEnd(std::uint32_t row) const {
  std::size_t at = row;
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    std::uint32_t length = 0;
    std::memcpy(&length, text_.data() + at, sizeof length);
    at += sizeof length + length;
  }
  return static_cast<std::uint32_t>(at);
}

std::vector<std::pair<std::size_t, std::size_t>> CodeTable::buildIndex(
    const std::vector<std::uint32_t>& rows) {
  std::size_t n_buckets = 1;
  while (n_buckets * 2 < rows.size()) n_buckets *= 2;
  const std::size_t mask = n_buckets - 1;
  // Counting sort of the rows by bucket; stable, so a bucket keeps file order and the first
  // of two equal keys is the one earlier in the file.
  std::vector<std::uint64_t> hashes(rows.size());
  std::vector<std::size_t> starts(n_buckets + 1, 0);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    hashes[i] = hash(cell(rows[i], 0));
    ++starts[(hashes[i] & mask) + 1];
  }
  for (std::size_t b = 0; b < n_buckets; ++b) starts[b + 1] += starts[b];
  std::vector<std::size_t> order(rows.size());
  std::vector<std::size_t> next(starts.begin(), starts.end() - 1);
  for (std::size_t i = 0; i < rows.size(); ++i) order[next[hashes[i] & mask]++] = i;

  std::string grouped;
  grouped.reserve(text_.size() + rows.size() * sizeof(std::uint32_t));
  std::vector<std::uint32_t> offset(rows.size());  // new offset of each row's cells
  buckets_.assign(n_buckets + 1, 0);
  std::vector<std::pair<std::size_t, std::size_t>> duplicates;
  for (std::size_t b = 0; b < n_buckets; ++b) {
    buckets_[b] = static_cast<std::uint32_t>(grouped.size());
    for (std::size_t p = starts[b]; p < starts[b + 1]; ++p) {
      const std::size_t i = order[p];
      const auto tag = static_cast<std::uint32_t>(hashes[i] >> 32);
      const std::size_t end = i + 1 < rows.size() ? rows[i + 1] : text_.size();
      grouped.append(reinterpret_cast<const char*>(&tag), sizeof tag);
      offset[i] = static_cast<std::uint32_t>(grouped.size());
      grouped.append(text_, rows[i], end - rows[i]);
      for (std::size_t q = starts[b]; q < p; ++q) {  // buckets hold a row or two
        if (hashes[order[q]] == hashes[i] && cell(rows[order[q]], 0) == cell(rows[i], 0)) {
          duplicates.emplace_back(i, order[q]);
          break;
        }
      }
    }
  }
  buckets_[n_buckets] = static_cast<std::uint32_t>(grouped.size());
  text_ = std::move(grouped);
  return duplicates;
}

std::uint32_t CodeTable::rowOf(std::string_view k) const {
  if (buckets_.size() < 2) return kNoRow;
  const std::uint64_t h = hash(k);
  const auto tag = static_cast<std::uint32_t>(h >> 32);
  const std::size_t b = h & (buckets_.size() - 2);  // buckets_ has n_buckets + 1 entries
  for (std::uint32_t at = buckets_[b]; at < buckets_[b + 1];) {
    std::uint32_t row_tag = 0;
    std::memcpy(&row_tag, text_.data() + at, sizeof row_tag);
    const std::uint32_t row = at + sizeof row_tag;
    if (row_tag == tag && cell(row, 0) == k) return row;
    at = rowEnd(row);
  }
  return kNoRow;
}

std::optional<std::string_view> CodeTable::find(std::string_view k, std::size_t column) const {
  return find(row(k), column);
}


}  // namespace ferry::mappings
