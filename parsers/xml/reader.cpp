#include "parsers/xml/reader.h"

#include <string>

#include <pugixml.hpp>

#include "parsers/xml/canonical_fields.h"
#include "parsers/xml/element_builder.h"
#include "parsers/xml/namespaces.h"
#include "parsers/xml/safe_parser.h"
#include "parsers/xml/unmapped.h"
#include "parsers/xml/text.h"
#include "parsers/xml/utf8.h"

namespace ferry::xml {
namespace {

Entries view(const MutableEntries& m) {
  return Entries{m.message,  m.claim,         m.diagnosis,       m.item,
                 m.response, m.response_item, m.item_adjustment, m.response_adjustment};
}

bool isPrimaryRepeat(const Mapping& mapping) {
  return mapping.kind == Mapping::Kind::Repeat && mapping.collection->parent == Scope::Message;
}

// XPath of an element with positions, e.g. "/c:Remittance/c:ClaimResult[1]", for messages.
std::string nodePath(const pugi::xml_node& node) {
  std::string path;
  for (pugi::xml_node at = node; at && at.type() == pugi::node_element; at = at.parent()) {
    std::string step = at.name();
    if (at.parent().type() == pugi::node_element) {
      std::size_t position = 1;
      for (pugi::xml_node s = at.previous_sibling(at.name()); s; s = s.previous_sibling(at.name())) {
        ++position;
      }
      step += concat({"[", std::to_string(position), "]"});
    }
    path.insert(0, concat({"/", step}));
  }
  return path;
}

// Fills one Message from a normalized document with the profile's mappings.
class DocumentReader {
 public:
  DocumentReader(const Profile& profile, std::string_view input)
      : profile_(profile), input_(input) {}

  ReadResult run(pugi::xml_node root) {
    ReadResult result;
    result.profile = &profile_;
    GeneratedNamespaces generated;
    if (auto error = normalizeNamespaces(root, profile_, input_, generated)) {
      result.error = std::move(*error);
      return result;
    }
    canonical::Message message;
    message.header.source_format = std::string(canonical::kSourceXml);
    message.header.message_type = profile_.rootName();
    message.header.message_structure = profile_.name();
    message.header.version = profile_.version();

    MutableEntries top;
    top.message = &message;
    const bool claims = profile_.kind() == DocumentKind::Claim;
    if (claims) top.claim = &template_claim_;
    else top.response = &template_response_;

    // Fields shared by all claims of the document are read first, into the template every
    // claim starts from; then the repeat over the claims (or one claim: the template).
    if (applyAll(profile_.mappings(), root, top, true)) {
      if (profile_.repeatsPrimary()) {
        for (const Mapping& mapping : profile_.mappings()) {
          MutableEntries entries;
          entries.message = &message;
          if (isPrimaryRepeat(mapping) && !applyRepeat(mapping, root, entries)) break;
        }
      } else if (claims) {
        message.claims.push_back(template_claim_);
      } else {
        message.claim_responses.push_back(template_response_);
      }
    }
    if (!error_ && (claims ? message.claims.empty() : message.claim_responses.empty())) {
      fail(ErrorCode::MissingValue, root,
           std::string("the document holds no ") + (claims ? "claim" : "claim response") +
               ": the profile's repeat selects no element");
    }
    if (error_) {
      result.error = std::move(*error_);
      return result;
    }
    if (profile_.keepsUnmapped()) {
      consumed_.finish();
      collectUnmapped(root, consumed_, profile_, generated, message.extensions);
      // Paths as well as values: a damaged byte in an attribute name lands in a path.
      for (const canonical::Extension& extension : message.extensions) {
        if (const std::size_t at = invalidUtf8At(extension.raw); at != std::string::npos ||
                                                                  invalidUtf8At(extension.path) != std::string::npos) {
          result.error = notUtf8(extension.path, "this content", at);
          return result;
        }
      }
    }
    result.message = std::move(message);
    return result;
  }

 private:
  // The value is not quoted: it is not text an operator could read, and may be patient data.
  // A path with a bad byte in a name is cut just before it, so the error itself stays UTF-8.
  static Error notUtf8(std::string path, const std::string& what, std::size_t at) {
    Error error;
    error.code = ErrorCode::Encoding;
    const std::size_t badName = invalidUtf8At(path);
    error.path = badName == std::string::npos ? std::move(path) : path.substr(0, badName) + "...";
    error.text = (badName != std::string::npos ? std::string("a name here")
                                                : "byte " + std::to_string(at + 1) + " of " + what) +
                 " is not valid UTF-8; send UTF-8, or declare encoding=\"ISO-8859-1\" in the XML declaration";
    return error;
  }

  bool fail(ErrorCode code, const pugi::xml_node& context, std::string text) {
    Error error;
    error.code = code;
    error.path = nodePath(context);
    error.text = std::move(text);
    error_ = std::move(error);
    return false;
  }

  bool applyAll(const std::vector<Mapping>& mappings, const pugi::xml_node& context,
                MutableEntries& entries, bool skip_primary) {
    for (const Mapping& mapping : mappings) {
      bool ok = true;
      switch (mapping.kind) {
        case Mapping::Kind::Field: ok = applyField(mapping, context, entries); break;
        case Mapping::Kind::Constant:
          if (mapping.read) evaluate(*mapping.read, context);
          break;
        case Mapping::Kind::Repeat:
          if (!(skip_primary && isPrimaryRepeat(mapping))) ok = applyRepeat(mapping, context, entries);
          break;
      }
      if (!ok) return false;
    }
    return true;
  }

  bool applyRepeat(const Mapping& mapping, const pugi::xml_node& context, MutableEntries& entries) {
    pugi::xpath_node_set nodes = mapping.read->evaluate_node_set(context);
    nodes.sort();
    mapping.collection->reserve(entries, nodes.size());
    const bool primary = isPrimaryRepeat(mapping);
    for (const pugi::xpath_node& selected : nodes) {
      const pugi::xml_node node = selected.node();
      if (!node || node.type() != pugi::node_element) continue;
      consumed_.addContext(node.internal_object());
      MutableEntries inner = entries;
      mapping.collection->append(inner);
      if (primary && inner.claim != nullptr) *inner.claim = template_claim_;
      if (primary && inner.response != nullptr) *inner.response = template_response_;
      if (!applyAll(mapping.mappings, node, inner, false)) return false;
    }
    return true;
  }

  // Each field takes the first non-empty value it is given: a field of an enclosing object
  // mapped inside a repeat (the claim's currency on every line) is read from the first node.
  bool applyField(const Mapping& mapping, const pugi::xml_node& context, MutableEntries& entries) {
    std::string value;
    if (mapping.read) {
      value = mapping.toCanonical(evaluate(*mapping.read, context));
    } else if (mapping.constant) {
      value = *mapping.constant;
    } else {
      return true;
    }
    if (const std::size_t at = invalidUtf8At(value); at != std::string::npos) {
      error_ = notUtf8(nodePath(context), "the value of '" + mapping.read_text + "'", at);
      return false;
    }
    if (!mapping.field->get(view(entries)).empty()) return true;
    if (value.empty()) {
      if (!mapping.required) return true;
      return fail(ErrorCode::MissingValue, context,
                  "the profile requires " + mapping.target() + ", but '" + mapping.read_text +
                      "' gives no value here");
    }
    if (!mapping.field->set(entries, value)) {
      return fail(ErrorCode::InvalidValue, context,
                  "'" + value + "' from '" + mapping.read_text + "' is not a valid " +
                      mapping.target() + "; expected an unsigned integer");
    }
    return true;
  }

  // The value an XPath gives at context; the node it came from counts as mapped.
  std::string evaluate(const pugi::xpath_query& query, const pugi::xml_node& context) {
    if (query.return_type() != pugi::xpath_type_node_set) return query.evaluate_string(context);
    const pugi::xpath_node first = query.evaluate_node(context);
    if (const pugi::xml_attribute attribute = first.attribute()) {
      consumed_.addValue(attribute.internal_object());
      return attribute.value();
    }
    const pugi::xml_node node = first.node();
    if (!node) return {};
    if (node.type() == pugi::node_element) {
      // Its own text, as the writer writes it: text inside child elements stays with them
      // (kept as extensions when unmapped), so it is not read twice and written back doubled.
      consumed_.addValue(node.internal_object());
      return directText(node);
    }
    if (node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) {
      consumed_.addValue(node.parent().internal_object());
    }
    return node.value();
  }

  const Profile& profile_;
  std::string_view input_;
  canonical::Claim template_claim_;
  canonical::ClaimResponse template_response_;
  ConsumedNodes consumed_;
  std::optional<Error> error_;
};

ReadResult failure(Error error, const Profile* profile = nullptr) {
  ReadResult result;
  result.error = std::move(error);
  result.profile = profile;
  return result;
}

std::string expandedName(const ExpandedName& name) {
  return "'" + name.local + "' in namespace '" + (name.uri.empty() ? "(none)" : name.uri) + "'";
}

// Parses xml and resolves the document element's name, or fails.
std::optional<Error> parseRoot(std::string_view xml, const Limits& limits, pugi::xml_document& document,
                               ExpandedName& name) {
  if (auto error = parseDocument(xml, limits, document)) return error;
  const std::optional<ExpandedName> resolved = documentElementName(document.document_element());
  if (!resolved) {
    return errorAt(ErrorCode::Malformed, xml,
                   static_cast<std::uint64_t>(document.document_element().offset_debug()),
                   "the namespace prefix of the root element is not declared");
  }
  name = *resolved;
  return std::nullopt;
}

}  // namespace

ReadResult read(std::string_view xml, const ProfileSet& profiles, const Limits& limits) {
  pugi::xml_document document;
  ExpandedName name;
  if (auto error = parseRoot(xml, limits, document, name)) return failure(std::move(*error));
  const Profile* profile = profiles.match(name.local, name.uri);
  if (profile == nullptr) {
    Error error;
    error.code = ErrorCode::UnknownRoot;
    error.path = concat({"/", document.document_element().name()});
    error.text = "no profile reads the root element " + expandedName(name) +
                 "; known profiles: " + profiles.describe();
    return failure(std::move(error));
  }
  return DocumentReader(*profile, xml).run(document.document_element());
}

ReadResult read(std::string_view xml, const Profile& profile, const Limits& limits) {
  pugi::xml_document document;
  ExpandedName name;
  if (auto error = parseRoot(xml, limits, document, name)) return failure(std::move(*error), &profile);
  if (name.local != profile.rootName() || name.uri != profile.rootNamespace()) {
    Error error;
    error.code = ErrorCode::UnknownRoot;
    error.path = concat({"/", document.document_element().name()});
    error.text = "profile '" + profile.name() + "' reads root element " +
                 expandedName({profile.rootName(), profile.rootNamespace()}) + ", not " +
                 expandedName(name);
    return failure(std::move(error), &profile);
  }
  return DocumentReader(profile, xml).run(document.document_element());
}

ReadResult read(std::istream& in, const ProfileSet& profiles, const Limits& limits) {
  std::string bytes;
  if (auto error = readBounded(in, limits.max_bytes, bytes)) return failure(std::move(*error));
  return read(bytes, profiles, limits);
}

ReadResult readFile(const std::filesystem::path& file, const ProfileSet& profiles,
                    const Limits& limits) {
  std::string bytes;
  if (auto error = readBounded(file, limits.max_bytes, bytes)) return failure(std::move(*error));
  return read(bytes, profiles, limits);
}

}  // namespace ferry::xml
