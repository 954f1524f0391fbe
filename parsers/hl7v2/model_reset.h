#pragma once
// Empties a canonical Message an earlier message filled, for the next message normalized into
// it (normalizer.h normalize(message, into)). Every member is emptied in place, so its strings
// and vectors keep their heap blocks, except the lists SegmentNormalizer writes over element by
// element (swapReusedLists() in segment_normalizers.h), the header, which normalize() writes
// over member by member (readHeader() in normalizer.cpp, under the same kind of binding), and
// the members below.
//
// No member of the earlier message (patient) may survive: each struct is taken apart with a
// structured binding, which only compiles when it names every member, so a member added to the
// model later stops the build in model_reset.cpp until it is emptied there too.

#include "engine/canonical/message.h"

namespace ferry::hl7v2 {

void resetForNextMessage(canonical::Message& message);

// The patient's birth date (PID-7), language (PID-15), marital status (PID-16) and account
// number (PID-18), and the encounter (but its reused lists of clinicians), which
// resetForNextMessage() leaves: the patient and visit readers write over every part of them, and
// a value as long as the one before is copied over it in line instead of appended to an emptied
// string (measured: -164 instructions a message for the account and visit numbers, -93 for the
// rest of the encounter, -112 for the language, whose codings were made again, -13 for the
// birth date and marital status). These empty them for a message without a PID / a PV1.
void emptyWrittenOver(canonical::Patient& patient);
void emptyEncounter(canonical::Encounter& encounter);

}  // namespace ferry::hl7v2
