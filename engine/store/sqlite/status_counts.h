#pragma once
// Counting rows by status when only some statuses are indexed (partial indexes, migration 6):
// the query returns a (status, count) row for each indexed status and a row with an empty
// status holding the total; the one status nobody looks rows up by (a processed message, a
// delivered delivery) is the total minus the others.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ferry::store::sqlite {

// `counts` comes in with every status at 0; returns it filled in.
inline std::map<std::string, std::int64_t> countsWithRest(std::map<std::string, std::int64_t> counts,
                                                          const std::vector<std::string>& statuses,
                                                          const std::vector<std::int64_t>& numbers,
                                                          const std::string& rest_status) {
  std::int64_t rest = 0;
  for (std::size_t i = 0; i < statuses.size() && i < numbers.size(); ++i) {
    if (statuses[i].empty()) {
      rest += numbers[i];
    } else {
      counts[statuses[i]] = numbers[i];
      rest -= numbers[i];
    }
  }
  counts[rest_status] = rest;
  return counts;
}

}  // namespace ferry::store::sqlite
