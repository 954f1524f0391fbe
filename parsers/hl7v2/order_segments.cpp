// Orders and results: ORC, OBR, OBX, NTE, SPM.
#include <charconv>
#include <cstdint>

#include "parsers/hl7v2/segment_normalizers.h"
#include "parsers/terminology/concept_map.h"

namespace ferry::hl7v2 {

namespace {

// The usual shape of a lab number, [-]digits[.digits] with at most 15 digits, read without
// std::from_chars: the digits as an integer and the power of ten are then both exact doubles,
// so one IEEE division rounds correctly and gives the very double from_chars would. Other
// shapes (exponents, longer mantissas, ".5", "inf") answer nullopt and take the general path.
std::optional<double> readPlainDecimal(std::string_view text) {
  static constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6, 1e7,
                                            1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  constexpr int kMaxDigits = 15;
  const bool negative = !text.empty() && text.front() == '-';
  std::size_t i = negative ? 1 : 0;
  std::uint64_t mantissa = 0;
  int digits = 0;
  int decimals = -1;  // digits after the point; -1 while no point was seen
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      if (++digits > kMaxDigits) return std::nullopt;
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
      if (decimals >= 0) ++decimals;
    } else if (c == '.' && decimals < 0 && digits > 0) {
      decimals = 0;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0 || decimals == 0) return std::nullopt;  // "", "-", "5."
  const double value = static_cast<double>(mantissa) / kPowersOfTen[decimals < 0 ? 0 : decimals];
  return negative ? -value : value;
}

std::optional<double> readNumber(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (const std::optional<double> plain = readPlainDecimal(text)) return plain;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// OBX-7 read in place: the text as sent, then its bounds. "70-99" gives both bounds, "<5" or
// "<=5" an upper one, ">10" a lower one; other text none.
void readRange(const DatatypeReader& reader, const Element& e, canonical::ReferenceRange& range) {
  range.text.clear();
  range.low.reset();
  range.high.reset();
  reader.text(e, range.text);
  const std::string_view t = range.text;
  if (!t.empty() && (t.front() == '<' || t.front() == '>')) {
    const std::size_t skip = t.size() > 1 && t[1] == '=' ? 2 : 1;
    const auto bound = readNumber(t.substr(skip));
    (t.front() == '<' ? range.high : range.low) = bound;
  } else if (const std::size_t dash = t.find('-', 1); dash != std::string_view::npos) {
    range.low = readNumber(t.substr(0, dash));
    range.high = readNumber(t.substr(dash + 1));
    if (!range.low || !range.high) range.low = range.high = std::nullopt;
  }
}

// Table 0078 maps every flag into the v3-ObservationInterpretation system: copying it from one
// CodeSystem made once shares the URI without looking it up again for every result.
canonical::CodeSystem interpretationSystem(std::string_view uri) {
  static const canonical::CodeSystem kInterpretation(terminology::kObservationInterpretation);
  return uri == kInterpretation.str() ? kInterpretation : canonical::CodeSystem(uri);
}

// OBX-8 abnormal flags, each with its table 0078 interpretation; a repetition without a flag is
// skipped. Each is built in place (an Interpretation is 136 bytes), and apart from readObx so
// that the compiler keeps inlining the field look-ups there. No reserve() from the repetition
// count: a field of empty repetitions ("~~~~") must not allocate room for thousands.
void readInterpretations(const DatatypeReader& reader, const Element& flags,
                         std::vector<canonical::Interpretation>& out) {
  for (int r = 1, count = flags.repetitionCount(); r <= count; ++r) {
    canonical::Interpretation& interpretation = out.emplace_back();
    reader.text(flags.repetition(r).component(1), interpretation.v2);
    if (interpretation.v2.empty()) {
      out.pop_back();
      continue;
    }
    if (const auto* mapped = terminology::findFhir("0078", interpretation.v2)) {
      interpretation.fhir.system = interpretationSystem(mapped->fhir_system);
      interpretation.fhir.code.assign(mapped->fhir_code);
      interpretation.fhir.display.assign(mapped->display);
    }
  }
}

// A status code read in place (no temporary string): as sent, and its FHIR equivalent from table.
void readStatus(const DatatypeReader& reader, const Element& e, std::string_view table,
                canonical::StatusCode& status) {
  status.v2.clear();
  status.fhir.clear();
  reader.text(e, status.v2);
  if (status.v2.empty()) return;
  if (const auto* mapped = terminology::findFhir(table, status.v2)) status.fhir.assign(mapped->fhir_code);
}

}  // namespace

canonical::Order& SegmentNormalizer::currentOrder() {
  if (!order_) {
    out_.orders.emplace_back();
    order_ = static_cast<std::uint32_t>(out_.orders.size() - 1);
  }
  return out_.orders[*order_];
}

void SegmentNormalizer::readOrc(const Segment& s) {
  out_.orders.emplace_back();
  order_ = static_cast<std::uint32_t>(out_.orders.size() - 1);
  order_has_obr_ = false;
  observation_.reset();
  canonical::Order& o = out_.orders.back();
  reader_.text(s.field(1), o.order_control);
  o.placer_order_number = reader_.entityIdentifier(s.field(2));
  o.filler_order_number = reader_.entityIdentifier(s.field(3));
  reader_.text(s.field(5), o.order_status);
  o.requested_time = reader_.dateTime(s.field(9), 9);
  o.ordering_provider = reader_.practitioner(s.field(12).repetition(1));
}

void SegmentNormalizer::readObr(const Segment& s) {
  // An OBR completes the order its ORC opened; otherwise (or after another OBR) it starts one.
  if (!order_ || order_has_obr_) {
    out_.orders.emplace_back();
    order_ = static_cast<std::uint32_t>(out_.orders.size() - 1);
  }
  order_has_obr_ = true;
  observation_.reset();
  canonical::Order& o = currentOrder();
  if (const Element placer = s.field(2); placer.valued()) {
    o.placer_order_number = reader_.entityIdentifier(placer);
  }
  if (const Element filler = s.field(3); filler.valued()) {
    o.filler_order_number = reader_.entityIdentifier(filler);
  }
  reader_.codeableConcept(s.field(4).repetition(1), o.code);
  if (canonical::DateTime requested = reader_.dateTime(s.field(6), 6); !requested.empty()) {
    o.requested_time = std::move(requested);
  }
  reader_.dateTime(s.field(7), 7, o.observation_time);
  if (const Element provider = s.field(16); provider.valued()) {
    o.ordering_provider = reader_.practitioner(provider.repetition(1));
  }
  reader_.dateTime(s.field(22), 22, o.results_time);
  readStatus(reader_, s.field(25), "0123", o.result_status);
}

void SegmentNormalizer::readObservationValue(const Segment& s, canonical::Observation& obs) {
  const Element values = s.field(5);
  canonical::ObservationValue& v = obs.value;
  // A view: its == checks the length before the bytes, so most comparisons below cost no memcmp.
  const std::string_view type = obs.value_type;
  if (type == "NM") {
    reader_.text(values.repetition(1), v.decimal);
    v.number = readNumber(v.decimal);
    if (!v.decimal.empty() && !v.number) {
      reader_.recordUnreadable(5, values, "OBX-5 of type NM is not a number");
    }
    return;
  }
  // The other kinds are boxed (canonical/boxed.h): the box is allocated only for a value.
  if (!values.valued()) return;
  if (type == "CWE" || type == "CE" || type == "CNE" || type == "CF") {
    reader_.codeableConcept(values.repetition(1), v.coded.mut());
  } else if (type == "SN") {
    const Element sn = values.repetition(1);
    canonical::StructuredNumeric& out = v.structured_numeric.mut();
    reader_.text(sn.component(1), out.comparator);
    reader_.text(sn.component(2), out.num1);
    reader_.text(sn.component(3), out.separator);
    reader_.text(sn.component(4), out.num2);
  } else if (type == "DT" || type == "DTM" || type == "TS") {
    reader_.dateTime(values.repetition(1), 5, v.date_time.mut());
  } else {
    // ST, TX, FT and anything else: text; repetitions are lines of the same text.
    std::string& text = v.text.mut();
    for (int r = 1, count = values.repetitionCount(); r <= count; ++r) {
      if (r > 1) text += '\n';
      reader_.text(values.repetition(r), text);
    }
  }
}

void SegmentNormalizer::readObx(const Segment& s) {
  canonical::Observation& obs = out_.observations.emplace_back();  // built in place: it is large
  reader_.text(s.field(1), obs.set_id);
  reader_.text(s.field(2), obs.value_type);
  // Everything is read straight into the observation built in place above: no temporaries.
  reader_.codeableConcept(s.field(3), obs.code);
  reader_.text(s.field(4), obs.sub_id);
  readObservationValue(s, obs);
  if (const Element units = s.field(6); units.valued()) reader_.coding(Pieces(units), 1, obs.units);
  if (const Element range = s.field(7); range.valued()) readRange(reader_, range, obs.reference_range);
  if (const Element flags = s.field(8); flags.valued()) {
    readInterpretations(reader_, flags, obs.interpretations);
  }
  readStatus(reader_, s.field(11), "0085", obs.status);
  reader_.dateTime(s.field(14), 14, obs.observation_time);
  if (const Element performer = s.field(16); performer.valued()) {
    obs.performer = reader_.practitioner(performer.repetition(1));
  }
  reader_.dateTime(s.field(19), 19, obs.analysis_time);
  obs.order_index = order_;
  observation_ = static_cast<std::uint32_t>(out_.observations.size() - 1);
}

void SegmentNormalizer::readNte(const Segment& s) {
  canonical::Note note;
  const Element comments = s.field(3);
  for (int r = 1, count = comments.repetitionCount(); r <= count; ++r) {
    if (r > 1) note.text += '\n';
    reader_.text(comments.repetition(r), note.text);
  }
  reader_.text(s.field(2), note.source);
  note.comment_type = reader_.coding(s.field(4));
  // A note describes what it follows: the last result, else the last order, else the message.
  note.observation_index = observation_;
  if (!observation_) note.order_index = order_;
  out_.notes.push_back(std::move(note));
}

void SegmentNormalizer::readSpm(const Segment& s) {
  canonical::Specimen spec;
  // SPM-2 is EIP (placer EI ^ filler EI); senders often write a plain EI "id^namespace".
  const Element id = s.field(2);
  reader_.text(id.component(1).subcomponent(1), spec.identifier.value);
  std::string authority = reader_.text(id.component(1).subcomponent(2));
  if (authority.empty()) authority = reader_.text(id.component(2).subcomponent(1));
  spec.identifier.system = std::move(authority);
  spec.type = reader_.codeableConcept(s.field(4));
  spec.source_site = reader_.codeableConcept(s.field(8));
  spec.collection_time = reader_.dateTime(s.field(17).component(1), 17);
  spec.order_index = order_;
  out_.specimens.push_back(std::move(spec));
}

}  // namespace ferry::hl7v2
