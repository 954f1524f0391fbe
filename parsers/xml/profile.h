#pragma once
// An insurer's XML format described as data: which root element identifies it, its namespaces,
// and for each canonical field the XPath it is read from and the element/attribute path it is
// written to. A new insurer needs a profile file, not code (samples/profiles/README.md).
//
// Loading validates the whole file and compiles every XPath once; a broken profile is a
// configuration error and throws ProfileError naming file, line and field. A loaded Profile is
// immutable and may be shared by any number of readers and writers.

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "parsers/xml/mapping.h"

namespace ferry::xml {

// What a document of the profile carries.
enum class DocumentKind {
  Claim,          // claim submission: fills Message::claims
  ClaimResponse,  // acknowledgement or remittance: fills Message::claim_responses
};

// A profile file that cannot be used: "file:line: field: problem".
class ProfileError : public std::runtime_error {
 public:
  ProfileError(std::string file, int line, std::string field, const std::string& problem);

  const std::string& file() const { return file_; }
  int line() const { return line_; }            // 0 when the problem is the file as a whole
  const std::string& field() const { return field_; }  // e.g. "mappings[3].read"; may be empty

 private:
  std::string file_;
  int line_;
  std::string field_;
};

class Profile {
 public:
  // The value of the "schema" member every profile starts with.
  static constexpr std::string_view kSchema = "ferry.xml-profile/v1";

  // Loads and validates a profile file. Throws ProfileError.
  static Profile load(const std::filesystem::path& file);
  // The same for JSON held in memory; source names it in error messages.
  static Profile parse(std::string_view json, const std::string& source);

  const std::string& name() const { return name_; }
  const std::string& version() const { return version_; }
  const std::string& description() const { return description_; }
  const std::string& source() const { return source_; }
  DocumentKind kind() const { return kind_; }

  // The document element that identifies the format: local name and namespace URI.
  const std::string& rootName() const { return root_name_; }
  const std::string& rootNamespace() const { return root_namespace_; }
  // The document element's name with the profile's prefix, e.g. "c:ClaimSubmission".
  const std::string& rootQName() const { return root_qname_; }

  // Prefix -> namespace URI, as declared.
  const std::vector<std::pair<std::string, std::string>>& namespaces() const { return namespaces_; }
  // The profile's prefix for uri, or nullptr.
  const std::string* prefixFor(std::string_view uri) const;
  // The URI bound to prefix, or nullptr.
  const std::string* uriFor(std::string_view prefix) const;
  // The prefix whose elements are written in the default namespace (no prefix); "" for none.
  const std::string& defaultWritePrefix() const { return default_write_prefix_; }

  // Whether XML the mappings do not cover is kept as canonical extensions (the default).
  bool keepsUnmapped() const { return keep_unmapped_; }

  const std::vector<Mapping>& mappings() const { return mappings_; }
  // True when a top-level repeat binds the document's claims (or claim responses), so that one
  // document may carry several; otherwise the document is one claim (or response).
  bool repeatsPrimary() const { return repeats_primary_; }

  // Position of child among the children of parent in schema order (both qualified names with
  // the profile's prefixes), from "write.elementOrder" and then the order the mappings name
  // elements in; npos when the profile does not know child.
  std::size_t childRank(std::string_view parent, std::string_view child) const;

 private:
  friend class ProfileLoader;
  Profile() = default;

  std::string name_;
  std::string version_;
  std::string description_;
  std::string source_;
  DocumentKind kind_ = DocumentKind::Claim;
  std::string root_name_;
  std::string root_namespace_;
  std::string root_qname_;
  std::vector<std::pair<std::string, std::string>> namespaces_;
  std::string default_write_prefix_;
  bool keep_unmapped_ = true;
  std::vector<Mapping> mappings_;
  bool repeats_primary_ = false;
  std::unordered_map<std::string, std::vector<std::string>> child_order_;
};

}  // namespace ferry::xml
