#pragma once
// Structure-aware mutation of HL7 v2 streams for the robustness tests: the seeds are real
// messages (the shared samples, the repository's samples and a few hand-built ones), and each
// mutation changes them the way a broken or hostile sender would, at the places a parser looks
// (delimiters, MSH-1/MSH-2, segment boundaries, escapes, dates, numbers, batch and MLLP
// envelopes, the whole delimiter set swapped for other legal characters), so that most mutants
// still get deep into the normalizer instead of stopping at the first byte. Everything is driven by one std::mt19937, so a round is reproduced by its seed.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/mutation_rounds.h"
#include "tests/support/files.h"

namespace ferry::hl7v2::mutation {

// Rounds of a randomized test: the default keeps the sanitizer suite within its time budget;
// FERRY_MUTATION_ROUNDS=N (N mutants a seed) runs a longer soak by hand, e.g.
//   FERRY_MUTATION_ROUNDS=2000 build/test/tests/hl7v2_tests --gtest_filter='MutationRobustness.*'
inline int roundsFromEnvironment(int default_rounds) {
  return ::ferry::test::mutationRounds(default_rounds);
}

struct Seed {
  std::string name;
  std::string bytes;
};

// Messages written for the mutations to start from: what the samples do not show (escapes of
// every kind, repetitions, subcomponents, CRLF and LF line ends, a batch, MLLP frames, a fifth
// (truncation) encoding character, other delimiters, Latin-1 text). Fictitious patients only.
inline std::vector<Seed> handBuiltSeeds() {
  const std::string oru =
      "MSH|^~\\&|LAB|NORTH^1.2.3^ISO|RES|CITY|20261120083015-0500||ORU^R01^ORU_R01|CTRL-1|P|2.5.1|||AL|NE\r"
      "PID|1||MRN1^^^CITY^MR~111-22-3333^^^USSSA^SS||Doe\\S\\Jr&Van&Dyke^Jane^Q^III^Dr^^L~Roe^J||19720314|F|||"
      "1 Elm St\\.br\\Apt 2^^Springfield^IL^62701^USA^H||^PRN^PH^^1^217^5550123~^NET^Internet^jane@example.org\r"
      "PV1|1|O|LAB^^^CITY||||123^Rivera^Marco^^^Dr^^^NPI\r"
      "ORC|RE|ORD-1^HOSP|LAB-1^NORTH||CM\r"
      "OBR|1|ORD-1^HOSP|LAB-1^NORTH|GLU^Glucose^L|||20261120071500-0500\r"
      "OBX|1|NM|GLU^Glucose^L^2345-7^Glucose^LN||182|mg/dL^mg/dL^UCUM|70-99|H|||F|||20261120071500\r"
      "OBX|2|SN|K^Potassium^L||<^5.5|mmol/L|>=3.5|N|||F\r"
      "OBX|3|SN|TITER^Titer^L||^1^:^128||<=1:64||||F\r"
      "OBX|4|ST|COMM^Comment^L||a \\F\\ b \\S\\ c \\T\\ d \\R\\ e \\E\\ f \\X0D0A\\ g \\H\\bold\\N\\~line two||||||F\r"
      "OBX|5|CWE|94500-6^SARS-CoV-2^LN||260373001^Detected^SCT^DET^Detected^L^^^Detected text||||||F\r"
      "OBX|6|DTM|TIME^Time^L||20261120083015.1234+0100||||||F\r"
      "OBX|7|TX|NOTE^Note^L||\\Cxxyy\\ \\M2442\\ \\.sp2\\ \\Xzz\\||||||F\r"
      "NTE|1|L|Fasting \\T\\ verified\r"
      "SPM|1|SP-1^NORTH||119297000^Blood^SCT|||||||||||||20261120071500-0500\r";
  std::string crlf = oru;
  for (std::size_t at = crlf.find('\r'); at != std::string::npos; at = crlf.find('\r', at + 2)) {
    crlf.insert(at + 1, "\n");
  }
  const std::string adt_lf =
      "MSH|^~\\&|ADT|CITY|FERRY|FERRY|202611251430||ADT^A01|ADT-1|P|2.3||||||8859/1\n"
      "EVN|A01|202611251425\n"
      "PID|1||MRN2^^^CITY^MR||M\xFCller^Ren\xE9||19660415|M|||21 Spruce^^Springfield^IL^62702\n"
      "PV1|1|I|3E^310^A||||22^Okafor^Ngozi|||MED||||1|||||IN||SELF\n"
      "DG1|1||J18.9^Pneumonia^I10||20261125|A\n"
      "IN1|1|PPO|INS001^^^^NIIP|Acme Health|PO Box 1^^Hartford^CT^06101|||GRP-1||||20260101|20261231\n"
      "ZPI|1|custom^value~two\n";
  // The same sender without MSH-18: the Latin-1 bytes are not UTF-8 as the default says.
  std::string undeclared = adt_lf;
  undeclared.erase(undeclared.find("||||||8859/1"), 12);
  const std::string truncation =
      "MSH|^~\\&#|SYS|FAC|FERRY|FERRY|20261120||ADT^A08^ADT_A01|TR-1|P|2.7|||||||UNICODE UTF-8\r"
      "EVN|A08|20261120\r"
      "PID|1||MRN3^^^CITY^MR||Caf\xC3\xA9#^Zo\xC3\xAB \\P\\ x||20190605|F\r"
      "PV1|1|O\r";
  const std::string other_delimiters =
      "MSH*:!/$*VAX*CLINIC*IIS*DOH*20261118101500-0500**VXU:V04:VXU_V04*VX-7*P*2.5.1\r"
      "PID*1**PAT7:::CLINIC:MR**Fictional:Casey!Other:C**20190605*F\r"
      "ORC*RE**VAX-1:CLINIC\r"
      "RXA*0*1*20261118100000-0500**141:Influenza/Fseasonal/:CVX*0.5*mL:mL:UCUM\r";
  const std::string batch =
      "FHS|^~\\&|NORTH|NORTH|ELR|DOH|20261121000000\r"
      "BHS|^~\\&|NORTH|NORTH|ELR|DOH|20261121000000\r"
      "MSH|^~\\&|NORTH|NORTH|ELR|DOH|20261121000100||ORU^R01^ORU_R01|B-1|P|2.5.1\r"
      "PID|1||MRN4^^^NORTH^MR||Example^Dana||19900101|F\r"
      "OBR|1||L-1^NORTH|94500-6^SARS^LN|||20261120\r"
      "OBX|1|CWE|94500-6^SARS^LN||260373001^Detected^SCT||||||F\r"
      "MSH|^~\\&|NORTH|NORTH|ELR|DOH|20261121000101||ACK^R01|B-2|P|2.4\r"
      "MSA|AA|B-1\r"
      "BTS|2\r"
      "FTS|1\r";
  const std::string mllp = "\x0B" + oru + "\x1C\r" + "\x0B" + truncation + "\x1C\r";
  return {{"hand:oru-escapes", oru},         {"hand:oru-crlf", crlf},
          {"hand:adt-lf-latin1", adt_lf},    {"hand:adt-latin1-undeclared", undeclared},
          {"hand:truncation-char", truncation},
          {"hand:other-delimiters", other_delimiters}, {"hand:batch", batch},
          {"hand:mllp-frames", mllp}};
}

// Every file of the shared samples (../shared/samples/hl7v2 beside the repository, when it is
// there) and of the repository's samples/hl7v2, once each by content, then the hand-built ones.
inline std::vector<Seed> loadSeeds() {
  std::vector<Seed> seeds;
  const std::string source = FERRY_SOURCE_DIR;
  for (const std::string& path : ferry::test::filesIn({source + "/../shared/samples/hl7v2", source + "/samples/hl7v2"})) {
    std::string bytes = ferry::test::readFile(path);
    const bool seen = std::any_of(seeds.begin(), seeds.end(), [&](const Seed& s) { return s.bytes == bytes; });
    if (!seen) seeds.push_back({std::filesystem::path(path).filename().string(), std::move(bytes)});
  }
  for (Seed& s : handBuiltSeeds()) seeds.push_back(std::move(s));
  return seeds;
}

// Values a field is replaced with: dates of every length and bad offsets, numbers a reader
// may choke on, SN values with odd comparators, nulls, escapes and message types.
inline const std::vector<std::string>& interestingValues() {
  static const std::vector<std::string> values = {
      // dates
      "2026", "202611", "20261120", "2026112008", "202611200830", "20261120083015",
      "20261120083015.1", "20261120083015.1234", "20261120083015.12345", "20261120083015-0500",
      "20261120083015+1459", "20261120083015+1500", "20261120083015-0560", "20261120+0500",
      "2026-0500", "20261120083015-05", "20261120083015-05000", "20261120083015+", "2026112",
      "20261", "20260230", "20240229", "20230229", "20261320", "20261100", "20261120240000",
      "20261120236000", "20261120235960", "00000101", "99991231235959.9999-1459",
      "2026112008301.5", "20261120083015.", "2026-11-20", "2026-11-20T08:30:15Z",
      "\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x96", "20261120083015^YYYY", "-0500",
      // numbers
      "1e999", "-1e999", "1e-999", "-", ".", "+", "-.", "..", "1.2.3", "0x1F", "inf", "-inf",
      "nan", "NaN", "infinity", "  42  ", "+5", "-0", "0.0000000000000000001",
      "123456789012345678901234567890", "9999999999999999", "999999999999999", "18446744073709551616",
      "1.7976931348623157e308", "4.9e-324", "1,5", "5.", ".5", "1e", "1e+", "--5", "+-5", "1 2",
      // SN
      "<^5", ">=^10", "<>^5", "^1^:^2", "^1^-^", "=^3", "!=^4", "<<^1", "^^/^", "^1e999^-^nan",
      "<=^^^", ">^-^+^.", "^10^:", "<^abc", "^^^^^^", "<", "^1^:^2^extra^more",
      // nulls, empties, delimiters and escapes as whole values
      "", "\"\"", "\"", "\"\"\"\"", " ", "^", "~", "&", "^~&", "~~~", "&&&", "^^^^", "\\",
      "\\E\\", "\\F\\\\S\\", "\"\"^\"\"", "\"\"~\"\"",
      // codes and identifiers
      "LN", "SCT", "UCUM", "HL70078", "99ZZZ", "NPI", "ISO", "L", "A&B&C", "MR^^^&1.2.3&ISO^MR",
  };
  return values;
}

inline const std::vector<std::string>& messageTypes() {
  static const std::vector<std::string> values = {
      "ORU^R01", "ORU^R01^ORU_R01", "ADT^A01", "ADT^A08", "ADT^A03", "ADT^A31", "ORM^O01",
      "OML^O21", "VXU^V04", "ACK", "ACK^R01", "ADT^Z99", "ZZZ^Z01", "ORU", "^R01", "ADT^",
      "ADT^A01^ADT_A01~ORU^R01", "ORU&X^R01", "OR\\F\\U^R01", "oru^r01", "", "\"\"", "MDM^T02"};
  return values;
}

inline const std::vector<std::string>& versions() {
  static const std::vector<std::string> values = {
      "2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.1",
      "2.8.2", "2.9", "3.0", "2", "2.", ".5", "2.5.1.1", "99999999999999999999", "2.5^HL7",
      "2.5.1~2.4", "", "v2.5", "2..5", "2.5&x", "2.a", "-2.5"};
  return values;
}

inline const std::vector<std::string>& characterSets() {
  static const std::vector<std::string> values = {
      "", "ASCII", "8859/1", "UNICODE UTF-8", "UTF-8", "8859/15", "UNICODE", "ISO IR87", "ascii",
      "8859/1~UNICODE UTF-8", "8859/1^x", "\"\""};
  return values;
}

inline const std::vector<std::string>& escapeSequences() {
  static const std::vector<std::string> values = {
      "\\F\\", "\\S\\", "\\T\\", "\\R\\", "\\E\\", "\\P\\", "\\.br\\", "\\X0D0A\\", "\\X0\\",
      "\\XZZ\\", "\\X\\", "\\XC3A9\\", "\\X00\\", "\\XFFFE\\", "\\C2842\\", "\\M2442\\", "\\H\\",
      "\\N\\", "\\.sp2\\", "\\.ce\\", "\\", "\\F", "\\\\", "\\Xfffffff\\", "\\Z99\\", "\\E",
      "\\.br", "\\X1C\\", "\\X0B\\"};
  return values;
}

// Byte runs a line may carry by accident or malice: control bytes of MLLP, NUL, Latin-1 and
// invalid UTF-8 (lone lead bytes, overlong forms, surrogates), a byte order mark.
inline const std::vector<std::string>& oddBytes() {
  static const std::vector<std::string> values = {
      std::string(1, '\0'), "\x0B", "\x1C", "\x1C\r", "\x0B" "MSH", "\x80", "\xFF", "\xC3",
      "\xE2\x82", "\xF0\x9F\x98", "\xED\xA0\x80", "\xC0\xAF", "\xFF\xFE", "\xEF\xBB\xBF",
      "\xC3\xA9", "\xF4\x90\x80\x80", "\t", " ", "\x7F", "\r\r", "\n\n", "\r\n\r\n"};
  return values;
}

class Mutator {
 public:
  explicit Mutator(std::uint32_t seed) : rng_(seed) {}

  std::uint32_t below(std::size_t n) {
    return n == 0 ? 0 : static_cast<std::uint32_t>(rng_() % n);
  }
  template <class T>
  const T& pick(const std::vector<T>& values) {
    return values[below(values.size())];
  }

  // One to four mutations of bytes.
  std::string mutate(std::string bytes) {
    const std::uint32_t count = 1 + below(4);
    for (std::uint32_t i = 0; i < count; ++i) mutateOnce(bytes);
    return bytes;
  }

 private:
  struct Span {
    std::size_t begin;
    std::size_t end;
  };

  // The field separator of the first header, '|' when there is none.
  static char fieldSeparator(const std::string& bytes) {
    const std::size_t msh = bytes.find("MSH");
    return msh != std::string::npos && msh + 3 < bytes.size() ? bytes[msh + 3] : '|';
  }

  static std::vector<Span> lines(const std::string& bytes) {
    std::vector<Span> out;
    std::size_t begin = 0;
    for (std::size_t i = 0; i <= bytes.size(); ++i) {
      if (i == bytes.size() || bytes[i] == '\r' || bytes[i] == '\n') {
        if (i > begin) out.push_back({begin, i});
        begin = i + 1;
      }
    }
    return out;
  }

  // Where field n (1-based piece after the id) of a line is, adding separators when the line
  // has fewer.
  static Span field(std::string& bytes, Span line, int n, char fs) {
    std::size_t at = line.begin;
    for (int k = 0; k < n; ++k) {
      const std::size_t next = bytes.find(fs, at);
      if (next == std::string::npos || next >= line.end) {
        const std::size_t missing = static_cast<std::size_t>(n - k);
        bytes.insert(line.end, missing, fs);
        line.end += missing;
        at = line.end;
        // The missing separators were put at the end: field n starts after the last of them.
        return {at, at};
      }
      at = next + 1;
    }
    std::size_t end = bytes.find(fs, at);
    if (end == std::string::npos || end > line.end) end = line.end;
    return {at, end};
  }

  void replaceField(std::string& bytes, std::string_view id, int n, const std::string& value) {
    const char fs = fieldSeparator(bytes);
    for (const Span line : lines(bytes)) {
      if (bytes.compare(line.begin, 3, id) != 0) continue;
      // For MSH the separator itself is MSH-1, so MSH-n is piece n-1.
      const Span f = field(bytes, line, id == "MSH" ? n - 1 : n, fs);
      bytes.replace(f.begin, f.end - f.begin, value);
      return;
    }
  }

  // A position of a delimiter (of the default set or the message's own), or npos.
  std::size_t delimiterPosition(const std::string& bytes) {
    static constexpr std::string_view kDelimiters = "|^~\\&\r\n";
    std::vector<std::size_t> at;
    const char fs = fieldSeparator(bytes);
    for (std::size_t i = 0; i < bytes.size() && at.size() < 4096; ++i) {
      if (kDelimiters.find(bytes[i]) != std::string_view::npos || bytes[i] == fs) at.push_back(i);
    }
    return at.empty() ? std::string::npos : pick(at);
  }

  std::size_t anyPosition(const std::string& bytes) { return below(bytes.size() + 1); }

  void mutateOnce(std::string& bytes) {
    static const std::vector<char> kDelimiters = {'|', '^', '~', '\\', '&', '\r', '\n', '#'};
    switch (below(21)) {
      case 0: {  // delete a delimiter
        const std::size_t at = delimiterPosition(bytes);
        if (at != std::string::npos) bytes.erase(at, 1);
        break;
      }
      case 1: {  // duplicate one, or put another in its place
        const std::size_t at = delimiterPosition(bytes);
        if (at == std::string::npos) break;
        if (below(2) == 0) {
          bytes.insert(at, 1, bytes[at]);
        } else {
          bytes[at] = pick(kDelimiters);
        }
        break;
      }
      case 2:  // insert a delimiter anywhere
        bytes.insert(anyPosition(bytes), 1, pick(kDelimiters));
        break;
      case 3:
        mutateEncodingCharacters(bytes);
        break;
      case 4: {  // truncate at a boundary (a delimiter, or just before or after one) or anywhere
        std::size_t at = delimiterPosition(bytes);
        if (at == std::string::npos || below(4) == 0) at = anyPosition(bytes);
        at = std::min(bytes.size(), at + below(3) - (at > 0 ? 1 : 0));
        bytes.resize(at);
        break;
      }
      case 5:
        mutateSegments(bytes);
        break;
      case 6:
        bytes.insert(anyPosition(bytes), pick(escapeSequences()));
        break;
      case 7:
        bytes.insert(anyPosition(bytes), pick(oddBytes()));
        break;
      case 8:
      case 9: {  // a field of a random segment becomes an interesting value
        const auto all = lines(bytes);
        if (all.empty()) break;
        const Span line = pick(all);
        const Span f = field(bytes, line, 1 + static_cast<int>(below(25)), fieldSeparator(bytes));
        bytes.replace(f.begin, f.end - f.begin, pick(interestingValues()));
        break;
      }
      case 10:
        mutateHeader(bytes);
        break;
      case 11:
        mutateObservation(bytes);
        break;
      case 12:
        insertLongValue(bytes);
        break;
      case 13:
        mutateLineEnds(bytes);
        break;
      case 14:
        mutateEnvelope(bytes);
        break;
      case 15: {  // a date field of the usual segments gets another date
        static const std::vector<std::pair<std::string, int>> kDates = {
            {"MSH", 7}, {"PID", 7}, {"PID", 29}, {"EVN", 2}, {"OBR", 7}, {"OBR", 22},
            {"OBX", 14}, {"OBX", 19}, {"SPM", 17}, {"RXA", 3}, {"PV1", 44}, {"IN1", 12}, {"DG1", 5}};
        const auto& [id, n] = pick(kDates);
        replaceField(bytes, id, n, pick(interestingValues()));
        break;
      }
      case 16: {  // a byte flipped anywhere
        if (bytes.empty()) break;
        bytes[below(bytes.size())] = static_cast<char>(rng_());
        break;
      }
      case 17: {  // a copy of a slice of the input inserted elsewhere (segments, frames, batches)
        if (bytes.empty()) break;
        const std::size_t from = below(bytes.size());
        const std::size_t size = 1 + below(std::min<std::size_t>(bytes.size() - from, 400));
        bytes.insert(anyPosition(bytes), bytes.substr(from, size));
        break;
      }
      case 18: {  // the whole stream twice: a second message in a stream, or a repeated batch
        if (bytes.size() < 64 * 1024) bytes += bytes;
        break;
      }
      case 19:
        redelimit(bytes);
        break;
      default: {  // a component or repetition made empty, or "" (the HL7 null)
        const auto all = lines(bytes);
        if (all.empty()) break;
        const Span f = field(bytes, pick(all), 1 + static_cast<int>(below(20)), fieldSeparator(bytes));
        bytes.replace(f.begin, f.end - f.begin, below(2) == 0 ? "\"\"" : "");
        break;
      }
    }
  }

  // MSH-1 and MSH-2 changed: another character (a repeat of one of them, a digit, a letter, a
  // high byte, a control byte), one removed, a fifth added.
  void mutateEncodingCharacters(std::string& bytes) {
    std::vector<std::size_t> headers;
    for (std::size_t at = bytes.find("MSH"); at != std::string::npos; at = bytes.find("MSH", at + 3)) {
      headers.push_back(at);
    }
    for (const char* id : {"FHS", "BHS"}) {
      if (const std::size_t at = bytes.find(id); at != std::string::npos) headers.push_back(at);
    }
    if (headers.empty()) return;
    const std::size_t h = pick(headers);
    if (h + 8 > bytes.size()) return;
    const std::size_t k = h + 3 + below(5);  // MSH-1 or one of the four MSH-2 characters
    static const std::vector<char> kOdd = {'|', '^', '~', '\\', '&', '#', '5', 'A', ' ', '"',
                                           '\x80', '\xFF', '\t', '\0', '\r', '\x0B', '*', ':'};
    switch (below(5)) {
      case 0: bytes[k] = pick(kOdd); break;
      case 1: bytes[k] = bytes[h + 3 + below(5)]; break;  // the same character twice
      case 2: bytes.erase(k, 1); break;
      case 3: bytes.insert(h + 8, 1, below(2) == 0 ? '#' : pick(kOdd)); break;  // a fifth
      default: bytes.insert(k, 1, pick(kOdd)); break;
    }
  }

  // Every delimiter of the standard set replaced by another one, consistently (MSH-1 and MSH-2
  // included), so the message stays well formed in delimiters HL7 allows but few senders use:
  // punctuation, a space, bytes above 0x7F, and with a fifth (truncation) character.
  void redelimit(std::string& bytes) {
    static const std::vector<char> kPool = {'*', ':', '!', '/', '$', '#', '.', ' ', '"', '@', '%',
                                            '\x80', '\xA7', '\xFF', '|', '^', '~', '\\', '&', '+'};
    std::vector<char> chosen;
    for (int guard = 0; chosen.size() < 5 && guard < 100; ++guard) {
      const char c = pick(kPool);
      if (std::find(chosen.begin(), chosen.end(), c) == chosen.end()) chosen.push_back(c);
    }
    if (chosen.size() < 5) return;
    static constexpr std::string_view kStandard = "|^~\\&";
    for (char& c : bytes) {
      const std::size_t k = kStandard.find(c);
      if (k != std::string_view::npos) c = chosen[k];
    }
  }

  void mutateSegments(std::string& bytes) {
    const auto all = lines(bytes);
    if (all.empty()) return;
    const Span s = pick(all);
    const std::string segment = bytes.substr(s.begin, s.end - s.begin) + "\r";
    switch (below(4)) {
      case 0: bytes.erase(s.begin, std::min(bytes.size(), s.end + 1) - s.begin); break;
      case 1: bytes.insert(s.begin, segment); break;
      case 2: bytes.insert(pick(all).begin, segment); break;  // a copy somewhere else
      default:  // the segment id changed
        bytes.replace(s.begin, std::min<std::size_t>(3, s.end - s.begin),
                      pick(std::vector<std::string>{"MSH", "BHS", "FHS", "BTS", "FTS", "ZZ1", "pid",
                                                    "OB", "OBXX", "MS", "", "NTE", "OBX", "PID"}));
        break;
    }
  }

  void mutateHeader(std::string& bytes) {
    switch (below(7)) {
      case 0: replaceField(bytes, "MSH", 9, pick(messageTypes())); break;
      case 1: replaceField(bytes, "MSH", 12, pick(versions())); break;
      case 2: replaceField(bytes, "MSH", 18, pick(characterSets())); break;
      case 3: replaceField(bytes, "MSH", 10, pick(std::vector<std::string>{
                  "", "\"\"", "C^1", "C~2", "C\\F\\3", "C&4", std::string(300, 'C'), "\xC3\xA9"})); break;
      case 4: replaceField(bytes, "MSH", 11, pick(std::vector<std::string>{"P", "D", "T", "X", "", "P^T", "p"})); break;
      case 5: replaceField(bytes, "MSH", 15 + static_cast<int>(below(2)),
                           pick(std::vector<std::string>{"AL", "NE", "ER", "SU", "", "\"\""})); break;
      default: replaceField(bytes, "MSH", 7, pick(interestingValues())); break;
    }
  }

  // OBX-2 and OBX-5 as a pair, so a number or an SN meets the reader of its type.
  void mutateObservation(std::string& bytes) {
    static const std::vector<std::string> kTypes = {"NM", "SN", "CWE", "CE", "CNE", "CF", "DT", "DTM",
                                                    "TS", "ST", "TX", "FT", "ED", "XX", ""};
    replaceField(bytes, "OBX", 2, pick(kTypes));
    replaceField(bytes, "OBX", 5, pick(interestingValues()));
    if (below(3) == 0) replaceField(bytes, "OBX", 7, pick(interestingValues()));
  }

  // A long value (near a power of two, or many delimiters) in a random field.
  void insertLongValue(std::string& bytes) {
    static const std::vector<std::size_t> kSizes = {15, 16, 17, 23, 24, 25, 31, 32, 33, 255, 256, 1000, 4097};
    static const std::vector<std::string> kUnits = {"A", "7", "^", "~", "&", "|", "\\F\\", "^A", "~A^B&C", "\xC3\xA9"};
    const auto all = lines(bytes);
    if (all.empty()) return;
    const std::string& unit = pick(kUnits);
    std::string value;
    const std::size_t size = pick(kSizes);
    while (value.size() < size) value += unit;
    const Span f = field(bytes, pick(all), 1 + static_cast<int>(below(20)), fieldSeparator(bytes));
    bytes.replace(f.begin, f.end - f.begin, value);
  }

  void mutateLineEnds(std::string& bytes) {
    const char from = below(2) == 0 ? '\r' : '\n';
    const std::string to = pick(std::vector<std::string>{"\n", "\r\n", "\r", "\n\r", "\r\r", "\r \r", ""});
    std::string out;
    const bool all = below(2) == 0;
    for (char c : bytes) {
      if (c == from && (all || below(4) == 0)) {
        out += to;
      } else {
        out += c;
      }
    }
    bytes = std::move(out);
  }

  // MLLP frames and batch envelopes added, broken or miscounted.
  void mutateEnvelope(std::string& bytes) {
    switch (below(6)) {
      case 0: bytes = "\x0B" + bytes + "\x1C\r"; break;
      case 1: bytes = "\x0B" + bytes; break;  // no end block
      case 2: bytes += "\x1C\r\x0B"; break;
      case 3: {
        const std::string n = pick(std::vector<std::string>{"1", "2", "0", "", "x", "99999999999999999999", "-1"});
        bytes = "BHS|^~\\&|A|B\r" + bytes + "BTS|" + n + "\r";
        break;
      }
      case 4:
        bytes = "FHS|^~\\&|A|B\rBHS|^~\\&|A|B\r" + bytes + (below(2) == 0 ? "BTS|1\r" : "") +
                (below(2) == 0 ? "FTS|1\r" : "FTS|3\r");
        break;
      default: bytes = pick(std::vector<std::string>{"\xEF\xBB\xBF", "\r\n\r\n", "  \t", "BTS|1\r", "FTS\r"}) + bytes; break;
    }
  }

  std::mt19937 rng_;
};

}  // namespace ferry::hl7v2::mutation
