// Orders and results: ORC, OBR, OBX, NTE, SPM.
#include <array>
#include <charconv>
#include <optional>

#include "parsers/hl7v2/escape.h"
#include "parsers/hl7v2/segment_writer.h"
#include "parsers/terminology/concept_map.h"

namespace ferry::hl7v2 {

namespace {

// Shortest decimal text that reads back as the same double, without an exponent (NM has none).
std::string formatNumber(double value) {
  std::array<char, 400> buffer{};  // room for the longest fixed form of a double
  const auto [end, ec] =
      std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buffer.data(), end) : std::string();
}

// Text lines as repetitions, each encoded by encodeLine: the reader joins repetitions with line
// feeds. Empty lines stay, as empty repetitions.
template <typename EncodeLine>
std::string lines(std::string_view text, char repetition, EncodeLine encodeLine) {
  std::string out;
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = text.find('\n', begin);
    out.append(encodeLine(text.substr(begin, end - begin)));
    if (end == std::string_view::npos) break;
    out += repetition;
    begin = end + 1;
  }
  return out;
}

std::string lines(std::string_view text, const EncodingCharacters& enc) {
  return lines(text, enc.repetition, [&enc](std::string_view line) { return escape(line, enc); });
}

// A composite value the model keeps as plain text (ED, RP, CX...): the reader left its component
// and subcomponent separators in the text, so they stay separators; everything else is escaped.
std::string compositeLine(std::string_view text, const EncodingCharacters& enc) {
  std::string out;
  std::size_t begin = 0;
  while (true) {
    const std::size_t end = text.find_first_of("^&", begin);
    out.append(escape(text.substr(begin, end - begin), enc));
    if (end == std::string_view::npos) break;
    out += text[end] == '^' ? enc.component : enc.subcomponent;
    begin = end + 1;
  }
  return out;
}

// v2 data types whose value is one piece of text.
bool isPlainTextType(std::string_view type) {
  for (std::string_view t : {"ST", "TX", "FT", "TM", "ID", "IS", "SI", "TN"}) {
    if (t == type) return true;
  }
  return false;
}

// OBX-2 for a value written without a data type (FHIR gives none): the member that is set.
std::string inferredType(const canonical::ObservationValue& v) {
  if (!v.decimal.empty() || v.number) return "NM";
  if (!v.coded->codings.empty() || !v.coded->text.empty()) return "CWE";
  if (*v.structured_numeric != canonical::StructuredNumeric{}) return "SN";
  if (!v.date_time->empty()) return v.date_time->size() <= 10 ? "DT" : "DTM";
  if (v.text->find('\n') != std::string::npos) return "TX";
  return "ST";
}

// The v2 code of a status: as sent, else through the table from FHIR; empty when neither.
std::string statusCode(std::string_view table, const canonical::StatusCode& status) {
  if (!status.v2.empty()) return status.v2;
  if (status.fhir.empty()) return {};
  const auto row = terminology::toV2(table, status.fhir);
  return row ? std::string(row->v2_code) : std::string();
}

// "70-99" from bounds when the range has no text (inclusive, as FHIR bounds are).
std::string rangeText(const canonical::ReferenceRange& r) {
  if (!r.text.empty()) return r.text;
  if (r.low && r.high) return formatNumber(*r.low) + "-" + formatNumber(*r.high);
  if (r.high) return "<=" + formatNumber(*r.high);
  if (r.low) return ">=" + formatNumber(*r.low);
  return {};
}

std::string ordinal(std::uint32_t index) { return std::to_string(index + 1); }

}  // namespace

void SegmentWriter::writeOrderGroup(std::uint32_t order) {
  const canonical::Order& o = message_.orders[order];
  const std::string what = "order " + ordinal(order) + "'s ";
  // ORC is optional in ORU_R01; written when the order carries something only ORC holds.
  if (!o.order_control.empty() || !o.order_status.empty()) {
    SegmentFields orc = begin("ORC");
    orc.set(1, types_.text(o.order_control));
    orc.set(2, types_.entityIdentifier(o.placer_order_number));
    orc.set(3, types_.entityIdentifier(o.filler_order_number));
    orc.set(5, types_.text(o.order_status));
    orc.set(12, types_.practitioner(o.ordering_provider));
    end(orc);
  }
  SegmentFields obr = begin("OBR");
  obr.set(1, ordinal(order));
  obr.set(2, types_.entityIdentifier(o.placer_order_number));
  obr.set(3, types_.entityIdentifier(o.filler_order_number));
  obr.set(4, types_.codeableConcept(o.code));
  obr.set(6, types_.dateTime(o.requested_time, 6, what + "requested time"));
  obr.set(7, types_.dateTime(o.observation_time, 7, what + "observation time"));
  obr.set(16, types_.practitioner(o.ordering_provider));
  obr.set(22, types_.dateTime(o.results_time, 22, what + "results time"));
  obr.set(25, types_.text(statusCode("0123", o.result_status)));
  std::vector<std::string> reasons;
  for (const canonical::CodeableConcept& reason : o.reason_codes) {
    reasons.push_back(types_.codeableConcept(reason));
  }
  obr.set(31, joinRepetitions(reasons));
  end(obr);
  writeNotes(notes_by_order_[order]);
  int set_id = 0;
  for (std::uint32_t index : observations_by_order_[order]) writeObservation(index, ++set_id);
  set_id = 0;
  for (std::uint32_t index : specimens_by_order_[order]) {
    writeSpecimen(message_.specimens[index], ++set_id);
  }
}

void SegmentWriter::writeObservation(std::uint32_t index, int set_id, bool with_notes) {
  const canonical::Observation& obs = message_.observations[index];
  const std::string what = "observation " + ordinal(index) + "'s ";
  const std::string type = obs.value_type.empty() ? inferredType(obs.value) : obs.value_type;
  SegmentFields obx = begin("OBX");
  obx.set(1, obs.set_id.empty() ? std::to_string(set_id) : types_.text(obs.set_id));
  obx.set(2, types_.text(type));
  obx.set(3, types_.codeableConcept(obs.code));
  obx.set(4, types_.text(obs.sub_id));
  obx.set(5, observationValue(obs, type, what));
  obx.set(6, types_.coding(obs.units));
  obx.set(7, types_.text(rangeText(obs.reference_range)));
  std::vector<std::string> flags;
  for (const canonical::Interpretation& i : obs.interpretations) {
    if (!i.v2.empty()) {
      flags.push_back(types_.text(i.v2));
    } else if (const auto row = terminology::toV2("0078", i.fhir.code)) {
      flags.push_back(std::string(row->v2_code));
    } else {
      flags.push_back(types_.text(i.fhir.code));  // a local flag: kept rather than dropped
    }
  }
  obx.set(8, joinRepetitions(flags));
  obx.set(11, types_.text(statusCode("0085", obs.status)));
  obx.set(14, types_.dateTime(obs.observation_time, 14, what + "observation time"));
  obx.set(16, types_.practitioner(*obs.performer));
  obx.set(17, types_.codeableConcept(*obs.method));
  obx.set(19, types_.dateTime(obs.analysis_time, 19, what + "analysis time"));
  obx.set(23, types_.organization(*obs.performing_organization));
  obx.set(24, types_.address(obs.performing_organization->address));
  obx.set(25, types_.practitioner(*obs.medical_director));
  end(obx);
  if (with_notes) writeNotes(notes_by_observation_[index]);
}

std::string SegmentWriter::observationValue(const canonical::Observation& obs,
                                            std::string_view type, const std::string& what) {
  const canonical::ObservationValue& v = obs.value;
  const EncodingCharacters& enc = types_.encoding();
  if (type == "NM") {
    // The decimal text as the source wrote it ("8.10"), so no digit changes on the way.
    return types_.text(!v.decimal.empty() || !v.number ? v.decimal : formatNumber(*v.number));
  }
  if (type == "CWE" || type == "CE" || type == "CNE" || type == "CF") {
    return types_.codeableConcept(*v.coded);
  }
  if (type == "SN") {
    const canonical::StructuredNumeric& sn = *v.structured_numeric;
    return joinPieces({types_.text(sn.comparator), types_.text(sn.num1), types_.text(sn.separator),
                       types_.text(sn.num2)},
                      enc.component);
  }
  if (type == "DT" || type == "DTM" || type == "TS") {
    return types_.dateTime(*v.date_time, 5, what + "value");
  }
  if (type == "FT") return types_.text(*v.text);  // line feeds become \.br\, FT's line break
  if (isPlainTextType(type)) return lines(*v.text, enc);
  return lines(*v.text, enc.repetition,
               [&enc](std::string_view line) { return compositeLine(line, enc); });
}

void SegmentWriter::writeNotes(const std::vector<std::uint32_t>& notes) {
  int set_id = 0;
  for (std::uint32_t index : notes) {
    const canonical::Note& note = message_.notes[index];
    SegmentFields nte = begin("NTE");
    nte.set(1, std::to_string(++set_id));
    nte.set(2, types_.text(note.source));
    nte.set(3, lines(note.text, types_.encoding()));
    nte.set(4, types_.coding(note.comment_type));
    end(nte);
  }
}

void SegmentWriter::writePatientNotes() { writeNotes(patient_notes_); }

void SegmentWriter::writeUnattachedSpecimens() {
  int set_id = 0;
  for (std::uint32_t index : unattached_specimens_) {
    writeSpecimen(message_.specimens[index], ++set_id);
  }
}

void SegmentWriter::writeSpecimen(const canonical::Specimen& s, int set_id) {
  SegmentFields spm = begin("SPM");
  spm.set(1, std::to_string(set_id));
  // SPM-2 is EIP: the identifier goes in the placer part, its EI components as subcomponents.
  spm.set(2, types_.entityIdentifier(s.identifier, types_.encoding().subcomponent));
  spm.set(4, types_.codeableConcept(s.type));
  spm.set(8, types_.codeableConcept(s.source_site));
  // SPM-17 is DR: start ^ end, the end only when there is one.
  const std::string start = types_.dateTime(s.collection_time, 17, "the specimen's collection time");
  const std::string end_time =
      types_.dateTime(s.collection_end_time, 17, "the specimen's collection end time");
  spm.set(17, joinPieces({start, end_time}, types_.encoding().component));
  spm.set(18, types_.dateTime(s.received_time, 18, "the specimen's received time"));
  end(spm);
}

}  // namespace ferry::hl7v2
