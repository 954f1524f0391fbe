#include "mappings/csv_reader.h"

namespace ferry::mappings {

bool parseCsv(std::string_view text, std::vector<CsvRecord>& records, CsvError& error) {
  std::size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  int line = 1;
  std::size_t line_start = i;
  auto column = [&](std::size_t at) { return static_cast<int>(at - line_start) + 1; };
  auto endOfLine = [&](std::size_t at) { return at >= text.size() || text[at] == '\n' || text[at] == '\r'; };
  auto skipLineEnd = [&]() {
    if (i < text.size() && text[i] == '\r') ++i;
    if (i < text.size() && text[i] == '\n') ++i;
    ++line;
    line_start = i;
  };
  while (i < text.size()) {
    if (text[i] == '\n' || text[i] == '\r') {  // blank line
      skipLineEnd();
      continue;
    }
    CsvRecord record;
    record.line = line;
    while (true) {
      std::string field;
      if (i < text.size() && text[i] == '"') {
        const int open_line = line;
        const int open_column = column(i);
        ++i;
        bool closed = false;
        while (i < text.size()) {
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') {
            ++line;
            line_start = i + 1;
          }
          field += c;
          ++i;
        }
        if (!closed) {
          error = {open_line, open_column, "the quoted field starting here has no closing quote"};
          return false;
        }
        if (!endOfLine(i) && text[i] != ',') {
          error = {line, column(i), "after a closing quote, expected ',' or the end of the line"};
          return false;
        }
      } else {
        while (!endOfLine(i) && text[i] != ',') {
          if (text[i] == '"') {
            error = {line, column(i), "a quote inside an unquoted field (quote the whole field and double the quote)"};
            return false;
          }
          field += text[i++];
        }
      }
      record.fields.push_back(std::move(field));
      if (i < text.size() && text[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    records.push_back(std::move(record));
    if (i < text.size()) skipLineEnd();
  }
  return true;
}

}  // namespace ferry::mappings
