// Orders and results: ORC, OBR, OBX, NTE, SPM.
#include <cstdint>

#include "parsers/hl7v2/first_pieces.h"
#include "parsers/hl7v2/numeric.h"
#include "parsers/hl7v2/overwrite.h"
#include "parsers/hl7v2/repetitions.h"
#include "parsers/hl7v2/reused_list.h"
#include "parsers/hl7v2/scan.h"
#include "parsers/hl7v2/segment_normalizers.h"
#include "parsers/terminology/concept_map.h"

namespace ferry::hl7v2 {

namespace {

// Table 0078 maps every flag into the v3-ObservationInterpretation system: copying it from one
// CodeSystem made once shares the URI without looking it up again for every result, and a
// result written over one that already has it (reused_list.h) keeps it without a copy. The rows
// name the system by the kObservationInterpretation constant itself, so comparing pointers
// settles the usual case before any comparison of the 66 bytes.
void assignInterpretationSystem(std::string_view uri, canonical::CodeSystem& system) {
  static const canonical::CodeSystem kInterpretation(terminology::kObservationInterpretation);
  const bool same = uri.data() == terminology::kObservationInterpretation.data() ||
                    uri == kInterpretation.str();
  if (!same) {
    system = uri;
  } else if (&system.str() != &kInterpretation.str()) {
    system = kInterpretation;
  }
}

// interpretation.fhir = the table 0078 interpretation of interpretation.v2, or nothing.
void interpret(canonical::Interpretation& interpretation) {
  canonical::Coding& fhir = interpretation.fhir;
  if (const auto* mapped = terminology::findFhir("0078", interpretation.v2)) {
    assignInterpretationSystem(mapped->fhir_system, fhir.system);
    overwrite(fhir.code, mapped->fhir_code);
    overwrite(fhir.display, mapped->display);
  } else {
    fhir.system.clear();
    fhir.code.clear();
    fhir.display.clear();
  }
}

// One OBX-8 flag (the first component of a repetition) with its table 0078 interpretation,
// written over the list's next element; a repetition without a flag is skipped.
void readInterpretation(const DatatypeReader& reader, const Element& flag,
                        ReusedList<canonical::Interpretation>& list) {
  canonical::Interpretation& interpretation = list.next();
  reader.assignText(flag, interpretation.v2);
  if (interpretation.v2.empty()) {
    list.dropLast();
    return;
  }
  interpret(interpretation);
}

// The interpretation of every flag of one printable ASCII character, made once the way
// readInterpretation makes it. Nearly every result sends one such flag alone ("N", "H"), and
// such a byte reads as itself in any segment and character set (unless it is the escape
// character): its interpretation is copied from here without the memo's hashing and probing
// (measured: -881 instructions a message).
class OneCharacterFlags {
 public:
  OneCharacterFlags() {
    for (int byte = kFirst; byte <= kLast; ++byte) {
      canonical::Interpretation& flag = flags_[byte - kFirst];
      flag.v2.assign(1, static_cast<char>(byte));
      interpret(flag);
    }
  }

  // The interpretation of flag, or nullptr when it is not such a flag.
  const canonical::Interpretation* find(std::string_view flag,
                                       const EncodingCharacters& enc) const {
    if (flag.size() != 1) return nullptr;
    const char byte = flag.front();
    // A lone separator is an empty first flag, and the escape character is decoded.
    if (byte < kFirst || byte > kLast || byte == enc.escape || byte == enc.repetition ||
        byte == enc.component) {
      return nullptr;
    }
    return &flags_[byte - kFirst];
  }

 private:
  static constexpr char kFirst = ' ';
  static constexpr char kLast = '~';
  canonical::Interpretation flags_[kLast - kFirst + 1];
};

const OneCharacterFlags& oneCharacterFlags() {
  static const OneCharacterFlags flags;
  return flags;
}

// OBX-8 abnormal flags other than one flag of one character, each with its table 0078
// interpretation. Each is written over an element already in the list when there is one (an
// Interpretation is 136 bytes), and apart from readObx so that the compiler keeps inlining the
// field look-ups there. No reserve() from the repetition count: a field of empty repetitions
// ("~~~~") must not allocate room for thousands.
[[gnu::noinline]] void readFlagList(const DatatypeReader& reader, const Element& flags,
                                    std::vector<canonical::Interpretation>& out) {
  if (reader.recallInterpretations(flags, out)) return;
  ReusedList<canonical::Interpretation> list(out);
  const EncodingCharacters& enc = *flags.encoding();
  const char* const begin = flags.raw().data();
  const char* const end = begin + flags.raw().size();
  if (findEither(begin, end, enc.repetition, enc.component) == end) {
    // Most of the other fields are one flag and no components ("HH"): the field is that flag,
    // read without the walk over repetitions.
    readInterpretation(reader, Element(flags.raw(), &enc, Element::Level::Component), list);
  } else {
    for (const Element flag : Repetitions(flags)) readInterpretation(reader, componentOne(flag), list);
  }
  list.finish();
  reader.keepInterpretations(flags, out);
}

// OBX-8 abnormal flags (valued), each with its table 0078 interpretation. The one flag of one
// character that nearly every result sends is copied in readObx itself, without a call
// (measured: -69 instructions a message); any other field is read by readFlagList.
[[gnu::always_inline]] inline void readInterpretations(
    const DatatypeReader& reader, const Element& flags,
    std::vector<canonical::Interpretation>& out) {
  if (const canonical::Interpretation* flag =
          oneCharacterFlags().find(flags.raw(), *flags.encoding())) {
    if (out.size() != 1) out.resize(1);
    copyInterpretation(*flag, out.front());
    return;
  }
  readFlagList(reader, flags, out);
}

// The rows of a status table (0085, 0123) for its codes of one character, which every result
// and order sends: found by the character in an array made once by asking findFhir for each of
// the 256 (so the answers are its answers), instead of hashing the code (measured: -648
// instructions a message). Longer codes are looked up as before.
class StatusRows {
 public:
  explicit StatusRows(std::string_view table) : table_(table) {
    for (int byte = 0; byte < 256; ++byte) {
      const char code = static_cast<char>(byte);
      one_character_[byte] = terminology::findFhir(table, std::string_view(&code, 1));
    }
  }

  // findFhir(table, code); nullptr for an empty code.
  const terminology::ConceptMapping* find(std::string_view code) const {
    if (code.size() == 1) return one_character_[static_cast<unsigned char>(code.front())];
    return code.empty() ? nullptr : terminology::findFhir(table_, code);
  }

 private:
  std::string_view table_;
  const terminology::ConceptMapping* one_character_[256];
};

const StatusRows& observationResultStatuses() {
  static const StatusRows rows("0085");
  return rows;
}

const StatusRows& orderResultStatuses() {
  static const StatusRows rows("0123");
  return rows;
}

// A status code read in place (no temporary string): as sent, and its FHIR equivalent from table.
// Both are copied over the status of the result at this position, in line when as long: a
// report gives its results the same status, and copying the few bytes of "final" over "final"
// costs less than comparing them byte by byte first (measured: -268 instructions a message).
// Forced in line: GCC left it out of line in readObx once assignText() was forced in line there.
[[gnu::always_inline]] inline void readStatus(const DatatypeReader& reader, const Element& e,
                                              const StatusRows& table,
                                              canonical::StatusCode& status) {
  reader.assignText(e, status.v2);
  const auto* mapped = table.find(status.v2);
  if (mapped == nullptr) {
    status.fhir.clear();
  } else if (!copyOverSameLength(mapped->fhir_code, status.fhir)) {
    status.fhir.assign(mapped->fhir_code);
  }
}

// Empties the members of an order that ORC writes (openOrder leaves them), for an OBR that
// opens its order without an ORC.
void emptyOrcMembers(const DatatypeReader& reader, canonical::Order& o) {
  reader.entityIdentifier(Element(), o.placer_order_number);
  reader.entityIdentifier(Element(), o.filler_order_number);
  o.order_control.clear();
  o.order_status.clear();
  reader.practitioner(Element(), o.ordering_provider);
  o.requested_time.clear();
}

// component.subcomponent(2), found from the end of its first subcomponent (subcomponentOne).
Element secondSubcomponent(const Element& component, const Element& first) {
  if (!first.present()) return {};
  const std::string_view raw = component.raw();
  const char* const end = raw.data() + raw.size();
  const char* const separator = first.raw().data() + first.raw().size();
  if (separator == end) return {};
  const char* const stop = findChar(separator + 1, end, component.encoding()->subcomponent);
  return Element(std::string_view(separator + 1, static_cast<std::size_t>(stop - separator - 1)),
                 component.encoding(), Element::Level::Subcomponent);
}

// OBX-5 of type NM: the decimal as written, and its number. Nearly every value is a plain
// number that fills the field ("1.24"): read in one pass over the field, which then holds no
// separator unless the repetition separator is the point itself, so that the field is its own
// first repetition and its text (an escape character, even a point, needs two of its own to
// escape anything), instead of a scan for the repetition, then a scan of the text (measured:
// -342 instructions a message). Either way the decimal is written over the one of the result at
// this position, in line when as long ("1.24" over "0.78").
void readNumberValue(const DatatypeReader& reader, const Element& values,
                     canonical::ObservationValue& v) {
  double plain = 0;
  if (readPlainNumber(values.raw(), plain) && values.encoding()->repetition != '.') {
    reader.assignText(values, v.decimal);
    v.number = plain;
    return;
  }
  reader.assignText(repetitionOne(values), v.decimal);
  v.number = readNumeric(v.decimal);
  if (!v.decimal.empty() && !v.number) {
    reader.recordUnreadable(5, values, "OBX-5 of type NM is not a number");
  }
}

}  // namespace

// An order is written over one an earlier message left in the list (reused_list.h): what OBR
// writes only when it has it and ORC does not write is emptied here; the members ORC writes
// whether it has them or not are emptied by an OBR that opens its order itself
// (emptyOrcMembers), so that an ORC does not empty what it writes again (measured: -83
// instructions a message). The code is the exception: emptying it would free its codings, and
// the OBR that nearly always follows writes it whole, so it is emptied only when the order ends
// without one (closeOrder).
canonical::Order& SegmentNormalizer::openOrder() {
  closeOrder();
  canonical::Order& o = orders_.next();
  order_ = static_cast<std::uint32_t>(orders_.size() - 1);
  order_code_stale_ = true;
  o.result_status.v2.clear();
  o.result_status.fhir.clear();
  o.observation_time.clear();
  o.results_time.clear();
  if (!o.reason_codes.empty()) readReasonCodes(Element(), o.reason_codes);
  return o;
}

void SegmentNormalizer::closeOrder() {
  if (order_ && order_code_stale_) {
    canonical::CodeableConcept& code = out_.orders[*order_].code;
    code.codings.clear();
    code.text.clear();
  }
  order_code_stale_ = false;
}

void SegmentNormalizer::readOrc(const Segment& s) {
  // Every member ORC has is written or emptied here (see openOrder).
  canonical::Order& o = openOrder();
  order_has_obr_ = false;
  observation_.reset();
  reader_.assignText(s.field(1), o.order_control);
  reader_.entityIdentifier(s.field(2), o.placer_order_number);
  reader_.entityIdentifier(s.field(3), o.filler_order_number);
  reader_.assignText(s.field(5), o.order_status);
  reader_.dateTime(s.field(9), 9, o.requested_time);
  reader_.practitioner(repetitionOne(s.field(12)), o.ordering_provider);
}

void SegmentNormalizer::readObr(const Segment& s) {
  // An OBR completes the order its ORC opened; otherwise (or after another OBR) it starts one.
  const bool opens = !order_ || order_has_obr_;
  canonical::Order& o = opens ? openOrder() : out_.orders[*order_];
  if (opens) emptyOrcMembers(reader_, o);
  order_has_obr_ = true;
  observation_.reset();
  if (const Element placer = s.field(2); placer.valued()) {
    reader_.entityIdentifier(placer, o.placer_order_number);
  }
  if (const Element filler = s.field(3); filler.valued()) {
    reader_.entityIdentifier(filler, o.filler_order_number);
  }
  reader_.codeableConcept(repetitionOne(s.field(4)), o.code);
  order_code_stale_ = false;
  if (canonical::DateTime requested = reader_.dateTime(s.field(6), 6); !requested.empty()) {
    o.requested_time = std::move(requested);
  }
  reader_.dateTime(s.field(7), 7, o.observation_time);
  if (const Element provider = s.field(16); provider.valued()) {
    reader_.practitioner(repetitionOne(provider), o.ordering_provider);
  }
  reader_.dateTime(s.field(22), 22, o.results_time);
  readStatus(reader_, s.field(25), orderResultStatuses(), o.result_status);
  // OBR-31 reasons for study; openOrder emptied the list, and most orders send none.
  if (const Element reasons = s.field(31); reasons.valued()) readReasonCodes(reasons, o.reason_codes);
}

void SegmentNormalizer::readObservationValue(const Element& values, canonical::Observation& obs) {
  canonical::ObservationValue& v = obs.value;
  // A view: its == checks the length before the bytes, so most comparisons below cost no memcmp.
  const std::string_view type = obs.value_type;
  // obs may be a result of an earlier message (reused_list.h): every member is written or
  // emptied below, and a box is kept only for the kind of value this result has.
  v.number.reset();
  const bool number = type == "NM";
  const bool coded = !number && (type == "CWE" || type == "CE" || type == "CNE" || type == "CF");
  const bool structured = !number && type == "SN";
  const bool date = !number && (type == "DT" || type == "DTM" || type == "TS");
  const bool text = !number && !coded && !structured && !date;
  // A box this result does not need goes to the pool, and one it needs comes from there when
  // it has none (spares.h): the kind of value at a position changes from message to message.
  // Most results (numbers) come with no box at all: one test of the four, without branches,
  // instead of four conditions and four tests (callgrind: -76 instructions a message).
  // (As ints: clang warns of `|` between bools, which here is meant.)
  const bool boxed = (int{v.coded.has_value()} | int{v.structured_numeric.has_value()} |
                      int{v.date_time.has_value()} | int{v.text.has_value()}) != 0;
  if (boxed) {
    const bool valued = values.valued();
    if (!coded || !valued) spares_.coded.keep(v.coded);
    if (!structured || !valued) spares_.structured_numeric.keep(v.structured_numeric);
    if (!date || !valued) spares_.date_time.keep(v.date_time);
    if (!text || !valued) spares_.text.keep(v.text);
  }
  if (number) {
    readNumberValue(reader_, values, v);
    return;
  }
  v.decimal.clear();
  // The other kinds are boxed (canonical/boxed.h): the box is allocated only for a value.
  if (!values.valued()) return;
  if (coded) {
    reader_.codeableConcept(repetitionOne(values), spares_.coded.fill(v.coded));
  } else if (structured) {
    const Pieces sn(repetitionOne(values));  // comparator ^ num1 ^ separator ^ num2, split once
    canonical::StructuredNumeric& out = spares_.structured_numeric.fill(v.structured_numeric);
    out.comparator.clear();
    out.num1.clear();
    out.separator.clear();
    out.num2.clear();
    reader_.text(sn[1], out.comparator);
    reader_.text(sn[2], out.num1);
    reader_.text(sn[3], out.separator);
    reader_.text(sn[4], out.num2);
  } else if (date) {
    reader_.dateTime(repetitionOne(values), 5, spares_.date_time.fill(v.date_time));
  } else {
    // ST, TX, FT and anything else: text; repetitions are lines of the same text.
    std::string& lines = spares_.text.fill(v.text);
    lines.clear();
    bool first = true;
    for (const Element line : Repetitions(values)) {
      if (!first) lines += '\n';
      first = false;
      reader_.text(line, lines);
    }
  }
}

void SegmentNormalizer::readObx(const Segment& s) {
  // Written over a result an earlier message left in the list when there is one (it is large,
  // and its strings and vectors keep their heap blocks): every member is set or emptied here.
  canonical::Observation& obs = observations_.next();
  // The fields are taken from the index together, before any write into the result: taken
  // between the writes, each reloaded the segment's index (measured: -374 instructions a
  // message).
  // OBX-1 to OBX-14 with one test of the header and the count for all ten: a result reaches
  // OBX-14 (OBX-16 and OBX-19, which two thirds of the corpus's results lack, taken with them
  // sent those to the slow path; measured: -75 instructions a message, -613 in readObx, where
  // GCC then left DatatypeReader::dateTime out of line, +533).
  const auto [set_id, value_type, code, sub_id, values, units, range, flags, status, observed] =
      s.fields<1, 2, 3, 4, 5, 6, 7, 8, 11, 14>();
  const Element performer = s.field(16), analysed = s.field(19);
  reader_.assignText(set_id, obs.set_id);
  reader_.assignText(value_type, obs.value_type);
  obs.category.clear();  // v2 has no category
  reader_.codeableConcept(code, obs.code);
  reader_.assignText(sub_id, obs.sub_id);
  readObservationValue(values, obs);
  reader_.coding(units, obs.units);  // an absent or empty OBX-6 empties the units
  readReferenceRange(reader_, range, obs.reference_range);
  if (flags.valued()) {
    readInterpretations(reader_, flags, obs.interpretations);
  } else {
    obs.interpretations.clear();
  }
  readStatus(reader_, status, observationResultStatuses(), obs.status);
  reader_.dateTime(observed, 14, obs.observation_time);
  if (performer.valued()) {
    obs.performer = reader_.practitioner(performer.repetition(1));
  } else {
    obs.performer.reset();
  }
  reader_.dateTime(analysed, 19, obs.analysis_time);
  // Only a result with an OBX-17 or reaching OBX-23, or one written over a result that had any
  // of these, has anything to read or to empty: a result that stops at OBX-19 (the analysis
  // time) mostly has neither (measured: -254 instructions a message).
  const int field_count = s.fieldCount();
  if ((field_count >= 17 && (field_count >= 23 || s.field(17).valued())) ||
      obs.method.has_value() || obs.performing_organization.has_value() ||
      obs.medical_director.has_value()) {
    readMethodAndPerformers(s, obs);
  }
  obs.order_index = order_;
  observation_ = static_cast<std::uint32_t>(observations_.size() - 1);
}

void SegmentNormalizer::readNte(const Segment& s) {
  canonical::Note& note = notes_.next();  // over an earlier message's note, as readObx does
  note.text.clear();
  const Element comments = s.field(3);
  bool first = true;
  for (const Element comment : Repetitions(comments)) {
    if (!first) note.text += '\n';
    first = false;
    reader_.text(comment, note.text);
  }
  note.source.clear();
  reader_.text(s.field(2), note.source);
  reader_.coding(s.field(4), note.comment_type);
  // A note describes what it follows: the last result, else the last order, else the message.
  note.observation_index = observation_;
  note.order_index = observation_ ? std::nullopt : order_;
}

void SegmentNormalizer::readSpm(const Segment& s) {
  canonical::Specimen& spec = specimens_.next();  // over an earlier message's, as readObx does
  // SPM-2 is EIP (placer EI ^ filler EI); senders often write a plain EI "id^namespace". The
  // placer's pieces are cut in line, and the second component only looked for when the placer
  // names no namespace (measured against a split of the field and two out-of-line
  // subcomponent() calls: -197 instructions a message).
  const Element id = s.field(2);
  const Element placer = componentOne(id);
  const Element placer_id = subcomponentOne(placer);
  spec.identifier.value.clear();
  spec.identifier.system.clear();
  spec.identifier.type.clear();
  reader_.text(placer_id, spec.identifier.value);
  reader_.text(secondSubcomponent(placer, placer_id), spec.identifier.system);
  if (spec.identifier.system.empty()) {
    reader_.text(subcomponentOne(id.component(2)), spec.identifier.system);
  }
  reader_.codeableConcept(s.field(4), spec.type);
  reader_.codeableConcept(s.field(8), spec.source_site);
  // SPM-17 is read as a field, whose first component dateTime() takes: the same text as
  // component(1) without the call, and the bytes of OBX-14 before it are then a recent date.
  reader_.dateTime(s.field(17), 17, spec.collection_time);
  readSpecimenTimes(s, spec);
  spec.order_index = order_;
}

}  // namespace ferry::hl7v2
