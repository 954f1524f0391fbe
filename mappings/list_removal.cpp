#include "mappings/list_removal.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "mappings/erase_marked.h"

namespace ferry::mappings {

namespace {

constexpr std::uint32_t kRemoved = std::numeric_limits<std::uint32_t>::max();

// Old index -> index after the marked elements are gone, or kRemoved for a marked one.
std::vector<std::uint32_t> renumbering(const std::vector<bool>& drop) {
  std::vector<std::uint32_t> to(drop.size(), kRemoved);
  std::uint32_t next = 0;
  for (std::size_t i = 0; i < drop.size(); ++i) {
    if (!drop[i]) to[i] = next++;
  }
  return to;
}

// Points index at its element's new place. True when that element was removed. An index that
// is unset, or already pointed past the list, is left as it is: there is nothing to follow.
bool follow(std::optional<std::uint32_t>& index, const std::vector<std::uint32_t>& to) {
  if (!index || *index >= to.size()) return false;
  if (to[*index] == kRemoved) return true;
  index = to[*index];
  return false;
}

// note_drop collects the notes to remove; the caller erases them, once, after every list that
// notes refer to has been renumbered.
void eraseObservations(canonical::Message& m, const std::vector<bool>& drop,
                       std::vector<bool>& note_drop) {
  const std::vector<std::uint32_t> to = renumbering(drop);
  for (std::size_t i = 0; i < m.notes.size(); ++i) {
    if (follow(m.notes[i].observation_index, to)) note_drop[i] = true;
  }
  eraseMarked(m.observations, drop);
}

void eraseOrders(canonical::Message& m, const std::vector<bool>& drop) {
  const std::vector<std::uint32_t> to = renumbering(drop);
  std::vector<bool> observation_drop(m.observations.size());
  for (std::size_t i = 0; i < m.observations.size(); ++i) {
    observation_drop[i] = follow(m.observations[i].order_index, to);
  }
  std::vector<bool> specimen_drop(m.specimens.size());
  for (std::size_t i = 0; i < m.specimens.size(); ++i) {
    specimen_drop[i] = follow(m.specimens[i].order_index, to);
  }
  std::vector<bool> note_drop(m.notes.size());
  for (std::size_t i = 0; i < m.notes.size(); ++i) {
    note_drop[i] = follow(m.notes[i].order_index, to);
  }
  eraseObservations(m, observation_drop, note_drop);
  eraseMarked(m.specimens, specimen_drop);
  eraseMarked(m.notes, note_drop);
  eraseMarked(m.orders, drop);
}

}  // namespace

std::size_t listSize(const Slot& slot) {
  if (slot.field->kind == FieldKind::StringList) {
    return static_cast<const std::vector<std::string>*>(slot.member)->size();
  }
  return slot.field->list.size(slot.member);
}

void* listElement(const Slot& slot, std::size_t i) {
  if (slot.field->kind == FieldKind::StringList) {
    return &(*static_cast<std::vector<std::string>*>(slot.member))[i];
  }
  return slot.field->list.at(slot.member, i);
}

void eraseListElements(const Slot& slot, const std::vector<bool>& drop,
                       canonical::Message& message) {
  if (slot.member == &message.orders) {
    eraseOrders(message, drop);
  } else if (slot.member == &message.observations) {
    std::vector<bool> note_drop(message.notes.size());
    eraseObservations(message, drop, note_drop);
    eraseMarked(message.notes, note_drop);
  } else if (slot.field->kind == FieldKind::StringList) {
    eraseMarked(*static_cast<std::vector<std::string>*>(slot.member), drop);
  } else {
    slot.field->list.erase_marked(slot.member, drop);
  }
}

}  // namespace ferry::mappings
