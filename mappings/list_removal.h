#pragma once
// Removing elements from a list of the canonical message without breaking its cross references.
//
// Observations, specimens and notes name their order by its index in Message::orders, and notes
// name their observation by its index in Message::observations (canonical/message.h). Erasing an
// order or an observation shifts every later index by one, so a plain erase would silently attach
// results and notes to the wrong order. Here, elements that pointed at a removed order or
// observation are removed with it (a result without its order, or a comment without its result,
// would be reported out of context), and the indexes of the others are renumbered.

#include <vector>

#include "engine/canonical/message.h"
#include "mappings/canonical_path.h"

namespace ferry::mappings {

// Removes every element i of the list slot designates (a whole StructList or StringList) for
// which drop[i] is true. message is the message the slot belongs to: when the slot is its
// orders or observations, the elements that refer to a removed one go too and later indexes
// are renumbered.
void eraseListElements(const Slot& slot, const std::vector<bool>& drop, canonical::Message& message);

// The number of elements of the list slot designates.
std::size_t listSize(const Slot& slot);

// The element i of the list slot designates: the struct, or the std::string of a list of text.
void* listElement(const Slot& slot, std::size_t i);

}  // namespace ferry::mappings
