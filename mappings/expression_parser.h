#pragma once
// Compiles the text of one rule expression or target into an Expr tree (expression.h).
//
// Grammar, loosest binding first:
//   expr       := and ("or" and)*
//   and        := not ("and" not)*
//   not        := "not" not | comparison
//   comparison := primary [("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in") primary]
//   primary    := 'text' | "text" | number | true | false | null | "$this" | "(" expr ")"
//               | "[" [expr ("," expr)*] "]" | name "(" [expr ("," expr)*] ")" | path
//   path       := ["$" "."] segment ("." segment)*      segment := name ["[" (n | "*") "]"]
// Errors carry the byte offset in the text where the problem starts.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mappings/expression.h"
#include "mappings/schema.h"
#include "mappings/table_set.h"

namespace ferry::mappings {

using Keys = std::map<std::string, std::string>;

struct CompileScope {
  // Relative paths start here (a for_each or keep element, or Message); nullptr while keep tests
  // the elements of a list of text, which have no members: there, the element is $this.
  const StructInfo* base = nullptr;
  bool text_element = false;         // $this is allowed (keep over a list of text)
  const StructInfo* root = nullptr;  // "$." paths start here (Message)
  const TableSet* tables = nullptr;
  const Keys* keys = nullptr;
  const Namespaces* namespaces = nullptr;
};

struct ExprError {
  int offset = 0;
  std::string text;
};

ExprPtr compileExpression(std::string_view text, const CompileScope& scope, ExprError& error);

// A write target: a canonical path, or out('HL7 v2 path') for the outgoing message.
struct Target {
  bool outgoing = false;
  std::string hl7_text;
  hl7v2::Path hl7;
  CanonicalPath path;
};
std::optional<Target> compileTarget(std::string_view text, const CompileScope& scope,
                                    ExprError& error);

// A canonical path alone (for_each, copy sources); structures are allowed at its end.
std::optional<CanonicalPath> compilePath(std::string_view text, const CompileScope& scope,
                                         ExprError& error);

}  // namespace ferry::mappings
