#pragma once
// Empties a canonical Message an earlier message filled, for the next message normalized into
// it (normalizer.h normalize(message, into)). Every member is emptied in place, so its strings
// and vectors keep their heap blocks, except the lists SegmentNormalizer writes over element by
// element (swapReusedLists() in segment_normalizers.h) and the header, which normalize() writes
// over member by member (readHeader() in normalizer.cpp, under the same kind of binding).
//
// No member of the earlier message (patient) may survive: each struct is taken apart with a
// structured binding, which only compiles when it names every member, so a member added to the
// model later stops the build in model_reset.cpp until it is emptied there too.

#include "engine/canonical/message.h"

namespace ferry::hl7v2 {

void resetForNextMessage(canonical::Message& message);

}  // namespace ferry::hl7v2
