#include "mappings/mapping_loader.h"

#include <cstdio>
#include <initializer_list>
#include <set>

#include "mappings/json_location.h"
#include "mappings/shortcuts.h"

namespace ferry::mappings {

namespace {

using json::JsonNode;
using Kind = JsonNode::Kind;

bool validName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                    c == '.';
    if (!ok) return false;
  }
  return true;
}

// Prepares the members of one append for Mapping::apply: those that look the same key up (a
// code and its display) share one probe, text members of the element are written in place.
void prepareMembers(std::vector<Action::Member>& members) {
  for (Action::Member& m : members) {
    const FieldInfo& f = *m.path.last().field;
    // Text of the element itself (a std::string, the canonical::CodeSystem of a Coding, a
    // canonical::DateTime) is written in place; a boxed one (canonical::Boxed) goes through
    // setMember.
    const bool text = f.kind == FieldKind::String || f.kind == FieldKind::CodeSystem ||
                      f.kind == FieldKind::DateTime;
    if (m.path.steps.size() == 1 && text && !f.boxed()) m.own_text = &f;
  }
  for (std::size_t j = 0; j < members.size(); ++j) {
    for (std::size_t i = 0; i < j && members[j].same_key_as < 0; ++i) {
      if (sameLookupKey(*members[i].value, *members[j].value)) {
        members[j].same_key_as = static_cast<int>(i);
      }
    }
  }
}

class Loader {
 public:
  Loader(std::string_view text, const std::string& file, const TableSet& tables, const Keys& keys,
         std::vector<LoadError>& errors)
      : file_(file), locator_(text), tables_(tables), keys_(keys), errors_(errors) {}

  std::unique_ptr<Program> load(const JsonNode& root) {
    auto program = std::make_unique<Program>();
    program->file = file_;
    if (root.kind != Kind::Object) {
      error(root, "a mapping file holds one JSON object, not " +
                      std::string(JsonNode::kindName(root.kind)));
      return nullptr;
    }
    checkKeys(root, {"name", "version", "description", "namespaces", "filters", "transforms",
                     "routes"});
    if (const JsonNode* n = text(root, "name", true)) {
      program->name = n->string;
      if (!validName(n->string)) {
        error(*n, "a mapping name uses lowercase letters, digits, '-', '_' and '.' (at most 64)");
      }
    }
    if (const JsonNode* v = text(root, "version", true)) {
      program->version = v->string;
      if (v->string.empty() || v->string.find_first_of("@ ") != std::string::npos) {
        error(*v, "a version is non-empty text without '@' or spaces, e.g. \"2\"");
      }
    }
    if (const JsonNode* d = text(root, "description", false)) program->description = d->string;
    if (const JsonNode* ns = member(root, "namespaces", Kind::Object)) {
      for (std::size_t i = 0; i < ns->members.size(); ++i) {
        const auto& [prefix, uri] = ns->members[i];
        if (uri.kind != Kind::String || uri.string.empty()) {
          error(uri, "namespace '" + prefix + "' needs its URI as text");
          continue;
        }
        program->namespaces.emplace_back(prefix, uri.string);
      }
    }
    namespaces_ = &program->namespaces;
    if (const JsonNode* list = member(root, "filters", Kind::Array)) {
      for (const JsonNode& f : list->items) filter(f, *program);
    }
    if (const JsonNode* list = member(root, "transforms", Kind::Array)) {
      for (const JsonNode& t : list->items) transform(t, *program);
    }
    if (const JsonNode* list = member(root, "routes", Kind::Array)) {
      for (const JsonNode& r : list->items) route(r, *program);
    }
    if (failed_) return nullptr;
    return program;
  }

 private:
  // --- errors -------------------------------------------------------------------------------
  void report(TextPosition at, std::string text) {
    errors_.push_back(LoadError{file_, at.line, at.column, std::move(text)});
    failed_ = true;
  }
  void error(const JsonNode& node, std::string text) {
    report(locator_.valueStart(node), std::move(text));
  }
  void errorIn(const JsonNode& node, const ExprError& e, const std::string& rule) {
    report(locator_.insideString(node, e.offset), e.text + inRule(rule));
  }
  static std::string inRule(const std::string& rule) {
    return rule.empty() ? "" : " (rule '" + rule + "')";
  }

  // --- shape --------------------------------------------------------------------------------
  void checkKeys(const JsonNode& object, std::initializer_list<const char*> allowed) {
    for (std::size_t i = 0; i < object.members.size(); ++i) {
      const std::string& key = object.members[i].first;
      bool known = false;
      for (const char* a : allowed) known = known || key == a;
      if (!known) {
        std::string list;
        for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        report(locator_.key(object, i), "unknown key '" + key + "' (expected " + list + ")");
      }
    }
  }

  const JsonNode* member(const JsonNode& object, const char* key, Kind kind) {
    const JsonNode* n = object.find(key);
    if (n == nullptr) return nullptr;
    if (n->kind != kind) {
      error(*n, std::string("'") + key + "' must be " + JsonNode::kindName(kind) + ", not " +
                    JsonNode::kindName(n->kind));
      return nullptr;
    }
    return n;
  }

  const JsonNode* text(const JsonNode& object, const char* key, bool required) {
    const JsonNode* n = member(object, key, Kind::String);
    if (n == nullptr && required && object.find(key) == nullptr) {
      report({object.line, object.column > 1 ? object.column - 1 : object.column},
             std::string("'") + key + "' is required");
    }
    return n;
  }

  bool ruleName(const JsonNode& object, std::string& out, const char* what) {
    const JsonNode* n = text(object, "name", true);
    if (n == nullptr) return false;
    if (n->string.empty()) {
      error(*n, std::string("a ") + what + " needs a non-empty name");
      return false;
    }
    if (!names_.insert(n->string).second) {
      error(*n, "the rule name '" + n->string + "' is used twice in this mapping");
    }
    out = n->string;
    return true;
  }

  CompileScope scope(const StructInfo* base) const {
    CompileScope s;
    s.root = Schema::canonical().message();
    s.base = base != nullptr ? base : s.root;
    s.tables = &tables_;
    s.keys = &keys_;
    s.namespaces = namespaces_;
    return s;
  }

  ExprPtr expression(const JsonNode& node, const CompileScope& s, const std::string& rule) {
    if (node.kind != Kind::String) {
      error(node, "an expression is written as text, e.g. \"patient.sex == 'female'\"" + inRule(rule));
      return nullptr;
    }
    ExprError e;
    ExprPtr expr = compileExpression(node.string, s, e);
    if (!expr) errorIn(node, e, rule);
    return expr;
  }

  ExprPtr expressionMember(const JsonNode& object, const char* key, const CompileScope& s,
                           const std::string& rule) {
    const JsonNode* n = object.find(key);
    return n == nullptr ? nullptr : expression(*n, s, rule);
  }

  // --- filters ------------------------------------------------------------------------------
  void filter(const JsonNode& node, Program& program) {
    if (node.kind != Kind::Object) {
      error(node, "a filter is an object with name, accept or drop, and reason");
      return;
    }
    checkKeys(node, {"name", "accept", "drop", "reason"});
    FilterRule rule;
    ruleName(node, rule.name, "filter");
    const JsonNode* accept = node.find("accept");
    const JsonNode* drop = node.find("drop");
    if ((accept == nullptr) == (drop == nullptr)) {
      error(node, "a filter has exactly one of 'accept' and 'drop'" + inRule(rule.name));
      return;
    }
    rule.accept = accept != nullptr;
    rule.condition = expression(accept != nullptr ? *accept : *drop, scope(nullptr), rule.name);
    if (const JsonNode* reason = text(node, "reason", true)) rule.reason = reason->string;
    if (rule.condition) program.filters.push_back(std::move(rule));
  }

  // --- transforms ---------------------------------------------------------------------------
  static constexpr const char* kActionKeys[] = {"set", "copy", "remove", "append", "keep"};

  void transform(const JsonNode& node, Program& program) {
    if (node.kind != Kind::Object) {
      error(node, "a transform is an object with a name and set, copy, remove, append, keep or do");
      return;
    }
    checkKeys(node, {"name", "for_each", "when", "do", "set", "copy", "remove", "append", "keep",
                     "value", "to", "where"});
    TransformRule rule;
    ruleName(node, rule.name, "transform");
    const StructInfo* base = nullptr;
    if (const JsonNode* each = node.find("for_each")) {
      if (each->kind != Kind::String) {
        error(*each, "for_each names a list path, e.g. \"observations[*]\"");
        return;
      }
      ExprError e;
      rule.for_each = compilePath(each->string, scope(nullptr), e);
      if (!rule.for_each) {
        errorIn(*each, e, rule.name);
        return;
      }
      const PathStep& last = rule.for_each->last();
      if (last.field->kind != FieldKind::StructList || last.select == PathStep::Select::Index) {
        error(*each, "for_each needs a list of structures such as \"observations[*]\", not '" +
                         each->string + "'" + inRule(rule.name));
        return;
      }
      base = last.field->type;
    }
    const CompileScope s = scope(base);
    rule.when = expressionMember(node, "when", s, rule.name);
    const JsonNode* list = node.find("do");
    bool inline_action = false;
    for (const char* k : kActionKeys) inline_action = inline_action || node.find(k) != nullptr;
    if ((list != nullptr) == inline_action) {
      error(node, "a transform has either one action (set, copy, remove, append, keep) or a 'do' list" +
                      inRule(rule.name));
      return;
    }
    if (list != nullptr) {
      if (node.find("value") != nullptr || node.find("to") != nullptr || node.find("where") != nullptr) {
        error(node, "'value', 'to' and 'where' belong inside the actions of 'do'" + inRule(rule.name));
      }
      if (list->kind != Kind::Array || list->items.empty()) {
        error(*list, "'do' is a non-empty list of actions" + inRule(rule.name));
        return;
      }
      for (const JsonNode& a : list->items) {
        if (a.kind != Kind::Object) {
          error(a, "an action is an object such as {\"set\": ..., \"value\": ...}" + inRule(rule.name));
          continue;
        }
        checkKeys(a, {"set", "copy", "remove", "append", "keep", "value", "to", "where"});
        action(a, s, rule);
      }
    } else {
      action(node, s, rule);
    }
    if (rule.for_each) {
      // What the items' pre-pass prefetches (TransformRule::item_lookups). Keep's `where` reads
      // other elements than the item, so it is left out.
      if (rule.when) collectItemLookups(*rule.when, rule.item_lookups);
      for (const Action& a : rule.actions) {
        if (a.value) collectItemLookups(*a.value, rule.item_lookups);
        for (const Action::Member& m : a.members) collectItemLookups(*m.value, rule.item_lookups);
      }
    }
    if (!rule.actions.empty()) program.transforms.push_back(std::move(rule));
  }

  std::optional<Target> target(const JsonNode& node, const CompileScope& s,
                               const TransformRule& rule) {
    if (node.kind != Kind::String) {
      error(node, "a target is a path written as text, e.g. \"patient.birth_date\"" + inRule(rule.name));
      return std::nullopt;
    }
    ExprError e;
    auto t = compileTarget(node.string, s, e);
    if (!t) {
      errorIn(node, e, rule.name);
      return std::nullopt;
    }
    if (rule.for_each && !t->outgoing && t->path.rooted) {
      error(node, "inside for_each, targets are relative to the element; '$.' paths can be read but not written" +
                      inRule(rule.name));
      return std::nullopt;
    }
    return t;
  }

  void action(const JsonNode& node, const CompileScope& s, TransformRule& rule) {
    int kinds = 0;
    for (const char* k : kActionKeys) kinds += node.find(k) != nullptr;
    if (kinds != 1) {
      error(node, "an action has exactly one of set, copy, remove, append and keep" + inRule(rule.name));
      return;
    }
    const JsonNode* value = node.find("value");
    const JsonNode* to = node.find("to");
    const JsonNode* where = node.find("where");
    if (where != nullptr && node.find("keep") == nullptr) {
      return error(*where, "'where' belongs to keep" + inRule(rule.name));
    }
    Action a;
    if (const JsonNode* n = node.find("set")) {
      a.kind = Action::Kind::Set;
      if (to != nullptr) error(*to, "'to' belongs to copy; set takes 'value'" + inRule(rule.name));
      if (value == nullptr) return error(*n, "set needs a 'value'" + inRule(rule.name));
      auto t = target(*n, s, rule);
      a.value = expression(*value, s, rule.name);
      if (!t || !a.value) return;
      if (!t->outgoing && !settable(*n, t->path, rule)) return;
      a.target = std::move(*t);
    } else if (const JsonNode* n = node.find("copy")) {
      a.kind = Action::Kind::Copy;
      if (value != nullptr) error(*value, "copy takes 'to', not 'value'" + inRule(rule.name));
      if (to == nullptr) return error(*n, "copy needs a 'to'" + inRule(rule.name));
      if (n->kind != Kind::String) return error(*n, "copy names a path" + inRule(rule.name));
      ExprError e;
      auto from = compilePath(n->string, s, e);
      if (!from) return errorIn(*n, e, rule.name);
      auto t = target(*to, s, rule);
      if (!t) return;
      if (from->many()) {
        return error(*n, "copy reads one value; '" + n->string + "' can give several" + inRule(rule.name));
      }
      const StructInfo* from_type = from->leafStruct();
      if (from_type != nullptr) {
        const bool same = !t->outgoing && t->path.leafStruct() == from_type &&
                          (t->path.last().field->kind == FieldKind::Struct ||
                           t->path.last().select == PathStep::Select::Index);
        if (!same) {
          return error(*to, "copy of a " + from_type->name + " needs a target of the same structure" +
                                inRule(rule.name));
        }
      } else if (!t->outgoing && !settable(*to, t->path, rule)) {
        return;
      }
      a.from = std::move(*from);
      a.target = std::move(*t);
    } else if (const JsonNode* n = node.find("remove")) {
      a.kind = Action::Kind::Remove;
      if (value != nullptr || to != nullptr) {
        error(value != nullptr ? *value : *to, "remove takes no 'value' or 'to'" + inRule(rule.name));
      }
      auto t = target(*n, s, rule);
      if (!t) return;
      a.target = std::move(*t);
    } else if (const JsonNode* n = node.find("append")) {
      a.kind = Action::Kind::Append;
      if (to != nullptr) error(*to, "append takes 'value', not 'to'" + inRule(rule.name));
      if (value == nullptr) return error(*n, "append needs a 'value'" + inRule(rule.name));
      auto t = target(*n, s, rule);
      if (!t) return;
      if (t->outgoing || !t->path.endsAtList()) {
        return error(*n, "append needs a list such as \"code.codings\" (without [index])" + inRule(rule.name));
      }
      const FieldInfo& list = *t->path.last().field;
      if (list.kind == FieldKind::StringList) {
        a.value = expression(*value, s, rule.name);
        if (!a.value) return;
      } else {
        if (value->kind != Kind::Object) {
          return error(*value, "append to '" + t->path.text + "' takes an object of members, e.g. {\"code\": \"'123'\"}" +
                                   inRule(rule.name));
        }
        CompileScope element = s;
        element.base = list.type;
        for (const auto& [key, v] : value->members) {
          ExprError e;
          auto path = compilePath(key, element, e);
          if (!path) {
            error(v, "'" + key + "': " + e.text + inRule(rule.name));
            continue;
          }
          if (!settable(v, *path, rule)) continue;
          ExprPtr expr = expression(v, s, rule.name);
          if (expr) a.members.push_back({std::move(*path), std::move(expr)});
        }
        if (a.members.size() != value->members.size()) return;
        prepareMembers(a.members);
      }
      a.target = std::move(*t);
    } else if (const JsonNode* n = node.find("keep")) {
      a.kind = Action::Kind::Keep;
      if (!keep(*n, where, value != nullptr ? value : to, s, rule, a)) return;
    }
    rule.actions.push_back(std::move(a));
  }

  // {"keep": LIST, "where": EXPR}: where is compiled relative to one element of LIST.
  bool keep(const JsonNode& list, const JsonNode* where, const JsonNode* stray,
            const CompileScope& s, const TransformRule& rule, Action& a) {
    if (stray != nullptr) error(*stray, "keep takes 'where', not 'value' or 'to'" + inRule(rule.name));
    if (where == nullptr) {
      error(list, "keep needs a 'where', the condition an element must meet to stay" + inRule(rule.name));
      return false;
    }
    auto t = target(list, s, rule);
    if (!t) return false;
    if (t->outgoing) {
      error(list, "keep works on lists of the canonical message, not on out('...') fields" + inRule(rule.name));
      return false;
    }
    const FieldInfo& field = *t->path.last().field;
    const bool is_list = field.kind == FieldKind::StructList || field.kind == FieldKind::StringList;
    if (!is_list || t->path.last().select == PathStep::Select::Index) {
      error(list, "keep needs a list such as \"observations\" (without [index]); '" + t->path.text +
                      "' is not one" + inRule(rule.name));
      return false;
    }
    CompileScope element = s;
    element.base = field.type;  // nullptr for a list of text
    element.text_element = field.kind == FieldKind::StringList;
    a.where = expression(*where, element, rule.name);
    if (!a.where) return false;
    a.target = std::move(*t);
    return stray == nullptr;
  }

  // A set (or copy) target must end at text, a number or one element of a list of text.
  bool settable(const JsonNode& at, const CanonicalPath& path, const TransformRule& rule) {
    const PathStep& last = path.last();
    switch (last.field->kind) {
      case FieldKind::String:
      case FieldKind::CodeSystem:
      case FieldKind::DateTime:
      case FieldKind::Number:
      case FieldKind::Count: return true;
      case FieldKind::StringList:
        if (last.select != PathStep::Select::None) return true;
        error(at, "'" + path.text + "' is a list: set one element ([0]) or use append" + inRule(rule.name));
        return false;
      default:
        error(at, "'" + path.text + "' is a structure: set its members, or use copy or append" +
                      inRule(rule.name));
        return false;
    }
  }

  // --- routes -------------------------------------------------------------------------------
  void route(const JsonNode& node, Program& program) {
    if (node.kind != Kind::Object) {
      error(node, "a route is an object with name, when (or otherwise) and to");
      return;
    }
    checkKeys(node, {"name", "when", "otherwise", "to"});
    RouteRule rule;
    ruleName(node, rule.name, "route");
    const JsonNode* when = node.find("when");
    if (const JsonNode* o = member(node, "otherwise", Kind::Bool)) rule.otherwise = o->boolean;
    if ((when != nullptr) == rule.otherwise) {
      error(node, "a route has either 'when' or \"otherwise\": true" + inRule(rule.name));
      return;
    }
    if (when != nullptr) {
      rule.when = expression(*when, scope(nullptr), rule.name);
      if (!rule.when) return;
    }
    const JsonNode* to = node.find("to");
    if (to == nullptr || to->kind != Kind::Array || to->items.empty()) {
      error(to != nullptr ? *to : node, "'to' is a non-empty list of destination names" + inRule(rule.name));
      return;
    }
    for (const JsonNode& d : to->items) {
      if (d.kind != Kind::String || d.string.empty()) {
        error(d, "a destination name is non-empty text" + inRule(rule.name));
        return;
      }
      rule.to.push_back(d.string);
    }
    program.routes.push_back(std::move(rule));
  }

  const std::string& file_;
  JsonLocator locator_;
  const TableSet& tables_;
  const Keys& keys_;
  std::vector<LoadError>& errors_;
  const Namespaces* namespaces_ = nullptr;
  std::set<std::string> names_;
  bool failed_ = false;
};

}  // namespace

std::unique_ptr<Program> compileMapping(std::string_view text, const std::string& file,
                                        const TableSet& tables, const Keys& keys,
                                        std::vector<LoadError>& errors) {
  const json::JsonParseResult parsed = json::parseLocatedJson(text);
  if (!parsed.ok()) {
    // "line 3, column 7: Missing a comma ..."
    LoadError e{file, 0, 0, "not valid JSON: " + parsed.error};
    int line = 0, column = 0;
    if (std::sscanf(parsed.error.c_str(), "line %d, column %d", &line, &column) == 2) {
      e.line = line;
      e.column = column;
      e.text = "not valid JSON: " + parsed.error.substr(parsed.error.find(": ") + 2);
    }
    errors.push_back(std::move(e));
    return nullptr;
  }
  Loader loader(text, file, tables, keys, errors);
  return loader.load(parsed.root);
}

}  // namespace ferry::mappings
