#pragma once
// Numbers of results: an NM value (OBX-5) and the bounds of a reference range (OBX-7), read to
// the double std::from_chars gives for the same text.

#include <optional>
#include <string_view>

#include "engine/canonical/clinical.h"
#include "parsers/hl7v2/datatype_reader.h"

namespace ferry::hl7v2 {

// The number an NM value holds, with spaces around it and a leading '+' allowed; nullopt for
// text that is not a number.
std::optional<double> readNumeric(std::string_view text);

// OBX-7 read in place: the text as sent, then its bounds. "70-99" gives both bounds, "<5" or
// "<=5" an upper one, ">10" a lower one; other text none.
void readReferenceRange(const DatatypeReader& reader, const Element& e,
                        canonical::ReferenceRange& range);

}  // namespace ferry::hl7v2
