#include "engine/runtime/prometheus_text.h"

#include <cstdio>

namespace ferry::runtime::prometheus {

namespace {

void writeLabelValue(std::ostream& out, std::string_view value) {
  for (const char c : value) {
    if (c == '\\') {
      out << "\\\\";
    } else if (c == '"') {
      out << "\\\"";
    } else if (c == '\n') {
      out << "\\n";
    } else {
      out << c;
    }
  }
}

}  // namespace

void header(std::ostream& out, std::string_view name, std::string_view type, std::string_view help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

void sample(std::ostream& out, std::string_view name, std::initializer_list<Label> labels, double number) {
  out << name;
  if (labels.size() != 0) {
    out << '{';
    bool first = true;
    for (const auto& [label, value] : labels) {
      if (!first) out << ',';
      first = false;
      out << label << "=\"";
      writeLabelValue(out, value);
      out << '"';
    }
    out << '}';
  }
  char text[32];
  std::snprintf(text, sizeof text, " %.15g\n", number);
  out << text;
}

}  // namespace ferry::runtime::prometheus
