#pragma once
// Compares an expected JSON value with an actual one the way fixtures mean it: every member the
// expected object names must be in the actual object with a matching value (members it does not
// name are not checked), arrays match element by element (the actual array may be longer), and
// scalars must be equal. Each difference is one readable line with the JSON path, for
// `ferry test` diffs.

#include <string>
#include <vector>

#include <rapidjson/document.h>

namespace ferry::cli {

// Appends "path: expected X, got Y" lines for every difference; none when expected is a subset.
void compareSubset(const rapidjson::Value& expected, const rapidjson::Value& actual,
                   const std::string& path, std::vector<std::string>& differences);

// Compact JSON text of a value, cut to max_chars for diff lines.
std::string shortJson(const rapidjson::Value& value, std::size_t max_chars = 120);

}  // namespace ferry::cli
