#include "parsers/xml/element_builder.h"

namespace ferry::xml {

pugi::xml_node ElementBuilder::insertionPoint(const pugi::xml_node& parent,
                                              std::string_view qname) const {
  const std::size_t rank = profile_.childRank(parent.name(), qname);
  if (rank == std::string_view::npos) return {};
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() != pugi::node_element) continue;
    const std::size_t other = profile_.childRank(parent.name(), child.name());
    if (other != std::string_view::npos && other > rank) return child;
  }
  return {};
}

pugi::xml_node ElementBuilder::insertChild(pugi::xml_node parent, std::string_view qname) const {
  const std::string name(qname);
  const pugi::xml_node before = insertionPoint(parent, qname);
  return before ? parent.insert_child_before(name.c_str(), before) : parent.append_child(name.c_str());
}

pugi::xml_node ElementBuilder::insertCopy(pugi::xml_node parent, const pugi::xml_node& element) const {
  const pugi::xml_node before = insertionPoint(parent, element.name());
  return before ? parent.insert_copy_before(element, before) : parent.append_copy(element);
}

pugi::xml_node ElementBuilder::nthChild(const pugi::xml_node& parent, std::string_view qname,
                                        std::size_t n) {
  std::size_t seen = 0;
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element && qname == child.name() && ++seen == n) return child;
  }
  return {};
}

std::size_t ElementBuilder::countChildren(const pugi::xml_node& parent, std::string_view qname) {
  std::size_t count = 0;
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element && qname == child.name()) ++count;
  }
  return count;
}

pugi::xml_node ElementBuilder::resolve(pugi::xml_node context, const WritePath& path,
                                       bool skip_last) const {
  pugi::xml_node node = context;
  if (path.absolute) {
    node = context.root().first_child();
    while (node && node.type() != pugi::node_element) node = node.next_sibling();
  }
  const std::size_t steps = path.steps.size() - (skip_last && !path.steps.empty() ? 1 : 0);
  for (std::size_t i = 0; i < steps && node; ++i) {
    const PathStep& step = path.steps[i];
    switch (step.kind) {
      case PathStep::Kind::Self: break;
      case PathStep::Kind::Parent: node = node.parent(); break;
      case PathStep::Kind::Child: {
        const std::size_t wanted = step.position == 0 ? 1 : step.position;
        pugi::xml_node child = nthChild(node, step.name, wanted);
        if (!child) {
          for (std::size_t have = countChildren(node, step.name); have < wanted; ++have) {
            child = insertChild(node, step.name);
          }
        }
        node = child;
        break;
      }
    }
  }
  return node;
}

std::string directText(const pugi::xml_node& element) {
  std::string text;
  for (pugi::xml_node child = element.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) text += child.value();
  }
  return text;
}

}  // namespace ferry::xml
