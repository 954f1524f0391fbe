#pragma once
// Helpers for the XML codec tests: the shipped profiles and samples, and a namespace-aware
// comparison of two XML documents as trees.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <pugixml.hpp>

#include "parsers/xml/profile_set.h"
#include "tests/support/files.h"

namespace ferry::test {

inline std::string profilesDirectory() { return std::string(FERRY_SOURCE_DIR) + "/samples/profiles"; }

inline const xml::ProfileSet& shippedProfiles() {
  static const xml::ProfileSet profiles = xml::ProfileSet::load(profilesDirectory());
  return profiles;
}

inline const xml::Profile& shippedProfile(const std::string& name) {
  const xml::Profile* profile = shippedProfiles().find(name);
  if (profile == nullptr) throw std::runtime_error("no shipped profile " + name);
  return *profile;
}

inline std::string xmlSample(const std::string& name) { return sample("xml/" + name); }

// The example insurer's two shipped profiles.
inline const std::string kClaimProfile = "example-insurer-claims-1-submission";
inline const std::string kRemittanceProfile = "example-insurer-claims-1-remittance";

namespace tree_detail {

using Bindings = std::vector<std::pair<std::string, std::string>>;

inline std::string expand(const std::string& qname, const Bindings& bindings, bool element) {
  const std::size_t colon = qname.find(':');
  const std::string prefix = colon == std::string::npos ? "" : qname.substr(0, colon);
  const std::string local = colon == std::string::npos ? qname : qname.substr(colon + 1);
  if (prefix.empty() && !element) return local;
  for (auto it = bindings.rbegin(); it != bindings.rend(); ++it) {
    if (it->first == prefix) return "{" + it->second + "}" + local;
  }
  return prefix.empty() ? local : "{?" + prefix + "}" + local;
}

inline std::string trimmed(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

inline std::string compare(const pugi::xml_node& a, Bindings ba, const pugi::xml_node& b,
                           Bindings bb, const std::string& path) {
  using Attributes = std::vector<std::pair<std::string, std::string>>;
  auto scan = [](const pugi::xml_node& node, Bindings& bindings, Attributes& attributes,
                 std::string& text, std::vector<pugi::xml_node>& children) {
    for (pugi::xml_attribute attribute : node.attributes()) {
      const std::string name = attribute.name();
      if (name == "xmlns") bindings.emplace_back("", attribute.value());
      else if (name.rfind("xmlns:", 0) == 0) bindings.emplace_back(name.substr(6), attribute.value());
    }
    for (pugi::xml_attribute attribute : node.attributes()) {
      const std::string name = attribute.name();
      if (name == "xmlns" || name.rfind("xmlns:", 0) == 0) continue;
      attributes.emplace_back(expand(name, bindings, false), attribute.value());
    }
    std::sort(attributes.begin(), attributes.end());
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) text += child.value();
      if (child.type() == pugi::node_element) children.push_back(child);
    }
    text = trimmed(text);
  };
  Attributes aa, ab;
  std::string ta, tb;
  std::vector<pugi::xml_node> ca, cb;
  scan(a, ba, aa, ta, ca);
  scan(b, bb, ab, tb, cb);
  const std::string na = expand(a.name(), ba, true);
  const std::string nb = expand(b.name(), bb, true);
  const std::string here = path + "/" + na;
  if (na != nb) return path + ": element " + na + " != " + nb;
  if (aa != ab) {
    std::string diff = here + ": attributes differ:";
    for (const auto& [n, v] : aa) diff += " " + n + "=" + v;
    diff += " vs";
    for (const auto& [n, v] : ab) diff += " " + n + "=" + v;
    return diff;
  }
  if (ta != tb) return here + ": text '" + ta + "' != '" + tb + "'";
  for (std::size_t i = 0; i < std::min(ca.size(), cb.size()); ++i) {
    std::string diff = compare(ca[i], ba, cb[i], bb, here);
    if (!diff.empty()) return diff;
  }
  if (ca.size() != cb.size()) {
    return here + ": " + std::to_string(ca.size()) + " child elements != " + std::to_string(cb.size());
  }
  return {};
}

}  // namespace tree_detail

// "" when both documents hold the same elements (by namespace URI and local name, in order),
// attributes (as sets) and trimmed texts; otherwise the first difference. Prefixes, namespace
// declarations, comments and indentation do not matter.
inline std::string compareTrees(const std::string& a, const std::string& b) {
  pugi::xml_document da, db;
  if (!da.load_string(a.c_str())) return "first document does not parse";
  if (!db.load_string(b.c_str())) return "second document does not parse";
  return tree_detail::compare(da.document_element(), {}, db.document_element(), {}, "");
}

}  // namespace ferry::test
