#pragma once
// Drives one input (a stream of HL7 v2 bytes) through the whole HL7 v2 path the CLI and the
// engine take, and checks properties at each step rather than only that nothing crashed:
// - the splitter in memory hands out views of the input at their offsets, and the splitter
//   over an istream in tiny chunks hands out exactly the same items;
// - a splitter that parses each message as it splits it (next(item, into, parsed)) gives the
//   same items, and for each message what Message::parse gives for its bytes;
// - an error has a sentence and an offset within its input;
// - a parsed message holds its input with line ends as \r, and every element read by path or
//   by the Pieces/component/subcomponent readers agrees with its parent's bytes;
// - normalizing into a reused result gives the same canonical JSON, errors and warnings as
//   into a fresh one;
// - the canonical JSON is valid JSON, and reads back into JSON of the same bytes;
// - the FHIR Bundle is valid JSON; the HL7 v2 written from the canonical model parses;
// - every ACK parses, with MSA-1 the code and MSA-2 the message's MSH-10.
// Problems are collected as sentences; the caller reports them with the input that caused them.

#include <rapidjson/document.h>

#include <sstream>
#include <string>
#include <vector>

#include "engine/canonical/json_reader.h"
#include "engine/canonical/json_writer.h"
#include "parsers/fhir/writer.h"
#include "parsers/hl7v2/ack_builder.h"
#include "parsers/hl7v2/canonical_writer.h"
#include "parsers/hl7v2/message.h"
#include "parsers/hl7v2/normalizer.h"
#include "parsers/hl7v2/splitter.h"

namespace ferry::hl7v2::mutation {

struct SplitRecord {
  SplitItem::Kind kind;
  std::string bytes;
  std::uint64_t offset;
  std::size_t number;
  std::string error;  // describe() of the error, empty for a message or an envelope

  bool operator==(const SplitRecord&) const = default;
};

// What one check covered, summed over a run so a test can tell that the mutants reached the
// deep steps and not only the first byte checks.
struct Coverage {
  std::size_t inputs = 0;
  std::size_t messages = 0;      // split items parsed
  std::size_t parsed = 0;        // of which parsed
  std::size_t normalized = 0;    // of which normalized without errors
  std::size_t written_v2 = 0;    // of which written back as HL7 v2 from the canonical model
};

class Checker {
 public:
  // Problems found by the last check(), one sentence each.
  const std::vector<std::string>& problems() const { return problems_; }
  const Coverage& coverage() const { return coverage_; }

  void check(const std::string& input, const Limits& limits, std::size_t chunk) {
    problems_.clear();
    ++coverage_.inputs;
    Splitter in_memory{std::string_view(input), limits};
    const std::vector<SplitRecord> items = split(in_memory, input, /*in_memory=*/true);
    std::istringstream stream(input);
    Splitter streamed(stream, limits, chunk);
    const std::vector<SplitRecord> streamed_items = split(streamed, input, /*in_memory=*/false);
    if (streamed_items != items) {
      problem("the splitter over an istream in chunks of " + std::to_string(chunk) + " gave " +
              std::to_string(streamed_items.size()) + " items (" + describe(streamed_items) +
              ") where in memory it gave " + std::to_string(items.size()) + " (" + describe(items) + ")");
    }
    checkSplitAndParse(input, limits, chunk, items);
    for (const SplitRecord& item : items) {
      if (item.kind == SplitItem::Kind::Message) checkMessage(item.bytes, limits);
    }
  }

 private:
  void problem(std::string sentence) { problems_.push_back(std::move(sentence)); }

  static std::string describe(const std::vector<SplitRecord>& items) {
    std::string out;
    for (const SplitRecord& r : items) {
      if (!out.empty()) out += ", ";
      out += r.kind == SplitItem::Kind::Message ? "message" : r.kind == SplitItem::Kind::Envelope ? "envelope" : "error";
      out += "@" + std::to_string(r.offset) + "+" + std::to_string(r.bytes.size());
      if (!r.error.empty()) out += " '" + r.error + "'";
    }
    return out;
  }

  std::vector<SplitRecord> split(Splitter& splitter, const std::string& input, bool in_memory) {
    std::vector<SplitRecord> out;
    SplitItem item;
    // Every item consumes at least one byte, but for a count error after its envelope and the
    // two "truncated" errors at the end.
    const std::size_t bound = 2 * input.size() + 8;
    for (std::size_t n = 0; n <= bound; ++n) {
      if (!splitter.next(item)) return out;
      SplitRecord r{item.kind, std::string(item.bytes), item.offset, item.number, ""};
      if (item.kind == SplitItem::Kind::Error) {
        if (!item.error) {
          problem("the splitter gave an error item without an error");
        } else {
          r.error = item.error->describe();
          checkError(*item.error, input.size(), "splitter");
        }
      } else if (item.offset > input.size() || item.bytes.size() > input.size() - item.offset) {
        problem("the splitter gave an item at " + std::to_string(item.offset) + "+" +
                std::to_string(item.bytes.size()) + " beyond the input of " + std::to_string(input.size()));
      } else if (input.compare(item.offset, item.bytes.size(), item.bytes) != 0) {
        problem("the splitter's item at " + std::to_string(item.offset) + " is not the input's bytes there");
      } else if (in_memory && !item.bytes.empty() && item.bytes.data() != input.data() + item.offset) {
        problem("the in-memory splitter copied an item instead of handing out a view");
      }
      out.push_back(std::move(r));
    }
    problem("the splitter did not end within " + std::to_string(bound) + " items");
    return out;
  }

  // Splitter::next(item, into, parsed), in memory and over an istream in chunks, against the
  // items of next(item) and Message::parse of each message's bytes.
  void checkSplitAndParse(const std::string& input, const Limits& limits, std::size_t chunk,
                          const std::vector<SplitRecord>& items) {
    Splitter in_memory{std::string_view(input), limits};
    std::istringstream stream(input);
    Splitter streamed(stream, limits, chunk);
    for (Splitter* splitter : {&in_memory, &streamed}) {
      const std::string how = splitter == &in_memory ? "in memory" : "over an istream";
      Message into;
      Result<bool> parsed = true;
      SplitItem item;
      std::size_t n = 0;
      for (; n <= items.size() && splitter->next(item, into, parsed); ++n) {
        const SplitRecord r{item.kind, std::string(item.bytes), item.offset, item.number,
                            item.error ? item.error->describe() : ""};
        if (n == items.size() || !(r == items[n])) break;
        if (item.kind != SplitItem::Kind::Message) continue;
        const auto alone = Message::parse(item.bytes, alone_message_, limits);
        const std::string expected = alone ? indexOf(alone_message_) : alone.error().describe();
        const std::string got = parsed ? indexOf(into) : parsed.error().describe();
        if (got != expected) {
          problem("the splitter parsing as it splits (" + how + ") gave '" + got + "' for item " +
                  std::to_string(n) + " where Message::parse gave '" + expected + "'");
        }
      }
      if (n != items.size()) {
        problem("the splitter parsing as it splits (" + how + ") gave other items than next(item)");
      }
    }
  }

  // A parsed message's bytes and index as text: each segment's place, and each field's.
  static std::string indexOf(const Message& message) {
    const std::string& bytes = message.bytes();
    std::string out = bytes;
    const auto at = [&bytes](std::string_view part) {
      return std::to_string(part.data() - bytes.data()) + "+" + std::to_string(part.size());
    };
    for (std::size_t i = 0; i < message.segmentCount(); ++i) {
      const Segment segment = message.segment(i);
      out += " [" + at(segment.raw()) + (segment.needsDecoding() ? " decode" : "");
      for (int f = 1; f <= segment.fieldCount(); ++f) out += " " + at(segment.field(f).raw());
      out += "]";
    }
    return out;
  }

  void checkError(const Error& e, std::size_t size, const char* step) {
    if (e.text.empty()) problem(std::string(step) + " gave an error without a sentence");
    if (e.offset > size) {
      problem(std::string(step) + " gave an error at byte " + std::to_string(e.offset) +
              " of an input of " + std::to_string(size) + ": " + e.describe());
    }
  }

  static std::string withCarriageReturns(std::string_view bytes) {
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      if (bytes[i] == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') continue;
      out += bytes[i] == '\n' ? '\r' : bytes[i];
    }
    return out;
  }

  void checkMessage(const std::string& bytes, const Limits& limits) {
    ++coverage_.messages;
    const auto fresh = Message::parse(bytes, limits);
    const auto into = Message::parse(bytes, reused_message_, limits);
    if (fresh.ok() != into.ok()) {
      problem("Message::parse into a reused message disagrees with a fresh parse on success");
      return;
    }
    if (!fresh) {
      checkError(fresh.error(), bytes.size(), "Message::parse");
      if (fresh.error().describe() != into.error().describe()) {
        problem("Message::parse into a reused message gave '" + into.error().describe() +
                "' where a fresh parse gave '" + fresh.error().describe() + "'");
      }
      checkReject(bytes, fresh.error());
      return;
    }
    ++coverage_.parsed;
    const Message& message = *fresh;
    if (message.bytes() != withCarriageReturns(bytes)) {
      problem("the parsed message does not hold its input with line ends as \\r");
    }
    if (reused_message_.bytes() != message.bytes() ||
        reused_message_.segmentCount() != message.segmentCount()) {
      problem("a message parsed into a reused message differs from a fresh parse");
    }
    checkElements(message);
    checkPaths(message);
    checkEdit(message);
    checkNormalized(message);
  }

  // Message::set escapes a value with every delimiter and line end in it, and reads back as
  // the same value, whether the segment and the field are there or are created.
  void checkEdit(const Message& message) {
    static const std::string kValue = "Doe^Jr|x&y~z\\w\nnext\rline";
    for (const Path& path : {Path{"PID", 1, 5, 1, 1, 0}, Path{"OBX", 2, 5, 2, 0, 0}, Path{"ZZZ", 1, 3, 1, 2, 2}}) {
      Message edited = message;
      const auto set = edited.set(path, kValue);
      if (!set) {
        if (set.error().text.empty()) problem("Message::set gave an error without a sentence");
        continue;
      }
      if (edited.at(path).text() != kValue) {
        problem("the value set at " + path.toString() + " reads back as '" + edited.at(path).text() + "'");
      }
    }
  }

  // Raw bytes of every element lie in the message and rejoin into their parent's bytes, and
  // the three ways to split a composite agree (component()/subcomponent(), Pieces, the first
  // repetition's components of a field).
  void checkElements(const Message& message) {
    const std::string& buffer = message.bytes();
    const EncodingCharacters& enc = message.encoding();
    const auto inside = [&](const Element& e) {
      return !e.present() || e.raw().empty() ||
             (e.raw().data() >= buffer.data() && e.raw().data() + e.raw().size() <= buffer.data() + buffer.size());
    };
    std::string scratch;
    for (std::size_t i = 0; i < message.segmentCount(); ++i) {
      const Segment segment = message.segment(i);
      std::string rejoined(segment.id());
      const int fields = segment.fieldCount();
      for (int f = 1; f <= fields + 1; ++f) {
        const Element field = segment.field(f);
        if (f > fields) {
          if (field.present()) problem("field " + std::to_string(f) + " beyond the last is present");
          break;
        }
        if (!inside(field)) problem("a field's bytes lie outside its message");
        // In MSH the separator itself is MSH-1, and MSH-2 follows it with none between.
        if (!segment.isHeader() || f > 2) rejoined += enc.field;
        rejoined += field.raw();
        if (f > 40 || field.level() == Element::Level::Literal) continue;
        if (field.textView(scratch) != field.text()) problem("textView() and text() of a field differ");
        checkField(field, inside);
      }
      if (rejoined != segment.raw()) {
        problem("the fields of segment " + std::to_string(i + 1) + " do not rejoin into its bytes");
      }
    }
  }

  template <class Inside>
  void checkField(const Element& field, const Inside& inside) {
    const EncodingCharacters& enc = *field.encoding();
    const int repetitions = field.repetitionCount();
    std::string rejoined;
    for (int r = 1; r <= std::min(repetitions, 12) + 1; ++r) {
      const Element rep = field.repetition(r);
      if (r > repetitions) {
        if (rep.present() && !(repetitions == 0 && r == 1)) problem("a repetition beyond the last is present");
        break;
      }
      if (!inside(rep)) problem("a repetition's bytes lie outside its message");
      if (r > 1) rejoined += enc.repetition;
      rejoined += rep.raw();
      checkComposite(rep, r == 1 ? &field : nullptr, inside);
    }
    if (repetitions <= 12 && rejoined != field.raw()) problem("the repetitions of a field do not rejoin into it");
  }

  // rep's components against Pieces(rep), and against field.component(c) for the first one.
  template <class Inside>
  void checkComposite(const Element& rep, const Element* field, const Inside& inside) {
    const EncodingCharacters& enc = *rep.encoding();
    const int components = rep.componentCount();
    const Pieces pieces(rep);
    const Pieces field_pieces(field != nullptr ? *field : rep);
    std::string rejoined;
    for (int c = 1; c <= std::min(components, 30) + 1; ++c) {
      const Element component = rep.component(c);
      if (component.present() != (c <= components)) problem("component " + std::to_string(c) + " presence disagrees with componentCount()");
      const Element piece = pieces[c];
      if (piece.present() != component.present() || piece.raw() != component.raw()) {
        problem("Pieces and component() disagree on component " + std::to_string(c));
      }
      if (field != nullptr) {
        const Element direct = field->component(c);
        const Element split = field_pieces[c];
        if (direct.present() != component.present() || direct.raw() != component.raw() ||
            split.present() != component.present() || split.raw() != component.raw()) {
          problem("a field's component " + std::to_string(c) + " differs from its first repetition's");
        }
      }
      if (c > components) break;
      if (!inside(component)) problem("a component's bytes lie outside its message");
      if (c > 1) rejoined += enc.component;
      rejoined += component.raw();
      checkSubcomponents(component);
    }
    if (components <= 30 && rejoined != rep.raw()) problem("the components of a repetition do not rejoin into it");
  }

  void checkSubcomponents(const Element& component) {
    const int count = component.subcomponentCount();
    const Pieces pieces(component);
    std::string rejoined;
    std::string scratch;
    for (int s = 1; s <= std::min(count, 10) + 1; ++s) {
      const Element sub = component.subcomponent(s);
      const Element piece = pieces[s];
      if (sub.present() != (s <= count) || piece.present() != sub.present() || piece.raw() != sub.raw()) {
        problem("Pieces and subcomponent() disagree on subcomponent " + std::to_string(s));
      }
      if (s > count) break;
      if (s > 1) rejoined += component.encoding()->subcomponent;
      rejoined += sub.raw();
      if (sub.textView(scratch) != sub.text()) problem("textView() and text() of a subcomponent differ");
    }
    if (count <= 10 && rejoined != component.raw()) problem("the subcomponents of a component do not rejoin into it");
  }

  // Message::get and at() for paths every message has, paths out of range, and bad paths.
  void checkPaths(const Message& message) {
    static const char* const kPaths[] = {
        "MSH-1", "MSH-2", "MSH-2.1", "MSH-3", "MSH-7", "MSH-9.1", "MSH-9.2", "MSH-9.3", "MSH-10",
        "MSH-12", "MSH-18", "MSH-99", "PID-3", "PID-3[2].1", "PID-3[99].1.1", "PID-5.1.1",
        "PID-5[2].2", "PID-11.1", "OBX-5", "OBX[2]-5", "OBX[999]-5", "OBX-5.1.1", "OBR-4.3",
        "NTE-3", "ZZZ-1", "PID", "PID-0", "PID--1", "", "PID-99999999999", "PID-3[0]",
        "PID-3.0.1", "MSH[2]-10", "PID-3[2147483647]", "PID-3.2147483647.1"};
    for (const char* path : kPaths) {
      const std::string value = message.get(path);
      const auto parsed = Path::parse(path);
      if (!parsed) {
        if (!value.empty()) problem(std::string("the malformed path ") + path + " read a value");
        if (parsed.error().text.empty()) problem(std::string("Path::parse gave no sentence for ") + path);
        continue;
      }
      if (message.at(*parsed).text() != value) problem(std::string("at() and get() differ for ") + path);
    }
    if (message.controlId() != message.get("MSH-10")) problem("controlId() differs from MSH-10");
  }

  static std::string describeAll(const std::vector<Error>& errors) {
    std::string out;
    for (const Error& e : errors) out += e.describe() + "; ";
    return out;
  }

  void checkNormalized(const Message& message) {
    const Normalized fresh = normalize(message);
    normalize(message, reused_);
    for (const auto* list : {&fresh.errors, &fresh.warnings}) {
      for (const Error& e : *list) checkError(e, message.bytes().size(), "normalize");
    }
    const std::string json = canonical::toJson(fresh.message);
    const std::string_view reused_json = json_writer_.write(reused_.message);
    if (reused_json != json) {
      problem("normalizing into a reused result gave other canonical JSON than into a fresh one:\n  fresh:  " +
              json + "\n  reused: " + std::string(reused_json));
    }
    if (describeAll(fresh.errors) != describeAll(reused_.errors) ||
        describeAll(fresh.warnings) != describeAll(reused_.warnings)) {
      problem("normalizing into a reused result gave other errors or warnings than into a fresh one");
    }
    if (fresh.ok()) ++coverage_.normalized;
    checkJson(json, "canonical JSON");
    const canonical::JsonReadResult read = canonical::fromJson(json);
    if (!read) {
      problem("the canonical JSON reader refused the writer's JSON: " + read.error + "\n  " + json);
    } else if (const std::string again = canonical::toJson(*read.message); again != json) {
      problem("canonical JSON read back and written again differs:\n  first:  " + json + "\n  second: " + again);
    }
    checkJson(fhir::writeBundle(fresh.message, fhir::BundleType::Transaction), "FHIR Bundle");
    checkWrittenV2(fresh.message);
    checkAcks(message, fresh.errors);
  }

  // Valid JSON, UTF-8 included (RFC 8259 requires it). A number out of the range of a double
  // ("1e999" of an NM value the FHIR writer keeps as written) is valid JSON that RapidJSON
  // refuses, so that one error is let pass.
  void checkJson(const std::string& json, const char* what) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
    if (doc.GetParseError() == rapidjson::kParseErrorNumberTooBig) return;
    if (doc.HasParseError() || !doc.IsObject()) {
      problem(std::string(what) + " is not a valid JSON object (RapidJSON error " +
              std::to_string(static_cast<int>(doc.GetParseError())) + " at byte " +
              std::to_string(doc.GetErrorOffset()) + "): " + json.substr(0, 2000));
    }
  }

  // As `ferry convert --to hl7v2` writes a message read from another format.
  void checkWrittenV2(const canonical::Message& message) {
    WriteOptions options;
    const auto& h = message.header;
    const bool v2_type = h.message_type == "ORU" || (h.message_type == "ADT" && (h.trigger_event == "A01" || h.trigger_event == "A08"));
    if (!v2_type) {
      options.message_type = message.observations.empty() ? "ADT" : "ORU";
      options.trigger_event = message.observations.empty() ? "A08" : "R01";
    }
    options.control_id = "MUT-1";
    options.message_datetime = "2026-11-20T08:30:15Z";
    const auto written = writeV2(message, options);
    if (!written) {
      if (written.error().text.empty()) problem("writeV2 gave an error without a sentence");
      return;
    }
    ++coverage_.written_v2;
    const auto reparsed = Message::parse(*written);
    if (!reparsed) problem("the HL7 v2 written from the canonical model does not parse: " + reparsed.error().describe());
  }

  void checkAcks(const Message& message, const std::vector<Error>& errors) {
    static constexpr AcknowledgmentCode kCodes[] = {AcknowledgmentCode::AA, AcknowledgmentCode::AE,
                                                    AcknowledgmentCode::AR, AcknowledgmentCode::CA,
                                                    AcknowledgmentCode::CE, AcknowledgmentCode::CR};
    const AcknowledgmentCode code = kCodes[coverage_.parsed % 6];
    AckOptions options;
    options.control_id = "ACK-1";
    options.timestamp = "20261120083015+0000";
    options.text = coverage_.parsed % 2 == 0 ? "" : "checked ^ by | Ferry";
    const std::string ack = buildAck(message, code, errors, options);
    const auto parsed = Message::parse(ack);
    if (!parsed) {
      problem("the ACK does not parse: " + parsed.error().describe() + ": " + ack);
      return;
    }
    const Segment msa = parsed->segment(parsed->findSegment("MSA"));
    // MSH-10 as sent, as the ACK builder copies it: the whole field, a repetition separator the
    // sender put there included, so that the sender finds its control id.
    const std::string_view control_id = message.segment(message.findSegment("MSH")).field(10).raw();
    if (msa.field(1).raw() != toString(code) || msa.field(2).raw() != control_id) {
      problem("the ACK's MSA is '" + std::string(msa.raw()) + "', expected MSA-1 " + std::string(toString(code)) +
              " and MSA-2 the message's MSH-10 '" + std::string(control_id) + "'");
    }
    if (parsed->countSegments("ERR") != static_cast<int>(errors.size())) problem("the ACK does not carry one ERR a problem");
  }

  void checkReject(const std::string& bytes, const Error& error) {
    for (const bool enhanced : {false, true}) {
      AckOptions options;
      options.control_id = "ACK-2";
      options.timestamp = "20261120083015+0000";
      const std::string ack = buildRejectForUnparseable(bytes, error, options, enhanced);
      const auto parsed = Message::parse(ack);
      if (!parsed) {
        problem("the reject ACK does not parse: " + ack);
        continue;
      }
      if (parsed->get("MSA-1") != (enhanced ? "CR" : "AR")) problem("the reject ACK's MSA-1 is " + parsed->get("MSA-1"));
    }
  }

  std::vector<std::string> problems_;
  Coverage coverage_;
  // Reused across every input, as a stream reader reuses them: a value left from an earlier
  // message must never show in a later one.
  Message reused_message_;
  Message alone_message_;  // checkSplitAndParse()'s parse of each message's bytes alone
  Normalized reused_;
  canonical::JsonWriter json_writer_;
};

}  // namespace ferry::hl7v2::mutation
