#pragma once
// Writing the Prometheus text exposition format (version 0.0.4): HELP/TYPE headers and sample
// lines with labels. Label values are escaped as the format requires (backslash, double quote,
// line feed), so a channel name can never break a line.

#include <initializer_list>
#include <ostream>
#include <string_view>
#include <utility>

namespace ferry::runtime::prometheus {

using Label = std::pair<std::string_view, std::string_view>;  // name, value

void header(std::ostream& out, std::string_view name, std::string_view type, std::string_view help);
// name{label="value",...} number; without labels when the list is empty.
void sample(std::ostream& out, std::string_view name, std::initializer_list<Label> labels, double number);

}  // namespace ferry::runtime::prometheus
