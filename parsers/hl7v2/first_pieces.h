#pragma once
// The first repetition of a field, the first component of a field or repetition and the first
// subcomponent of a component, cut in line: what repetition(1), component(1) and
// subcomponent(1) give, without their call and general n-th piece scan. The header, patient and
// visit readers take one of these from nearly every field they read (MSH-10, MSH-3.1, PID-8.1,
// CX.4.1, XPN.1.1...), and the order and result readers from OBX-5, OBX-8, OBR-4 and ORC-12,
// where the call cost more than the scan. GCC left them out of line unless forced.

#include <cstddef>
#include <string_view>

#include "parsers/hl7v2/element.h"
#include "parsers/hl7v2/scan.h"

namespace ferry::hl7v2 {

// field.repetition(1): the bytes up to the first repetition separator; only a field has any.
[[gnu::always_inline]] inline Element repetitionOne(const Element& field) {
  if (!field.present() || field.level() != Element::Level::Field) return {};
  const std::string_view raw = field.raw();
  const char* const end = raw.data() + raw.size();
  const char* const stop = findChar(raw.data(), end, field.encoding()->repetition);
  return Element(std::string_view(raw.data(), static_cast<std::size_t>(stop - raw.data())),
                 field.encoding(), Element::Level::Repetition);
}

// element.component(1): a field's is its first repetition's; below a repetition there is none.
[[gnu::always_inline]] inline Element componentOne(const Element& element) {
  if (!element.present()) return {};
  const std::string_view raw = element.raw();
  const char* const end = raw.data() + raw.size();
  const char* stop = nullptr;
  if (element.level() == Element::Level::Field) {
    const EncodingCharacters& enc = *element.encoding();
    stop = findEither(raw.data(), end, enc.component, enc.repetition);
  } else if (element.level() == Element::Level::Repetition) {
    stop = findChar(raw.data(), end, element.encoding()->component);
  } else {
    return {};
  }
  return Element(std::string_view(raw.data(), static_cast<std::size_t>(stop - raw.data())),
                 element.encoding(), Element::Level::Component);
}

// component.subcomponent(1): the bytes up to the first subcomponent separator.
[[gnu::always_inline]] inline Element subcomponentOne(const Element& component) {
  if (!component.present() || component.level() != Element::Level::Component) return {};
  const std::string_view raw = component.raw();
  const char* const end = raw.data() + raw.size();
  const char* const stop = findChar(raw.data(), end, component.encoding()->subcomponent);
  return Element(std::string_view(raw.data(), static_cast<std::size_t>(stop - raw.data())),
                 component.encoding(), Element::Level::Subcomponent);
}

}  // namespace ferry::hl7v2
