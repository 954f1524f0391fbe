#include "parsers/xml/write_path.h"
#include "parsers/xml/text.h"

#include <charconv>

namespace ferry::xml {
namespace {

bool isNameStart(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || u >= 0x80;
}

bool isNameChar(char c) {
  return isNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

bool isNCName(std::string_view name) {
  if (name.empty() || !isNameStart(name[0])) return false;
  for (char c : name) {
    if (!isNameChar(c)) return false;
  }
  return true;
}

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t begin = 0;
  while (true) {
    const std::size_t slash = text.find('/', begin);
    parts.push_back(text.substr(begin, slash == std::string_view::npos ? slash : slash - begin));
    if (slash == std::string_view::npos) break;
    begin = slash + 1;
  }
  return parts;
}

// Parses "name" or "name[n]" into step; false with error set otherwise.
bool parseChild(std::string_view part, bool allow_positions, PathStep& step, std::string& error) {
  std::string_view name = part;
  const std::size_t bracket = part.find('[');
  if (bracket != std::string_view::npos) {
    if (!allow_positions) {
      error = concat({"step '", part, "' has a predicate; write paths name elements only"});
      return false;
    }
    name = part.substr(0, bracket);
    const std::string_view digits = part.substr(bracket + 1, part.size() - bracket - 2);
    std::size_t position = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), position);
    if (part.back() != ']' || ec != std::errc() || end != digits.data() + digits.size() ||
        position == 0) {
      error = concat({"step '", part, "' has a position that is not [1], [2]..."});
      return false;
    }
    step.position = position;
  }
  if (!isQName(name)) {
    error = concat({"'", name, "' is not an element name"});
    return false;
  }
  step.kind = PathStep::Kind::Child;
  step.name = std::string(name);
  return true;
}

}  // namespace

bool isQName(std::string_view name) {
  const std::size_t colon = name.find(':');
  if (colon == std::string_view::npos) return isNCName(name);
  return isNCName(name.substr(0, colon)) && isNCName(name.substr(colon + 1));
}

std::string_view prefixOf(std::string_view qname) {
  const std::size_t colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view() : qname.substr(0, colon);
}

std::string_view localNameOf(std::string_view qname) {
  const std::size_t colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

std::optional<WritePath> parseWritePath(std::string_view text, bool allow_positions,
                                        std::string& error) {
  WritePath path;
  if (text.empty()) {
    error = "the path is empty";
    return std::nullopt;
  }
  if (text.front() == '/') {
    path.absolute = true;
    text.remove_prefix(1);
  }
  std::vector<std::string_view> parts = split(text);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string_view part = parts[i];
    const bool last = i + 1 == parts.size();
    if (part.empty()) {
      error = "the path has an empty step (\"//\" or a trailing \"/\"); name each element";
      return std::nullopt;
    }
    if (path.absolute && i == 0) {
      PathStep root;
      if (!parseChild(part, false, root, error)) return std::nullopt;
      path.root = root.name;
      continue;
    }
    if (part == "..") {
      path.steps.push_back({PathStep::Kind::Parent, {}, 0});
    } else if (part == ".") {
      path.steps.push_back({PathStep::Kind::Self, {}, 0});
    } else if (part == "text()") {
      if (!last) {
        error = "text() must be the last step";
        return std::nullopt;
      }
      path.explicit_text = true;
    } else if (part.front() == '@') {
      if (!last) {
        error = concat({"the attribute '", part, "' must be the last step"});
        return std::nullopt;
      }
      if (!isQName(part.substr(1))) {
        error = concat({"'", part, "' is not an attribute name"});
        return std::nullopt;
      }
      path.attribute = std::string(part.substr(1));
    } else {
      PathStep step;
      if (!parseChild(part, allow_positions, step, error)) return std::nullopt;
      path.steps.push_back(std::move(step));
    }
  }
  return path;
}

std::string WritePath::toString() const {
  std::string out;
  if (absolute) out = "/" + root;
  for (const PathStep& step : steps) {
    if (!out.empty()) out += '/';
    switch (step.kind) {
      case PathStep::Kind::Parent: out += ".."; break;
      case PathStep::Kind::Self: out += "."; break;
      case PathStep::Kind::Child:
        out += step.name;
        if (step.position != 0) out += concat({"[", std::to_string(step.position), "]"});
        break;
    }
  }
  if (isAttribute()) out += concat({out.empty() ? "@" : "/@", attribute});
  if (explicit_text) out += out.empty() ? "text()" : "/text()";
  return out.empty() ? "." : out;
}

}  // namespace ferry::xml
