#include "mappings/mapping.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "mappings/mapping_loader.h"
#include "mappings/program.h"
#include "parsers/hl7v2/message.h"

namespace ferry::mappings {

std::shared_ptr<const Mapping> Mapping::load(const std::string& file, const TableSet& tables,
                                             const Keys& keys, std::vector<LoadError>& errors) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors.push_back(LoadError{file, 0, 0, "cannot read the mapping file"});
    return nullptr;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), file, tables, keys, errors);
}

std::shared_ptr<const Mapping> Mapping::parse(std::string_view json_text,
                                              const std::string& file_name_for_errors,
                                              const TableSet& tables, const Keys& keys,
                                              std::vector<LoadError>& errors) {
  auto program = compileMapping(json_text, file_name_for_errors, tables, keys, errors);
  if (!program) return nullptr;
  return std::make_shared<const Mapping>(std::move(program));
}

Mapping::Mapping(std::unique_ptr<const Program> program) : program_(std::move(program)) {}
Mapping::~Mapping() = default;

const std::string& Mapping::name() const { return program_->name; }
const std::string& Mapping::version() const { return program_->version; }
std::string Mapping::id() const { return program_->name + "@" + program_->version; }
const std::string& Mapping::file() const { return program_->file; }

std::vector<std::string> Mapping::destinations() const {
  std::vector<std::string> out;
  for (const RouteRule& r : program_->routes) {
    for (const std::string& d : r.to) {
      if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
    }
  }
  return out;
}

std::vector<std::string> applyOutgoing(hl7v2::Message& out, const std::vector<OutgoingEdit>& edits) {
  std::vector<std::string> problems;
  for (const OutgoingEdit& edit : edits) {
    auto path = hl7v2::Path::parse(edit.path);
    if (!path) {
      problems.push_back("out('" + edit.path + "'): " + path.error().text);
      continue;
    }
    auto done = out.set(*path, edit.remove ? std::string_view() : std::string_view(edit.value));
    if (!done) problems.push_back("out('" + edit.path + "'): " + done.error().text);
  }
  return problems;
}

}  // namespace ferry::mappings
