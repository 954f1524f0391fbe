#include "parsers/xml/writer.h"

#include <set>
#include <string_view>

#include <pugixml.hpp>

#include "parsers/xml/canonical_fields.h"
#include "parsers/xml/element_builder.h"
#include "parsers/xml/string_writer.h"
#include "parsers/xml/unmapped.h"
#include "parsers/xml/write_path.h"

namespace ferry::xml {
namespace {

class DocumentWriter {
 public:
  explicit DocumentWriter(const Profile& profile) : profile_(profile), builder_(profile) {}

  WriteResult run(const canonical::Message& message, const Limits& limits) {
    WriteResult result;
    const bool claims = profile_.kind() == DocumentKind::Claim;
    const std::size_t count = claims ? message.claims.size() : message.claim_responses.size();
    const std::string what = claims ? "claim" : "claim response";
    if (count == 0) {
      result.error = "the message has no " + what + " for profile '" + profile_.name() + "' to write";
      return result;
    }
    if (count > 1 && !profile_.repeatsPrimary()) {
      result.error = "profile '" + profile_.name() + "' carries one " + what +
                     " per document, but the message has " + std::to_string(count);
      return result;
    }
    pugi::xml_document document;
    pugi::xml_node declaration = document.append_child(pugi::node_declaration);
    declaration.append_attribute("version") = "1.0";
    declaration.append_attribute("encoding") = "UTF-8";
    pugi::xml_node root = document.append_child(profile_.rootQName().c_str());

    // At the top level the first claim (or response) is bound: fields shared by all claims
    // of a document are written from it.
    Entries top;
    top.message = &message;
    if (claims) top.claim = &message.claims.front();
    else top.response = &message.claim_responses.front();
    if (!writeAll(profile_.mappings(), root, top)) {
      result.error = std::move(error_);
      return result;
    }
    std::string restore_error = restoreUnmapped(root, message.extensions, profile_, limits);
    if (!restore_error.empty()) {
      result.error = std::move(restore_error);
      return result;
    }
    finishNamespaces(root);
    StringWriter out;
    document.save(out, "  ", pugi::format_indent, pugi::encoding_utf8);
    result.xml = std::move(out.text);
    return result;
  }

 private:
  bool writeAll(const std::vector<Mapping>& mappings, pugi::xml_node context, const Entries& entries) {
    for (const Mapping& mapping : mappings) {
      if (!mapping.write) continue;
      switch (mapping.kind) {
        case Mapping::Kind::Constant: put(context, mapping, *mapping.constant); break;
        case Mapping::Kind::Field: {
          const std::string value = mapping.field->get(entries);
          if (value.empty()) {
            if (!mapping.required) break;
            error_ = "profile '" + profile_.name() + "' requires " + mapping.target() +
                     ", which is empty in the message";
            return false;
          }
          put(context, mapping, mapping.toXml(value));
          break;
        }
        case Mapping::Kind::Repeat: {
          const std::size_t size = mapping.collection->size(entries);
          for (std::size_t i = 0; i < size; ++i) {
            Entries inner;
            mapping.collection->bind(entries, i, inner);
            pugi::xml_node parent = builder_.resolve(context, *mapping.write, true);
            pugi::xml_node element = builder_.insertChild(parent, mapping.write->steps.back().name);
            if (!writeAll(mapping.mappings, element, inner)) return false;
          }
          break;
        }
      }
    }
    return true;
  }

  void put(pugi::xml_node context, const Mapping& mapping, const std::string& value) {
    const WritePath& path = *mapping.write;
    pugi::xml_node node = builder_.resolve(context, path);
    if (path.isAttribute()) {
      pugi::xml_attribute attribute = node.attribute(path.attribute.c_str());
      if (!attribute) attribute = node.append_attribute(path.attribute.c_str());
      const std::string text =
          mapping.part.enabled ? mergePart(attribute.value(), mapping.part, value) : value;
      attribute.set_value(text.c_str());
    } else {
      const std::string text =
          mapping.part.enabled ? mergePart(directText(node), mapping.part, value) : value;
      node.text().set(text.c_str());
    }
  }

  // Elements were built with the profile's prefixes; the default-namespace prefix is dropped
  // and every prefix still in use is declared once, on the document element.
  void finishNamespaces(pugi::xml_node root) {
    std::set<std::string> used;
    rename(root, false, used);
    std::vector<std::pair<std::string, std::string>> declarations;
    const std::string& default_prefix = profile_.defaultWritePrefix();
    if (!default_prefix.empty()) declarations.emplace_back("xmlns", *profile_.uriFor(default_prefix));
    for (const auto& [prefix, uri] : profile_.namespaces()) {
      if (used.count(prefix) != 0) declarations.emplace_back("xmlns:" + prefix, uri);
    }
    const pugi::xml_attribute first = root.first_attribute();
    for (const auto& [name, uri] : declarations) {
      pugi::xml_attribute attribute = first ? root.insert_attribute_before(name.c_str(), first)
                                            : root.append_attribute(name.c_str());
      attribute.set_value(uri.c_str());
    }
  }

  void rename(pugi::xml_node element, bool parent_in_default, std::set<std::string>& used) {
    const std::string_view name = element.name();
    const std::string_view prefix = prefixOf(name);
    const std::string& default_prefix = profile_.defaultWritePrefix();
    bool in_default = false;
    if (!default_prefix.empty() && prefix == default_prefix) {
      element.set_name(std::string(localNameOf(name)).c_str());
      in_default = true;
    } else if (prefix.empty()) {
      // An element in no namespace under one in the default namespace must undeclare it.
      if (parent_in_default && !element.attribute("xmlns")) element.append_attribute("xmlns") = "";
    } else {
      used.emplace(prefix);
    }
    for (pugi::xml_attribute attribute : element.attributes()) {
      const std::string_view attribute_prefix = prefixOf(attribute.name());
      if (!attribute_prefix.empty() && attribute_prefix != "xmlns") used.emplace(attribute_prefix);
    }
    for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_element) rename(child, in_default, used);
    }
  }

  const Profile& profile_;
  ElementBuilder builder_;
  std::string error_;
};

}  // namespace

WriteResult write(const canonical::Message& message, const Profile& profile, const Limits& limits) {
  return DocumentWriter(profile).run(message, limits);
}

}  // namespace ferry::xml
