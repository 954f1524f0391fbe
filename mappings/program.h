#pragma once
// A mapping file compiled: its filters, transforms and routes with every expression, path,
// table and pattern resolved. Built by the loader (mapping_loader.cpp), run by Mapping::apply
// (rule_runner.cpp), never changed in between.

#include <optional>
#include <string>
#include <vector>

#include "mappings/expression.h"
#include "mappings/expression_parser.h"

namespace ferry::mappings {

struct FilterRule {
  std::string name;
  bool accept = true;  // accept: keep when true; drop: drop when true
  ExprPtr condition;
  std::string reason;
};

struct Action {
  enum class Kind { Set, Copy, Remove, Append, Keep };
  // An append of an object: each member path (relative to the new element) and its value.
  struct Member {
    CanonicalPath path;
    ExprPtr value;
    // An earlier member that looks the same key up in the same table (sameLookupKey): this one
    // reads another column of the row that member found, without a second probe. -1: none.
    int same_key_as = -1;
    // The path names a text member of the new element itself ("code", "display"), written in
    // place; nullptr for deeper paths, which go through the slots.
    const FieldInfo* own_text = nullptr;
  };
  Kind kind = Kind::Set;
  Target target;
  ExprPtr value;          // Set; Append of text
  CanonicalPath from;     // Copy
  std::vector<Member> members;  // Append of an object
  ExprPtr where;          // Keep: evaluated on each element of the list
};

struct TransformRule {
  std::string name;
  std::optional<CanonicalPath> for_each;
  ExprPtr when;  // may be null: always
  std::vector<Action> actions;
  // for_each only: the shortcut lookups (TextLookup) of `when` and the actions whose key is read
  // from the item, one per table and key. Before the body runs, the runner prefetches each
  // item's table bucket for them, so that the cache misses of a big table overlap (the lookups
  // themselves then mostly hit). Point into `when` and `actions`.
  std::vector<const Expr*> item_lookups;
};

struct RouteRule {
  std::string name;
  ExprPtr when;  // null for an otherwise route
  bool otherwise = false;
  std::vector<std::string> to;
};

class Program {
 public:
  std::string file;
  std::string name;
  std::string version;
  std::string description;
  Namespaces namespaces;
  std::vector<FilterRule> filters;
  std::vector<TransformRule> transforms;
  std::vector<RouteRule> routes;
};

}  // namespace ferry::mappings
