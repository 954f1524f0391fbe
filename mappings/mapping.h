#pragma once
// One mapping: a named, versioned set of rules that filter, transform and route a canonical
// Message (docs/mapping-language.md). The JSON file is compiled once when loaded: paths become
// member positions, regexes and XPaths are compiled, tables and keys are resolved. apply() then
// walks that program; it is const, so one Mapping serves many threads at once, and it never
// throws: a failing rule marks the message errored and names the rule.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/canonical/message.h"
#include "mappings/environment.h"
#include "mappings/load_error.h"
#include "mappings/outcome.h"
#include "mappings/source.h"
#include "mappings/table_set.h"

namespace ferry::hl7v2 {
class Message;
}

namespace ferry::mappings {

// keyed_hash() key name -> secret bytes. Secrets come from the engine's key store, never from
// the mapping file; an unknown key name is a load error.
using Keys = std::map<std::string, std::string>;

class Program;  // the compiled rules (program.h)

class Mapping {
 public:
  // Reads and compiles a mapping file. nullptr when there were errors (appended to errors).
  static std::shared_ptr<const Mapping> load(const std::string& file, const TableSet& tables,
                                             const Keys& keys, std::vector<LoadError>& errors);
  // Same from text; file_name_for_errors is what errors name.
  static std::shared_ptr<const Mapping> parse(std::string_view json_text,
                                              const std::string& file_name_for_errors,
                                              const TableSet& tables, const Keys& keys,
                                              std::vector<LoadError>& errors);

  explicit Mapping(std::unique_ptr<const Program> program);
  ~Mapping();
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  const std::string& name() const;
  const std::string& version() const;
  std::string id() const;  // "name@version"
  const std::string& file() const;

  // Every destination named by a route, each once, in file order.
  std::vector<std::string> destinations() const;

  // Filters, then transforms in file order, then routes. Modifies message in place; when the
  // outcome is Errored the message may be partly transformed and should not be delivered.
  // Thread-safe; never throws.
  Outcome apply(canonical::Message& message, const Source& source, const Environment& env) const;

 private:
  std::unique_ptr<const Program> program_;
};

// Applies out('...') edits to the outgoing v2 message in order. Returns one sentence per edit
// that could not be applied (e.g. MSH-1, which holds the delimiters); the others are applied.
std::vector<std::string> applyOutgoing(hl7v2::Message& out, const std::vector<OutgoingEdit>& edits);

}  // namespace ferry::mappings
