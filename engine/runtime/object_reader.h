#pragma once
// Reads one JSON object of a configuration file field by field, recording every problem with
// file, line and field path, and reporting keys nobody asked for (unknown keys are errors: a
// misspelt "max_atempts" must not silently fall back to a default).

#include <string>
#include <vector>

#include "engine/runtime/config.h"
#include "engine/json/located_json.h"

namespace ferry::runtime {

using json::JsonNode;
using json::JsonParseResult;
using json::parseLocatedJson;

class ObjectReader {
 public:
  ObjectReader(const JsonNode& node, std::string file, std::string path,
               std::vector<ConfigError>& errors);

  void string(const char* key, std::string& out, bool required = false);
  void integer(const char* key, std::int64_t& out, std::int64_t min, std::int64_t max,
               bool required = false);
  void integer(const char* key, int& out, int min, int max, bool required = false);
  void number(const char* key, double& out, double min, double max);
  void boolean(const char* key, bool& out);
  void oneOf(const char* key, std::string& out, const std::vector<std::string>& allowed,
             bool required = false);
  void stringMap(const char* key, std::map<std::string, std::string>& out);
  // Child object or array; nullptr (and an error if required) when absent or of another kind.
  const JsonNode* object(const char* key, bool required = false);
  const JsonNode* array(const char* key, bool required = false);

  // Reports every key that no method above asked for. Call once, after reading.
  void rejectUnknownKeys();

  std::string childPath(const std::string& key) const;
  void error(const JsonNode& at, const std::string& field, std::string text) const;

 private:
  const JsonNode* take(const char* key, JsonNode::Kind kind, bool required);

  const JsonNode& node_;
  std::string file_;
  std::string path_;
  std::vector<ConfigError>& errors_;
  std::vector<std::string> seen_;
};

}  // namespace ferry::runtime
