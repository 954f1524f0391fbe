#pragma once
// A code table: rows of a CSV file keyed by their first column, e.g. a local lab code -> LOINC
// code and display. Mapping rules read it with lookup(); the table's own policy says what a
// missing key gives (an error, the key itself, or a default). Loaded once, then shared read-only
// by every thread; a lookup hashes the key in place and allocates nothing.
//
// File layout: tables/NAME.csv (header row = column names, first column = key, RFC 4180
// quoting, UTF-8, blank lines ignored) and an optional sidecar tables/NAME.json:
//   {"version": "3", "on_missing": "error" | "pass_through" | "default", "default": "..."}

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mappings/load_error.h"

namespace ferry::mappings {

enum class MissingKeyPolicy { Error, PassThrough, Default };

class CodeTable {
  static constexpr std::uint32_t kNoRow = 0xFFFFFFFF;

 public:
  // Builds a table from CSV text and the sidecar's JSON text (nullptr: no sidecar, policy
  // error, version ""). File names are used in error messages only. nullptr on errors.
  static std::shared_ptr<const CodeTable> parse(std::string name, std::string_view csv,
                                                const std::string& csv_file,
                                                const std::string* sidecar_json,
                                                const std::string& sidecar_file,
                                                std::vector<LoadError>& errors);
  // Reads csv_path and, when it exists, the .json next to it. The name is the file stem.
  // shown_csv_path names the file in errors (e.g. relative to the configuration folder; the
  // sidecar's name is derived from it); csv_path itself when empty.
  static std::shared_ptr<const CodeTable> load(const std::string& csv_path,
                                               std::vector<LoadError>& errors,
                                               const std::string& shown_csv_path = {});

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  // "name@version", or the name alone when the table has no version.
  std::string id() const;
  const std::vector<std::string>& columns() const { return columns_; }
  std::optional<std::size_t> columnIndex(std::string_view column) const;
  MissingKeyPolicy onMissing() const { return on_missing_; }
  const std::string& defaultValue() const { return default_; }

  // The cell of `column` (0 = the key itself, 1 = the first value column) in the key's row;
  // nullopt when the key is absent or the column does not exist. The view lives as long as
  // the table.
  std::optional<std::string_view> find(std::string_view key, std::size_t column = 1) const;
  bool contains(std::string_view key) const { return rowOf(key) != kNoRow; }

  // The row of a key, found once to read several of its cells (lookup and lookup_column of
  // the same code): false when the key is absent.
  class Row {
   public:
    explicit operator bool() const { return offset_ != kNoRow; }

   private:
    friend class CodeTable;
    std::uint32_t offset_ = kNoRow;
  };
  Row row(std::string_view key) const {
    Row r;
    r.offset_ = rowOf(key);
    return r;
  }
  // The cell of `column` in a found row; nullopt when the row is absent or the column does not
  // exist. Inline, as row(): rules read cells for every result of a message.
  std::optional<std::string_view> find(Row row, std::size_t column) const {
    if (!row || column >= columns_.size()) return std::nullopt;
    return cell(row.offset_, column);
  }
  std::size_t size() const { return rows_; }

  // Asks the CPU to start loading the bucket a lookup of `key` will read (a hint only: no
  // observable effect). A for_each issues it for every item's key before running its body, so
  // the cache misses of a big table's lookups overlap instead of coming one after another.
  void prefetch(std::string_view key) const {
    if (buckets_.size() < 2) return;
    const std::size_t b = hash(key) & (buckets_.size() - 2);  // as rowOf
    __builtin_prefetch(text_.data() + buckets_[b]);
  }

 private:
  CodeTable() = default;

  static std::uint64_t hash(std::string_view key);
  // Cell `column` of the row stored at `row` (an offset into text_).
  std::string_view cell(std::uint32_t row, std::size_t column) const {
    std::size_t at = row;
    for (std::size_t c = 0;; ++c) {
      std::uint32_t length = 0;
      std::memcpy(&length, text_.data() + at, sizeof length);
      at += sizeof length;
      if (c == column) return {text_.data() + at, length};
      at += length;
    }
  }
  // The offset just past the last cell of the row at `row`.
  std::uint32_t rowEnd(std::uint32_t row) const;
  std::uint32_t rowOf(std::string_view key) const;
  // Regroups the rows of text_ (in file order, starting at `rows`) by hash bucket, each behind
  // its hash tag, and fills buckets_. Returns each repeated key as (its row, the first row
  // with that key), both as positions in `rows`.
  std::vector<std::pair<std::size_t, std::size_t>> buildIndex(const std::vector<std::uint32_t>& rows);
  void appendCell(std::string_view value);

  std::string name_;
  std::string version_;
  MissingKeyPolicy on_missing_ = MissingKeyPolicy::Error;
  std::string default_;
  std::vector<std::string> columns_;
  // All rows in one buffer, so that views into it never move, grouped by the bucket of their
  // key's hash. A row is a 4-byte hash tag (the hash's high bits, to skip most key compares),
  // then its cells in column order, each a 4-byte length then the bytes.
  std::string text_;
  // Bucket b's rows are text_[buckets_[b], buckets_[b + 1]); the bucket count is a power of two,
  // about half the row count. A lookup reads this small directory (4 bytes per bucket, so it
  // stays in cache even for big tables) and then one short stretch of text_, where the keys
  // and their values sit together: one likely cache miss, where a separate index of row
  // positions would cost two.
  std::vector<std::uint32_t> buckets_;
  std::size_t rows_ = 0;
};

}  // namespace ferry::mappings
