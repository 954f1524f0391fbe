#pragma once
// The functions of the rule language: their names and argument counts, and the load-time work
// each call needs (resolving tables and columns, compiling date patterns and regexes, finding
// keyed_hash keys), so that a mistake there is a load error with a column, not a run-time one.

#include "mappings/expression.h"
#include "mappings/expression_parser.h"

namespace ferry::mappings {

struct FunctionSpec {
  const char* name;
  Function function;
  int min_args;
  int max_args;  // -1: any number
};

// nullptr for a name that is not a function.
const FunctionSpec* findFunction(std::string_view name);

// Prepares call.call (already holding its function and name) from its literal arguments.
// false and error set when an argument is wrong.
bool prepareCall(Expr& call, const CompileScope& scope, ExprError& error);

}  // namespace ferry::mappings
