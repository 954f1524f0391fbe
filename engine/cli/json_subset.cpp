#include "engine/cli/json_subset.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace ferry::cli {

std::string shortJson(const rapidjson::Value& value, std::size_t max_chars) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  std::string text(buffer.GetString(), buffer.GetSize());
  if (text.size() > max_chars) text = text.substr(0, max_chars) + "...";
  return text;
}

namespace {

bool sameScalar(const rapidjson::Value& a, const rapidjson::Value& b) {
  if (a.IsNumber() && b.IsNumber()) return a.GetDouble() == b.GetDouble();
  return a == b;
}

}  // namespace

void compareSubset(const rapidjson::Value& expected, const rapidjson::Value& actual,
                   const std::string& path, std::vector<std::string>& differences) {
  const std::string where = path.empty() ? "(top)" : path;
  if (expected.IsObject()) {
    if (!actual.IsObject()) {
      differences.push_back(where + ": expected an object, got " + shortJson(actual));
      return;
    }
    for (const auto& member : expected.GetObject()) {
      const std::string name(member.name.GetString(), member.name.GetStringLength());
      const std::string child = path.empty() ? name : path + "." + name;
      const auto found = actual.FindMember(member.name);
      if (found == actual.MemberEnd()) {
        differences.push_back(child + ": expected " + shortJson(member.value) + ", got nothing");
        continue;
      }
      compareSubset(member.value, found->value, child, differences);
    }
    return;
  }
  if (expected.IsArray()) {
    if (!actual.IsArray()) {
      differences.push_back(where + ": expected an array, got " + shortJson(actual));
      return;
    }
    if (actual.Size() < expected.Size()) {
      differences.push_back(where + ": expected at least " + std::to_string(expected.Size()) +
                            " elements, got " + std::to_string(actual.Size()));
    }
    for (rapidjson::SizeType i = 0; i < expected.Size() && i < actual.Size(); ++i) {
      compareSubset(expected[i], actual[i], path + "[" + std::to_string(i) + "]", differences);
    }
    return;
  }
  if (!sameScalar(expected, actual)) {
    differences.push_back(where + ": expected " + shortJson(expected) + ", got " + shortJson(actual));
  }
}

}  // namespace ferry::cli
