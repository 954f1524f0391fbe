#pragma once
// Bounds on what one message may hold, so hostile input cannot make the parser allocate without end.

#include <cstddef>

namespace ferry::hl7v2 {

struct Limits {
  std::size_t max_message_bytes = 16 * 1024 * 1024;  // embedded PDFs (OBX-5 ED) can be several MB
  std::size_t max_segment_bytes = 16 * 1024 * 1024;
  std::size_t max_segments = 100000;
  std::size_t max_fields_per_segment = 5000;
};

}  // namespace ferry::hl7v2
