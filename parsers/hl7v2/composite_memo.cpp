#include "parsers/hl7v2/composite_memo.h"

#include <cstring>

#include "parsers/hl7v2/overwrite.h"
#include "parsers/hl7v2/scan.h"

namespace ferry::hl7v2 {

namespace {

// The six delimiters compared at once: the struct is those six characters and nothing else.
bool sameDelimiters(const EncodingCharacters& a, const EncodingCharacters& b) {
  static_assert(sizeof(EncodingCharacters) == 6);
  return std::memcmp(&a, &b, sizeof(EncodingCharacters)) == 0;
}

// Each value has two slots it may be kept in, both taken from one mix of its size and its first
// and last eight bytes: with a single slot, two codes of a menu that share it would push each
// other out on every result.
std::uint64_t mix(std::string_view raw) {
  const std::size_t n = raw.size();
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  if (n >= 8) {
    std::memcpy(&first, raw.data(), 8);
    std::memcpy(&last, raw.data() + n - 8, 8);
  } else {
    for (std::size_t i = 0; i < n; ++i) first = first << 8 | static_cast<unsigned char>(raw[i]);
  }
  return (first ^ (last * 0x9E3779B97F4A7C15ull) ^ n) * 0xD6E8FEB86659FD93ull;
}

template <std::size_t kSlots>
std::size_t firstSlot(std::uint64_t mixed) {
  return static_cast<std::size_t>(mixed >> 48) & (kSlots - 1);
}

template <std::size_t kSlots>
std::size_t secondSlot(std::uint64_t mixed) {
  return static_cast<std::size_t>(mixed >> 32) & (kSlots - 1);
}

// a.size() == b.size() without the two divisions by the element's size that size() makes
// (a Coding is 104 bytes; measured in the concept's recall: -100 instructions a message).
template <class T>
bool sameCount(const std::vector<T>& a, const std::vector<T>& b) {
  return a.end() - a.begin() == b.end() - b.begin();
}

// out = kept, member by member (copyText): a practitioner recalled is mostly the one the
// message before had at the same place (PV1-7, ORC-12, OBR-16), whose names and ids are as long.
// The structured bindings stop the build when a member is added to either struct.
void copyPractitioner(const canonical::Practitioner& kept, canonical::Practitioner& out) {
  const auto& [id, name] = kept;
  const auto& [value, system, type] = id;
  const auto& [family, given, prefix, suffix, use] = name;
  copyText(value, out.identifier.value);
  copyText(system, out.identifier.system);
  copyText(type, out.identifier.type);
  copyText(family, out.name.family);
  if (out.name.given.size() != given.size()) out.name.given.resize(given.size());
  // Walked by pointer, as a concept's codings are (an index recomputed both sizes every name).
  std::string* to = out.name.given.data();
  for (const std::string& name_part : given) copyText(name_part, *to++);
  copyText(prefix, out.name.prefix);
  copyText(suffix, out.name.suffix);
  copyText(use, out.name.use);
}

}  // namespace

bool CompositeMemo::prepare(const EncodingCharacters& enc, CharacterSet charset) {
  if (!started_) {
    started_ = true;
  } else if (entries_ == nullptr) {
    entries_ = std::make_unique<Entries>();
  } else if (!sameDelimiters(enc, encoding_) || charset != charset_) {
    // Bytes read again under other delimiters split differently: forget every entry.
    for (ConceptEntry& entry : entries_->concepts) entry.key.shape = 0;
    for (CodingEntry& entry : entries_->codings) entry.key.shape = 0;
    for (PractitionerEntry& entry : entries_->practitioners) entry.key.shape = 0;
    for (InterpretationsEntry& entry : entries_->interpretations) entry.key.shape = 0;
  }
  encoding_ = enc;
  charset_ = charset;
  return entries_ != nullptr;
}

template <class Value, std::size_t kSlots>
const CompositeMemo::Entry<Value>* CompositeMemo::find(
    const std::array<Entry<Value>, kSlots>& entries, std::string_view raw, Element::Level level) {
  const std::uint64_t shape = shapeOf(raw, level);
  const auto matches = [&](const Key& key) {
    return key.shape == shape && sameLongBytes(std::string_view(key.raw, raw.size()), raw);
  };
  const std::uint64_t mixed = mix(raw);
  const Entry<Value>& first = entries[firstSlot<kSlots>(mixed)];
  if (matches(first.key)) return &first;
  const Entry<Value>& second = entries[secondSlot<kSlots>(mixed)];
  return matches(second.key) ? &second : nullptr;
}

// Keeps value in a free one of raw's two slots, else in the first.
template <class Value, std::size_t kSlots>
void CompositeMemo::keepIn(std::array<Entry<Value>, kSlots>& entries, std::string_view raw,
                           Element::Level level, const Value& value) {
  if (raw.empty() || raw.size() > kMaxRawSize) return;
  const std::uint64_t mixed = mix(raw);
  Entry<Value>& first = entries[firstSlot<kSlots>(mixed)];
  Entry<Value>& second = entries[secondSlot<kSlots>(mixed)];
  Entry<Value>& entry = first.key.shape != 0 && second.key.shape == 0 ? second : first;
  std::memcpy(entry.key.raw, raw.data(), raw.size());
  entry.key.shape = shapeOf(raw, level);
  entry.value = value;
}

bool CompositeMemo::recall(std::string_view raw, Element::Level level,
                           canonical::CodeableConcept& out) const {
  const ConceptEntry* entry = find(entries_->concepts, raw, level);
  if (entry == nullptr) return false;
  const canonical::CodeableConcept& kept = entry->value;
  copyText(kept.text, out.text);
  // Room for two codings, as DatatypeReader::codeableConcept makes it.
  if (!kept.codings.empty() && out.codings.capacity() < 2) out.codings.reserve(2);
  if (!sameCount(kept.codings, out.codings)) out.codings.resize(kept.codings.size());
  // Walked by pointer: an index recomputed the vectors' sizes from their ends on every coding.
  canonical::Coding* to = out.codings.data();
  for (const canonical::Coding& coding : kept.codings) copyCoding(coding, *to++);
  return true;
}

bool CompositeMemo::recall(std::string_view raw, Element::Level level,
                           canonical::Coding& out) const {
  const CodingEntry* entry = find(entries_->codings, raw, level);
  if (entry == nullptr) return false;
  copyCoding(entry->value, out);
  return true;
}

bool CompositeMemo::recall(std::string_view raw, Element::Level level,
                           canonical::Practitioner& out) const {
  const PractitionerEntry* entry = find(entries_->practitioners, raw, level);
  if (entry == nullptr) return false;
  copyPractitioner(entry->value, out);
  return true;
}

bool CompositeMemo::recall(std::string_view raw, Element::Level level,
                           std::vector<canonical::Interpretation>& out) const {
  const InterpretationsEntry* entry = find(entries_->interpretations, raw, level);
  if (entry == nullptr) return false;
  const std::vector<canonical::Interpretation>& kept = entry->value;
  if (out.size() != kept.size()) out.resize(kept.size());
  canonical::Interpretation* to = out.data();
  for (const canonical::Interpretation& flag : kept) copyInterpretation(flag, *to++);
  return true;
}

void CompositeMemo::keep(std::string_view raw, Element::Level level,
                         const canonical::CodeableConcept& value) {
  keepIn(entries_->concepts, raw, level, value);
}

void CompositeMemo::keep(std::string_view raw, Element::Level level,
                         const canonical::Coding& value) {
  keepIn(entries_->codings, raw, level, value);
}

void CompositeMemo::keep(std::string_view raw, Element::Level level,
                         const canonical::Practitioner& value) {
  keepIn(entries_->practitioners, raw, level, value);
}

void CompositeMemo::keep(std::string_view raw, Element::Level level,
                         const std::vector<canonical::Interpretation>& value) {
  keepIn(entries_->interpretations, raw, level, value);
}

}  // namespace ferry::hl7v2
