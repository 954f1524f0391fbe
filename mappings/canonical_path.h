#pragma once
// A rule path over the canonical Message ("patient.birth_date", "observations[*].code.codings[0]
// .code"), resolved once against the Schema into member positions, and the walks that read and
// write through it at run time by offset alone.
//
// Reading: [n] is one element (0-based), [*] all of them, and a list named without a selector
// means all of its elements too; a path that can give several values gives a Sequence. A missing
// element reads as empty. Writing creates the list elements an [n] names when they are missing.

#include <cstdint>
#include <memory_resource>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/schema.h"
#include "mappings/value.h"

namespace ferry::mappings {

struct PathStep {
  enum class Select : std::uint8_t { None, Index, All };
  const FieldInfo* field = nullptr;
  Select select = Select::None;
  std::uint32_t index = 0;
};

// The highest list index a path may name: a typo must not allocate a million elements.
inline constexpr std::uint32_t kMaxPathIndex = 9999;

// One segment as written, before resolution.
struct PathSegment {
  std::string name;
  PathStep::Select select = PathStep::Select::None;
  std::uint32_t index = 0;
  int offset = 0;  // position of the segment in the expression text, for errors
};

struct CanonicalPath {
  bool rooted = false;               // written with "$." inside a for_each
  const StructInfo* base = nullptr;  // the struct the first step is a member of
  std::vector<PathStep> steps;
  std::string text;                  // as written, for messages
  bool multiple = false;             // see many(); worked out once by resolvePath
  bool branches = false;             // see oneSlot(); worked out once by resolvePath

  const PathStep& last() const { return steps.back(); }
  // True when the path can give several values ([*], or a list without [n]).
  bool many() const { return multiple; }
  // True when the path designates one slot: no step before the last can give several elements
  // (the last may still name a whole list, as an append target does).
  bool oneSlot() const { return !branches; }
  // The last step names a list as a whole (no [n]): what append and for_each need.
  bool endsAtList() const;
  // The struct the path ends at (Struct or StructList element), or nullptr for scalars.
  const StructInfo* leafStruct() const;
};

struct PathError {
  int offset = 0;
  std::string text;
};

// Resolves segments against base. Unknown members, [n] on a non-list and a path that goes on
// past a scalar are errors.
std::optional<CanonicalPath> resolvePath(const StructInfo* base, bool rooted,
                                         const std::vector<PathSegment>& segments,
                                         std::string text, PathError& error);

// Reads the path from object (an instance of path.base).
Value readPath(const CanonicalPath& path, void* object, Arena& arena);

// True when the path gives at most one text: it cannot give several values and ends at a text
// member (or at one element of a list of text). Comparisons and lookup keys are mostly such paths.
bool givesOneText(const CanonicalPath& path);

// The text member such a path designates (givesOneText), found without building a Value; empty
// when a list element on the way (or the [n] text itself) is missing. readPath gives the same
// text, or null where this gives an empty text.
std::string_view findText(const CanonicalPath& path, void* object);

// The member(s) the last step of a path designates, found for writing.
struct Slot {
  const FieldInfo* field = nullptr;
  void* member = nullptr;
  PathStep::Select select = PathStep::Select::None;
  std::uint32_t index = 0;
};

// Walks all steps but the last, creating missing elements for [n] when create is true, and
// appends the last step's member(s) to slots.
void findSlots(const CanonicalPath& path, void* object, bool create,
               std::pmr::vector<Slot>& slots);

// The slot of a path that designates one (path.oneSlot()), found without collecting: the
// common case of writing one member or appending to one list. Its field is nullptr when a list
// element on the way is missing and create is false.
Slot findSlot(const CanonicalPath& path, void* object, bool create);

// Writes text into a slot (String, Number, Count, or one StringList element). Returns an error
// sentence, or "" on success.
std::string setSlotText(const Slot& slot, std::string_view text);
// Copies a whole struct (same type) into a slot.
void setSlotNode(const Slot& slot, const void* node);
// Clears a slot: a scalar becomes empty, an [n] element is erased, a whole list is emptied.
void removeSlot(const Slot& slot);
// Appends to a list slot: text to a StringList, a new default element to a StructList
// (returned so that its members can be set).
void* appendToSlot(const Slot& slot, std::string_view text);
// Appends a new default element to the one list of structures a path names (oneSlot(), ending
// at a StructList), creating missing [n] elements on the way; returns the element. The common
// append, in one walk.
void* appendElement(const CanonicalPath& list, void* object);

}  // namespace ferry::mappings
