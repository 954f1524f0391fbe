#pragma once
// Reads of the raw source message from rules: hl7('PID-3[1].1'), json('entry[0].resource.id')
// and xpath('/c:Claim/@id'). Each query is compiled when the mapping loads; the source itself is
// parsed at most once per apply, on first use, in a SourceCache on apply's stack, so concurrent
// evaluations share nothing. A query against another format than the source's reads empty.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mappings/source.h"
#include "mappings/value.h"
#include "parsers/hl7v2/path.h"

namespace pugi {
class xpath_query;
class xml_document;
}  // namespace pugi

namespace ferry::hl7v2 {
class Message;
}

namespace ferry::mappings {

// Prefix -> namespace URI, from the mapping's "namespaces".
using Namespaces = std::vector<std::pair<std::string, std::string>>;

struct JsonStep {
  std::string member;  // empty for an index on the root array
  enum class Select : std::uint8_t { None, Index, All } select = Select::None;
  std::uint32_t index = 0;
};

struct SourceQuery {
  enum class Kind { Hl7, Json, Xpath };
  Kind kind = Kind::Hl7;
  std::string text;
  hl7v2::Path hl7;
  std::vector<JsonStep> json;
  std::shared_ptr<const pugi::xpath_query> xpath;
};

// Each returns nullopt and sets error (with an offset into text when known) on a bad query.
std::optional<SourceQuery> compileHl7Query(std::string_view text, std::string& error);
std::optional<SourceQuery> compileJsonQuery(std::string_view text, std::string& error,
                                            int& error_offset);
std::optional<SourceQuery> compileXpathQuery(std::string_view text, const Namespaces& namespaces,
                                             std::string& error, int& error_offset);

class SourceCache {
 public:
  SourceCache(const Source& source, const Namespaces& namespaces);
  ~SourceCache();
  SourceCache(const SourceCache&) = delete;
  SourceCache& operator=(const SourceCache&) = delete;

  // The query's value: text, number, a sequence for several matches, or null.
  Value read(const SourceQuery& query, Arena& arena);

 private:
  Value readHl7(const SourceQuery& query, Arena& arena);
  Value readJson(const SourceQuery& query, Arena& arena);
  Value readXpath(const SourceQuery& query, Arena& arena);

  const Source& source_;
  const Namespaces& namespaces_;
  bool hl7_tried_ = false;
  std::unique_ptr<hl7v2::Message> hl7_;
  bool json_tried_ = false;
  struct JsonHolder;
  std::unique_ptr<JsonHolder> json_;
  bool xml_tried_ = false;
  std::unique_ptr<pugi::xml_document> xml_;
};

}  // namespace ferry::mappings
