#pragma once
// A plain line diff for `ferry config-history --diff`: the lines only in the old text and the
// lines only in the new one, found as the longest common subsequence of lines. Configuration
// edits are small and local, so the common first and last lines are set aside before the
// quadratic part runs, and that part is bounded: past the bound the caller says the files are
// too large instead of diffing them.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::cli {

struct DiffLine {
  char mark = '-';  // '-': only in the old text, '+': only in the new one
  // 1-based positions where the line is, or (for the other text) would be: consecutive lines
  // of one change move these by one, so a jump starts another change.
  std::size_t old_line = 0;
  std::size_t new_line = 0;
  std::string_view text;  // without its line end
};

// The default bound: lines left after the common start and end, old times new.
inline constexpr std::size_t kMaxDiffCells = 4'000'000;

// The differing lines, in order ('-' before '+' where a line was replaced); nullopt when the
// differing parts are larger than max_cells allows.
std::optional<std::vector<DiffLine>> diffLines(std::string_view before, std::string_view after,
                                               std::size_t max_cells = kMaxDiffCells);

}  // namespace ferry::cli
