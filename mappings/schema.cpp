#include "mappings/schema.h"

#include <cctype>
#include <map>
#include <optional>
#include <type_traits>
#include <typeindex>

#include "engine/canonical/json_schema.h"
#include "mappings/erase_marked.h"

namespace ferry::mappings {

namespace {

template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

template <class List>
ListOps listOps() {
  ListOps ops;
  ops.size = [](const void* l) { return static_cast<const List*>(l)->size(); };
  ops.at = [](void* l, std::size_t i) -> void* { return &(*static_cast<List*>(l))[i]; };
  ops.find = [](void* l, std::size_t i) -> void* {
    auto& list = *static_cast<List*>(l);
    return i < list.size() ? &list[i] : nullptr;
  };
  ops.append = [](void* l) -> void* { return &static_cast<List*>(l)->emplace_back(); };
  ops.resize = [](void* l, std::size_t n) { static_cast<List*>(l)->resize(n); };
  ops.erase = [](void* l, std::size_t i) {
    auto* list = static_cast<List*>(l);
    list->erase(list->begin() + static_cast<std::ptrdiff_t>(i));
  };
  ops.erase_marked = [](void* l, const std::vector<bool>& drop) {
    eraseMarked(*static_cast<List*>(l), drop);
  };
  return ops;
}

}  // namespace

// Fills the StructInfo of each model type once, following jsonFields() from Message down.
struct SchemaBuilder {
  Schema& schema;
  std::map<std::type_index, StructInfo*> done;

  template <class T>
  const StructInfo* describe(const char* type_name) {
    if (auto it = done.find(typeid(T)); it != done.end()) return it->second;
    auto owned = std::make_unique<StructInfo>();
    StructInfo* info = owned.get();
    schema.structs_.push_back(std::move(owned));
    done.emplace(typeid(T), info);
    info->name = type_name;
    info->reset = [](void* o) { *static_cast<T*>(o) = T{}; };
    info->assign = [](void* o, const void* other) {
      *static_cast<T*>(o) = *static_cast<const T*>(other);
    };
    T sample{};
    Visitor<T> visitor{*this, *info, sample};
    canonical::jsonFields(visitor, sample);
    return info;
  }

  template <class T>
  struct Visitor {
    SchemaBuilder& builder;
    StructInfo& info;
    T& object;

    template <class M>
    void field(canonical::Key key, M& member) {
      FieldInfo f = located(key, member);
      builder.kindOf<M>(f);
      info.fields.push_back(std::move(f));
    }

    // A boxed member has the kind of what it holds, reached through the box.
    template <class M>
    void field(canonical::Key key, canonical::Boxed<M>& member) {
      FieldInfo f = located(key, member);
      builder.kindOf<M>(f);
      using Box = canonical::Boxed<M>;
      f.box.read = [](const void* b) -> const void* { return &**static_cast<const Box*>(b); };
      f.box.write = [](void* b) -> void* { return &static_cast<Box*>(b)->mut(); };
      f.box.find = [](void* b) -> void* { return static_cast<Box*>(b)->find(); };
      info.fields.push_back(std::move(f));
    }

    template <class M>
    FieldInfo located(canonical::Key key, const M& member) const {
      FieldInfo f;
      f.json_name = std::string(key.view());
      f.match_key = matchKey(f.json_name);
      // The member's offset, measured on a real object: offsetof is not guaranteed for
      // structs holding std::string, but every object of T has the same layout.
      f.offset = static_cast<std::size_t>(reinterpret_cast<const char*>(&member) -
                                          reinterpret_cast<const char*>(&object));
      return f;
    }
  };

  // The kind of a member of type M (and, for structures, their description).
  template <class M>
  void kindOf(FieldInfo& f) {
    if constexpr (std::is_same_v<M, std::string>) {
      f.kind = FieldKind::String;
    } else if constexpr (std::is_same_v<M, canonical::CodeSystem>) {
      f.kind = FieldKind::CodeSystem;
    } else if constexpr (std::is_same_v<M, canonical::DateTime>) {
      f.kind = FieldKind::DateTime;
    } else if constexpr (std::is_same_v<M, std::vector<std::string>>) {
      f.kind = FieldKind::StringList;
    } else if constexpr (std::is_same_v<M, std::optional<double>>) {
      f.kind = FieldKind::Number;
    } else if constexpr (std::is_same_v<M, std::optional<std::uint32_t>>) {
      f.kind = FieldKind::Count;
    } else if constexpr (IsVector<M>::value) {
      f.kind = FieldKind::StructList;
      f.type = describe<typename M::value_type>(typeName<typename M::value_type>());
      f.list = listOps<M>();
    } else {
      f.kind = FieldKind::Struct;
      f.type = describe<M>(typeName<M>());
    }
  }

  // Readable struct names for error messages; typeid names are mangled.
  template <class M>
  static const char* typeName() {
    using namespace canonical;
    if constexpr (std::is_same_v<M, Coding>) return "Coding";
    else if constexpr (std::is_same_v<M, CodeableConcept>) return "CodeableConcept";
    else if constexpr (std::is_same_v<M, Identifier>) return "Identifier";
    else if constexpr (std::is_same_v<M, HumanName>) return "HumanName";
    else if constexpr (std::is_same_v<M, Address>) return "Address";
    else if constexpr (std::is_same_v<M, ContactPoint>) return "ContactPoint";
    else if constexpr (std::is_same_v<M, Practitioner>) return "Practitioner";
    else if constexpr (std::is_same_v<M, Organization>) return "Organization";
    else if constexpr (std::is_same_v<M, StatusCode>) return "StatusCode";
    else if constexpr (std::is_same_v<M, Header>) return "Header";
    else if constexpr (std::is_same_v<M, Patient>) return "Patient";
    else if constexpr (std::is_same_v<M, Encounter>) return "Encounter";
    else if constexpr (std::is_same_v<M, Location>) return "Location";
    else if constexpr (std::is_same_v<M, Order>) return "Order";
    else if constexpr (std::is_same_v<M, Observation>) return "Observation";
    else if constexpr (std::is_same_v<M, ObservationValue>) return "ObservationValue";
    else if constexpr (std::is_same_v<M, Specimen>) return "Specimen";
    else if constexpr (std::is_same_v<M, Note>) return "Note";
    else if constexpr (std::is_same_v<M, Immunization>) return "Immunization";
    else if constexpr (std::is_same_v<M, Coverage>) return "Coverage";
    else if constexpr (std::is_same_v<M, Claim>) return "Claim";
    else if constexpr (std::is_same_v<M, ClaimResponse>) return "ClaimResponse";
    else if constexpr (std::is_same_v<M, Extension>) return "Extension";
    else return "structure";
  }
};

std::string matchKey(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  for (char c : name) {
    if (c == '_') continue;
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return key;
}

const FieldInfo* StructInfo::find(std::string_view segment) const {
  const std::string key = matchKey(segment);
  for (const FieldInfo& f : fields) {
    if (f.match_key == key) return &f;
  }
  return nullptr;
}

std::string StructInfo::memberList() const {
  std::string out;
  for (const FieldInfo& f : fields) {
    if (!out.empty()) out += ", ";
    out += f.json_name;
  }
  return out;
}

Schema::Schema() {
  SchemaBuilder builder{*this, {}};
  message_ = builder.describe<canonical::Message>("Message");
}

const Schema& Schema::canonical() {
  static const Schema schema;
  return schema;
}

bool Schema::isEmpty(const StructInfo& s, const void* object) {
  const auto* base = static_cast<const char*>(object);
  for (const FieldInfo& f : s.fields) {
    const void* m = base + f.offset;
    if (f.boxed()) m = f.box.read(m);
    switch (f.kind) {
      case FieldKind::String:
        if (!static_cast<const std::string*>(m)->empty()) return false;
        break;
      case FieldKind::CodeSystem:
        if (!static_cast<const canonical::CodeSystem*>(m)->empty()) return false;
        break;
      case FieldKind::DateTime:
        if (!static_cast<const canonical::DateTime*>(m)->empty()) return false;
        break;
      case FieldKind::StringList:
        if (!static_cast<const std::vector<std::string>*>(m)->empty()) return false;
        break;
      case FieldKind::Number:
        if (static_cast<const std::optional<double>*>(m)->has_value()) return false;
        break;
      case FieldKind::Count:
        if (static_cast<const std::optional<std::uint32_t>*>(m)->has_value()) return false;
        break;
      case FieldKind::Struct:
        if (!isEmpty(*f.type, m)) return false;
        break;
      case FieldKind::StructList:
        if (f.list.size(m) != 0) return false;
        break;
    }
  }
  return true;
}

}  // namespace ferry::mappings
