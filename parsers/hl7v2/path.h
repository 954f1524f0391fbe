#pragma once
// A location in a message as the standard numbers it: SEG[n]-F[r].C.S, all 1-based.
// Example: "PID-3[2].1" is the ID number of the second patient identifier; "OBX[3]-5" is
// OBX-5 of the third OBX. Occurrence and repetition default to 1; 0 for C/S means "whole".

#include <string>
#include <string_view>

#include "parsers/hl7v2/error.h"

namespace ferry::hl7v2 {

struct Path {
  std::string segment;   // segment id, e.g. "PID"
  int occurrence = 1;    // which PID when there are several
  int field = 0;         // 0 = the whole segment
  int repetition = 1;
  int component = 0;     // 0 = the whole repetition
  int subcomponent = 0;  // 0 = the whole component

  // Parses "PID-3", "OBX[2]-5", "PID-3[2].1.2" (a '.' after the segment id is accepted too).
  static Result<Path> parse(std::string_view text);
  std::string toString() const;
};

}  // namespace ferry::hl7v2
