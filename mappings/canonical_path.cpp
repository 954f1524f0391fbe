#include "mappings/canonical_path.h"

#include <charconv>
#include <cstring>

#include "engine/canonical/code_system.h"
#include "engine/canonical/date_time.h"

namespace ferry::mappings {

namespace {

bool isList(FieldKind k) { return k == FieldKind::StringList || k == FieldKind::StructList; }

const char* kindName(FieldKind k) {
  switch (k) {
    case FieldKind::String:
    case FieldKind::CodeSystem:
    case FieldKind::DateTime: return "text";
    case FieldKind::StringList: return "a list of text";
    case FieldKind::Number: return "a number";
    case FieldKind::Count: return "a whole number";
    case FieldKind::Struct: return "a structure";
    case FieldKind::StructList: return "a list";
  }
  return "a value";
}

using Values = std::pmr::vector<Value>;

// The member f designates inside object, for reading. A boxed member (canonical::Boxed) gives
// what its box holds, or the model's shared empty value when nothing was stored: reads see an
// empty member either way, and nothing may write through the pointer.
char* readable(const FieldInfo& f, char* object) {
  char* m = object + f.offset;
  if (!f.boxed()) return m;
  return const_cast<char*>(static_cast<const char*>(f.box.read(m)));
}

// The member f designates inside object, for writing: an empty box is filled when create is
// true; without create, nullptr (there is nothing to change).
char* writable(const FieldInfo& f, char* object, bool create) {
  char* m = object + f.offset;
  if (!f.boxed()) return m;
  return static_cast<char*>(create ? f.box.write(m) : f.box.find(m));
}

// The value of a String, Number or Count member; null when it is empty.
Value scalar(FieldKind kind, const char* m) {
  switch (kind) {
    case FieldKind::String: {
      const auto& str = *reinterpret_cast<const std::string*>(m);
      return str.empty() ? Value::null() : Value::fromText(str);
    }
    case FieldKind::CodeSystem: {
      const auto& system = *reinterpret_cast<const canonical::CodeSystem*>(m);
      return system.empty() ? Value::null() : Value::fromText(system);
    }
    case FieldKind::DateTime: {
      const auto& time = *reinterpret_cast<const canonical::DateTime*>(m);
      return time.empty() ? Value::null() : Value::fromText(time);
    }
    case FieldKind::Number: {
      const auto& n = *reinterpret_cast<const std::optional<double>*>(m);
      return n ? Value::fromNumber(*n) : Value::null();
    }
    case FieldKind::Count: {
      const auto& n = *reinterpret_cast<const std::optional<std::uint32_t>*>(m);
      return n ? Value::fromNumber(*n) : Value::null();
    }
    default: return Value::null();
  }
}

// readPath for a path that gives at most one value: a plain walk down the steps, with no
// sequence to collect. Rules mostly read such paths (code.codings[0].code), several times
// for every element of a for_each.
Value readOne(const CanonicalPath& path, char* object) {
  const PathStep* const end = path.steps.data() + path.steps.size();
  for (const PathStep* s = path.steps.data(); s != end; ++s) {
    const FieldInfo& f = *s->field;
    char* m = readable(f, object);
    const bool last = s + 1 == end;
    switch (f.kind) {
      case FieldKind::String:
      case FieldKind::CodeSystem:
      case FieldKind::DateTime:
      case FieldKind::Number:
      case FieldKind::Count: return scalar(f.kind, m);
      case FieldKind::StringList: {  // always with [n] here
        const auto& list = *reinterpret_cast<std::vector<std::string>*>(m);
        if (s->index >= list.size() || list[s->index].empty()) return Value::null();
        return Value::fromText(list[s->index]);
      }
      case FieldKind::Struct:
        object = m;
        break;
      case FieldKind::StructList:  // always with [n] here
        object = static_cast<char*>(f.list.find(m, s->index));
        if (object == nullptr) return Value::null();
        break;
    }
    if (last) return Value::fromNode(f.type, object);
  }
  return Value::null();
}

void collect(const PathStep* s, const PathStep* end, char* object, Values& out) {
  const FieldInfo& f = *s->field;
  char* m = readable(f, object);
  const bool last = s + 1 == end;
  switch (f.kind) {
    case FieldKind::String:
    case FieldKind::CodeSystem:
    case FieldKind::DateTime:
    case FieldKind::Number:
    case FieldKind::Count: {
      const Value v = scalar(f.kind, m);
      if (!v.isNull()) out.push_back(v);
      return;
    }
    case FieldKind::StringList: {
      const auto& list = *reinterpret_cast<std::vector<std::string>*>(m);
      if (s->select == PathStep::Select::Index) {
        if (s->index < list.size() && !list[s->index].empty()) {
          out.push_back(Value::fromText(list[s->index]));
        }
        return;
      }
      for (const std::string& item : list) {
        if (!item.empty()) out.push_back(Value::fromText(item));
      }
      return;
    }
    case FieldKind::Struct:
      if (last) {
        out.push_back(Value::fromNode(f.type, m));
      } else {
        collect(s + 1, end, m, out);
      }
      return;
    case FieldKind::StructList: {
      const std::size_t n = f.list.size(m);
      std::size_t from = 0;
      std::size_t to = n;
      if (s->select == PathStep::Select::Index) {
        if (s->index >= n) return;
        from = s->index;
        to = from + 1;
      }
      for (std::size_t i = from; i < to; ++i) {
        auto* element = static_cast<char*>(f.list.at(m, i));
        if (last) {
          out.push_back(Value::fromNode(f.type, element));
        } else {
          collect(s + 1, end, element, out);
        }
      }
      return;
    }
  }
}

void slots(const PathStep* s, const PathStep* end, char* object, bool create,
           std::pmr::vector<Slot>& out) {
  const FieldInfo& f = *s->field;
  char* m = writable(f, object, create);
  if (m == nullptr) return;  // an empty box, not created
  if (s + 1 == end) {
    out.push_back(Slot{&f, m, s->select, s->index});
    return;
  }
  if (f.kind == FieldKind::Struct) {
    slots(s + 1, end, m, create, out);
    return;
  }
  // Only StructList can be in the middle of a resolved path.
  std::size_t n = f.list.size(m);
  if (s->select == PathStep::Select::Index) {
    if (s->index >= n) {
      if (!create) return;
      f.list.resize(m, s->index + 1);
    }
    slots(s + 1, end, static_cast<char*>(f.list.at(m, s->index)), create, out);
    return;
  }
  for (std::size_t i = 0; i < n; ++i) {
    slots(s + 1, end, static_cast<char*>(f.list.at(m, i)), create, out);
  }
}

template <class T>
bool parseNumber(std::string_view text, T& out) {
  const char* b = text.data();
  const char* e = b + text.size();
  if (!text.empty() && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, out);
  return ec == std::errc() && p == e && b != e;
}

// An optional number member set from text: empty clears it; text that is not a T is an error.
template <class T>
std::string setOptionalNumber(void* member, std::string_view text, const char* expected) {
  auto& n = *static_cast<std::optional<T>*>(member);
  T value{};
  if (text.empty()) {
    n.reset();
  } else if (parseNumber(text, value)) {
    n = value;
  } else {
    return "'" + std::string(text) + "' is not " + expected;
  }
  return {};
}

}  // namespace

bool CanonicalPath::endsAtList() const {
  return isList(last().field->kind) && last().select == PathStep::Select::None;
}

const StructInfo* CanonicalPath::leafStruct() const { return last().field->type; }

std::optional<CanonicalPath> resolvePath(const StructInfo* base, bool rooted,
                                         const std::vector<PathSegment>& segments,
                                         std::string text, PathError& error) {
  CanonicalPath path;
  path.rooted = rooted;
  path.base = base;
  path.text = std::move(text);
  const StructInfo* current = base;
  const FieldInfo* previous = nullptr;
  for (const PathSegment& seg : segments) {
    if (current == nullptr) {
      error = {seg.offset, "'" + previous->json_name + "' is " + kindName(previous->kind) +
                               " and has no member '" + seg.name + "'"};
      return std::nullopt;
    }
    const FieldInfo* f = current->find(seg.name);
    if (f == nullptr) {
      error = {seg.offset, "unknown member '" + seg.name + "' of " + current->name +
                               " (members: " + current->memberList() + ")"};
      return std::nullopt;
    }
    if (seg.select != PathStep::Select::None && !isList(f->kind)) {
      error = {seg.offset, "'" + seg.name + "' is " + kindName(f->kind) +
                               ", not a list: it takes no [index]"};
      return std::nullopt;
    }
    if (seg.select == PathStep::Select::Index && seg.index > kMaxPathIndex) {
      error = {seg.offset, "index " + std::to_string(seg.index) + " is too large (at most " +
                               std::to_string(kMaxPathIndex) + ")"};
      return std::nullopt;
    }
    path.branches = path.multiple;  // a step before this one gives several
    path.steps.push_back(PathStep{f, seg.select, seg.index});
    path.multiple = path.multiple || (isList(f->kind) && seg.select != PathStep::Select::Index);
    current = f->type;  // nullptr past a scalar or a list of text
    previous = f;
  }
  return path;
}

Value readPath(const CanonicalPath& path, void* object, Arena& arena) {
  if (!path.many()) return readOne(path, static_cast<char*>(object));
  Values out(arena.resource());
  collect(path.steps.data(), path.steps.data() + path.steps.size(), static_cast<char*>(object),
          out);
  Value v;
  v.kind = Value::Kind::Sequence;
  v.items = out.data();
  v.count = out.size();
  return v;  // the arena keeps out's buffer; the vector itself never frees into it
}

bool givesOneText(const CanonicalPath& path) {
  const FieldKind k = path.last().field->kind;
  return !path.many() &&
         (k == FieldKind::String || k == FieldKind::CodeSystem || k == FieldKind::DateTime ||
          k == FieldKind::StringList);
}

std::string_view findText(const CanonicalPath& path, void* object) {
  auto* at = static_cast<char*>(object);
  const PathStep& last = path.last();
  // The steps before the last are structs and [n] elements of lists of structs.
  for (const PathStep* s = path.steps.data(); s != &last; ++s) {
    const FieldInfo& f = *s->field;
    at = readable(f, at);
    if (f.kind == FieldKind::StructList) {
      at = static_cast<char*>(f.list.find(at, s->index));
      if (at == nullptr) return {};
    }
  }
  at = readable(*last.field, at);
  switch (last.field->kind) {
    case FieldKind::String: return *reinterpret_cast<const std::string*>(at);
    case FieldKind::CodeSystem: return *reinterpret_cast<const canonical::CodeSystem*>(at);
    case FieldKind::DateTime: return *reinterpret_cast<const canonical::DateTime*>(at);
    default: break;
  }
  const auto& list = *reinterpret_cast<const std::vector<std::string>*>(at);  // [n] of text
  return last.index < list.size() ? std::string_view(list[last.index]) : std::string_view();
}

void findSlots(const CanonicalPath& path, void* object, bool create,
               std::pmr::vector<Slot>& out) {
  slots(path.steps.data(), path.steps.data() + path.steps.size(), static_cast<char*>(object),
        create, out);
}

namespace {

// The object that holds the last step's member, for a path with oneSlot(): walks the steps
// before the last, creating missing [n] elements when create is true. nullptr when an element
// is missing and create is false.
char* ownerOfLast(const CanonicalPath& path, void* object, bool create) {
  auto* at = static_cast<char*>(object);
  const PathStep& last = path.last();
  for (const PathStep* s = path.steps.data(); s != &last; ++s) {
    const FieldInfo& f = *s->field;
    char* m = writable(f, at, create);
    if (m == nullptr) return nullptr;  // an empty box, not created
    if (f.kind == FieldKind::Struct) {
      at = m;
      continue;
    }
    // Only StructList with [n] can be in the middle of a path with oneSlot().
    void* element = f.list.find(m, s->index);
    if (element == nullptr) {
      if (!create) return nullptr;
      f.list.resize(m, s->index + 1);
      element = f.list.at(m, s->index);
    }
    at = static_cast<char*>(element);
  }
  return at;
}

}  // namespace

Slot findSlot(const CanonicalPath& path, void* object, bool create) {
  char* owner = ownerOfLast(path, object, create);
  if (owner == nullptr) return {};
  const PathStep& last = path.last();
  char* member = writable(*last.field, owner, create);
  if (member == nullptr) return {};
  return Slot{last.field, member, last.select, last.index};
}

std::string setSlotText(const Slot& slot, std::string_view text) {
  switch (slot.field->kind) {
    case FieldKind::String:
      reinterpret_cast<std::string*>(slot.member)->assign(text);
      return {};
    case FieldKind::CodeSystem:
      reinterpret_cast<canonical::CodeSystem*>(slot.member)->assign(text);
      return {};
    case FieldKind::DateTime:
      reinterpret_cast<canonical::DateTime*>(slot.member)->assign(text);
      return {};
    case FieldKind::StringList: {
      auto& list = *reinterpret_cast<std::vector<std::string>*>(slot.member);
      if (slot.select == PathStep::Select::Index) {
        if (slot.index >= list.size()) list.resize(slot.index + 1);
        list[slot.index].assign(text);
      } else {
        for (std::string& item : list) item.assign(text);
      }
      return {};
    }
    case FieldKind::Number:
      return setOptionalNumber<double>(slot.member, text, "a number");
    case FieldKind::Count:
      return setOptionalNumber<std::uint32_t>(slot.member, text, "a whole number");
    case FieldKind::Struct:
    case FieldKind::StructList:
      break;
  }
  return "'" + slot.field->json_name + "' is a structure and cannot be set to text";
}

void setSlotNode(const Slot& slot, const void* node) {
  const FieldInfo& f = *slot.field;
  if (f.kind == FieldKind::Struct) {
    f.type->assign(slot.member, node);
    return;
  }
  if (f.kind == FieldKind::StructList && slot.select == PathStep::Select::Index) {
    if (slot.index >= f.list.size(slot.member)) f.list.resize(slot.member, slot.index + 1);
    f.type->assign(f.list.at(slot.member, slot.index), node);
  }
}

void removeSlot(const Slot& slot) {
  const FieldInfo& f = *slot.field;
  const bool one = slot.select == PathStep::Select::Index;
  switch (f.kind) {
    case FieldKind::String:
      reinterpret_cast<std::string*>(slot.member)->clear();
      return;
    case FieldKind::CodeSystem:
      reinterpret_cast<canonical::CodeSystem*>(slot.member)->clear();
      return;
    case FieldKind::DateTime:
      reinterpret_cast<canonical::DateTime*>(slot.member)->clear();
      return;
    case FieldKind::StringList: {
      auto& list = *reinterpret_cast<std::vector<std::string>*>(slot.member);
      if (!one) {
        list.clear();
      } else if (slot.index < list.size()) {
        list.erase(list.begin() + slot.index);
      }
      return;
    }
    case FieldKind::Number:
      reinterpret_cast<std::optional<double>*>(slot.member)->reset();
      return;
    case FieldKind::Count:
      reinterpret_cast<std::optional<std::uint32_t>*>(slot.member)->reset();
      return;
    case FieldKind::Struct:
      f.type->reset(slot.member);
      return;
    case FieldKind::StructList:
      if (!one) {
        f.list.resize(slot.member, 0);
      } else if (slot.index < f.list.size(slot.member)) {
        f.list.erase(slot.member, slot.index);
      }
      return;
  }
}

void* appendElement(const CanonicalPath& list, void* object) {
  const FieldInfo& f = *list.last().field;
  return f.list.append(writable(f, ownerOfLast(list, object, true), true));
}

void* appendToSlot(const Slot& slot, std::string_view text) {
  const FieldInfo& f = *slot.field;
  if (f.kind == FieldKind::StringList) {
    reinterpret_cast<std::vector<std::string>*>(slot.member)->emplace_back(text);
    return nullptr;
  }
  return f.list.append(slot.member);
}

}  // namespace ferry::mappings
