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

namespace first_pieces {

// element's bytes up to stop (a separator in them, or their end), as an element of level.
[[gnu::always_inline]] inline Element cutAt(const Element& element, const char* stop,
                                           Element::Level level) {
  const char* const begin = element.raw().data();
  return Element(std::string_view(begin, static_cast<std::size_t>(stop - begin)),
                 element.encoding(), level);
}

// element's bytes up to its first separator, as an element of level.
[[gnu::always_inline]] inline Element upToFirst(const Element& element, char separator,
                                               Element::Level level) {
  const std::string_view raw = element.raw();
  return cutAt(element, findChar(raw.data(), raw.data() + raw.size(), separator), level);
}

}  // namespace first_pieces

// field.repetition(1): the bytes up to the first repetition separator; only a field has any.
[[gnu::always_inline]] inline Element repetitionOne(const Element& field) {
  if (!field.present() || field.level() != Element::Level::Field) return {};
  return first_pieces::upToFirst(field, field.encoding()->repetition, Element::Level::Repetition);
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
  return first_pieces::cutAt(element, stop, Element::Level::Component);
}

// component.subcomponent(1): the bytes up to the first subcomponent separator.
[[gnu::always_inline]] inline Element subcomponentOne(const Element& component) {
  if (!component.present() || component.level() != Element::Level::Component) return {};
  return first_pieces::upToFirst(component, component.encoding()->subcomponent,
                                 Element::Level::Subcomponent);
}

}  // namespace ferry::hl7v2
