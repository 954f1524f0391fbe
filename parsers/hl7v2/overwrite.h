#pragma once
// Writing a value over a string of the canonical model that an earlier message already filled.
// A stream is normalized into one result (reused_list.h), so most strings written hold, before
// the write, the same member of the message before: a lab feed repeats its flags' displays, its
// status codes and its code systems at the same positions.

#include <string>
#include <string_view>

#include "parsers/hl7v2/scan.h"

namespace ferry::hl7v2 {

// out = value. The same text is left as it is (a comparison of a few words), other text is
// appended to the emptied string: std::string::assign goes through the general replace, which
// allows for overlap and costs several times an append. value must not point into out.
inline void overwrite(std::string& out, std::string_view value) {
  if (sameBytes(out, value)) return;
  out.clear();
  out.append(value);
}

}  // namespace ferry::hl7v2
