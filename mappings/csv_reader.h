#pragma once
// RFC 4180 CSV for code tables: comma-separated, double quotes around fields that hold commas,
// quotes ("" inside) or line breaks; CRLF or LF line ends; a UTF-8 byte order mark is skipped
// and blank lines are ignored. Each record keeps the line it starts on, for error messages.

#include <string>
#include <string_view>
#include <vector>

namespace ferry::mappings {

struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

struct CsvError {
  int line = 0;
  int column = 0;
  std::string text;
};

// false and error set on malformed quoting.
bool parseCsv(std::string_view text, std::vector<CsvRecord>& records, CsvError& error);

}  // namespace ferry::mappings
