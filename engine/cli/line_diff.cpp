#include "engine/cli/line_diff.h"

#include <algorithm>
#include <cstdint>

namespace ferry::cli {

namespace {

std::vector<std::string_view> splitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

}  // namespace

std::optional<std::vector<DiffLine>> diffLines(std::string_view before, std::string_view after,
                                               std::size_t max_cells) {
  const std::vector<std::string_view> a = splitLines(before);
  const std::vector<std::string_view> b = splitLines(after);
  std::size_t start = 0;
  while (start < a.size() && start < b.size() && a[start] == b[start]) ++start;
  std::size_t end_a = a.size();
  std::size_t end_b = b.size();
  while (end_a > start && end_b > start && a[end_a - 1] == b[end_b - 1]) {
    --end_a;
    --end_b;
  }
  const std::size_t n = end_a - start;
  const std::size_t m = end_b - start;
  if (n > 0 && m > 0 && n * m > max_cells) return std::nullopt;

  // common[i][j]: length of the longest common subsequence of a[start+i..end_a) and
  // b[start+j..end_b), one row of m + 1 cells per old line.
  const std::size_t width = m + 1;
  std::vector<std::uint32_t> common((n + 1) * width, 0);
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      common[i * width + j] = a[start + i] == b[start + j]
                                  ? common[(i + 1) * width + j + 1] + 1
                                  : std::max(common[(i + 1) * width + j], common[i * width + j + 1]);
    }
  }
  std::vector<DiffLine> out;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] == b[start + j]) {
      ++i;
      ++j;
    } else if (j == m || (i < n && common[(i + 1) * width + j] >= common[i * width + j + 1])) {
      out.push_back({'-', start + i + 1, start + j + 1, a[start + i]});
      ++i;
    } else {
      out.push_back({'+', start + i + 1, start + j + 1, b[start + j]});
      ++j;
    }
  }
  return out;
}

}  // namespace ferry::cli
