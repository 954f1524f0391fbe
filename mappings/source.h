#pragma once
// The raw inbound message as it arrived, for the expressions that read the source rather than
// the canonical Message: hl7('PID-3[1].1'), json('entry[0].resource.id'), xpath('/c:Claim/@id').
// A function asked about another format than the source's yields empty, so one mapping can
// serve several source formats.

#include <string_view>

namespace ferry::hl7v2 {
class Message;
}

namespace ferry::mappings {

struct Source {
  enum class Format { None, Hl7v2, Json, Xml };
  Format format = Format::None;
  // The bytes as received. Must stay alive and unchanged during Mapping::apply.
  std::string_view raw;
  // Optional: an already parsed v2 message (the engine has one), so hl7() needs no second
  // parse. When null and format is Hl7v2, raw is parsed once per apply, on first use.
  const hl7v2::Message* hl7 = nullptr;
};

}  // namespace ferry::mappings
