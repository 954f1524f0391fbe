#pragma once
// Structure-aware mutations of a JSON document, for the FHIR robustness tests.
//
// The seed is cut into tokens once (strings, numbers, literals, punctuation), and values and
// object members are found from them; each mutation then damages the document where a FHIR reader
// is most likely to go wrong: a bracket, quote, colon or comma dropped or doubled, the text cut
// at a token boundary, a value of another JSON kind, nesting past any depth limit, numbers JSON
// cannot hold, long strings, invalid UTF-8 and \u escapes, duplicated members, unknown elements,
// other resource types, empty arrays, malformed references and dates of every precision. The
// lexer only needs to be good enough to find places: mutants are meant to be broken.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::fhir::test {

class JsonMutator {
 public:
  explicit JsonMutator(std::string seed) : seed_(std::move(seed)) {
    lex();
    findValues();
  }

  const std::string& seed() const { return seed_; }
  // Offsets where a token begins or ends, in order: the places to cut the document.
  std::vector<std::size_t> tokenBoundaries() const {
    std::vector<std::size_t> out;
    for (const Token& t : tokens_) {
      out.push_back(t.begin);
      out.push_back(t.end);
    }
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // One random mutant; kind receives the mutation's name, for failure messages.
  std::string mutate(std::mt19937& random, std::string& kind) const {
    if (tokens_.empty() || values_.empty()) {
      kind = "byte";
      return byteDamage(random);
    }
    switch (random() % 14) {
      case 0: kind = "drop-structural"; return dropOrDoubleStructural(random, false);
      case 1: kind = "double-structural"; return dropOrDoubleStructural(random, true);
      case 2: kind = "truncate"; return seed_.substr(0, tokenBoundaries()[random() % tokenBoundaries().size()]);
      case 3: kind = "value-kind"; return replaceValue(random, anyValue(random), pick(random, kKinds));
      case 4: kind = "deep-nesting"; return replaceValue(random, anyValue(random), nested(random));
      case 5: kind = "string-content"; return replaceValue(random, stringValue(random), strangeString(random));
      case 6: kind = "duplicate-member"; return duplicateMember(random);
      case 7: kind = "unknown-element"; return unknownElement(random);
      case 8: kind = "resource-type"; return replaceKeyed(random, "resourceType", kResourceTypes);
      case 9: kind = "empty-array"; return replaceValue(random, anyValue(random), "[]");
      case 10: kind = "reference"; return replaceKeyed(random, "reference", kReferences);
      case 11: kind = "date"; return replaceDate(random);
      case 12: kind = "splice"; return replaceValue(random, anyValue(random), text(values_[random() % values_.size()]));
      default: kind = "byte"; return byteDamage(random);
    }
  }

 private:
  enum class Kind { Open, Close, Colon, Comma, String, Scalar, Other };
  struct Token {
    Kind kind;
    std::size_t begin;
    std::size_t end;
  };
  struct Value {
    std::size_t begin;
    std::size_t end;
    std::string key;  // the member name the value belongs to; empty in arrays
    bool string;
  };
  struct Member {
    std::size_t begin;  // the key's opening quote
    std::size_t end;    // one past the value
  };

  static constexpr const char* kKinds[] = {
      "\"text\"", "42", "-0", "1e999", "-1E-400", "123456789012345678901234567890.5", "0.000000000000000000001",
      "true", "false", "null", "{}", "[]", "{\"x\":1}", "[1,\"a\",null]", "\"\""};
  static constexpr const char* kResourceTypes[] = {
      "Patient", "Observation", "Bundle", "OperationOutcome", "Claim", "ClaimResponse", "Coverage", "Encounter",
      "DiagnosticReport", "ServiceRequest", "Specimen", "Immunization", "Practitioner", "Organization", "Location",
      "RelatedPerson", "MessageHeader", "Basic", "Parameters", "NoSuchResource", "", "patient"};
  static constexpr const char* kReferences[] = {
      "", "#", "#missing", "Patient/", "/", "urn:uuid:", "urn:uuid:00000000-0000-0000-0000-000000000000",
      "Patient/../x", "Patient/1/_history/", "Patient/1/_history/2", "Patient?", "http://", "https://x/Patient/1",
      "a/b/c/d", "//////", "Observation/", "urn:uuid:a/_history/1", "#p1", "Patient/p1"};
  static constexpr const char* kDates[] = {
      "2026", "2026-11", "2026-11-19", "2026-11-19T14:22", "2026-11-19T14:22:05", "2026-11-19T14:22:05Z",
      "2026-11-19T14:22:05.123+01:00", "2026-11-19T14:22:05.123456789-14:00", "2026-13-01", "2026-02-30",
      "2026-11-19T25:00:00Z", "0000", "99999-01-01", "2026-1-1", "", "T", "2026-11-19T", "2026-11-19T14:22:60Z",
      "2026-11-19T14:22:05+25:00", "20261119", "2026-11-19 14:22", "2026-11-19T14:22:05.Z", "-2026", "2026-00"};

  template <std::size_t N>
  static std::string pick(std::mt19937& random, const char* const (&options)[N]) {
    return options[random() % N];
  }
  template <std::size_t N>
  static std::string pickQuoted(std::mt19937& random, const char* const (&options)[N]) {
    return "\"" + pick(random, options) + "\"";
  }

  void lex() {
    const std::size_t n = seed_.size();
    for (std::size_t i = 0; i < n;) {
      const char c = seed_[i];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++i;
      } else if (c == '{' || c == '[') {
        tokens_.push_back({Kind::Open, i, i + 1}), ++i;
      } else if (c == '}' || c == ']') {
        tokens_.push_back({Kind::Close, i, i + 1}), ++i;
      } else if (c == ':' || c == ',') {
        tokens_.push_back({c == ':' ? Kind::Colon : Kind::Comma, i, i + 1}), ++i;
      } else if (c == '"') {
        std::size_t j = i + 1;
        while (j < n && seed_[j] != '"') j += seed_[j] == '\\' ? 2 : 1;
        if (j >= n) return;  // an unterminated string ends the tokens
        tokens_.push_back({Kind::String, i, j + 1});
        i = j + 1;
      } else if (c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) {
        std::size_t j = i + 1;
        while (j < n && std::string_view("0123456789.eE+-abcdefghijklmnopqrstuvwxyz").find(seed_[j]) !=
                            std::string_view::npos) {
          ++j;
        }
        tokens_.push_back({Kind::Scalar, i, j});
        i = j;
      } else {
        tokens_.push_back({Kind::Other, i, i + 1}), ++i;
      }
    }
  }

  void findValues() {
    std::vector<std::size_t> open;  // token indexes of unclosed brackets
    std::vector<std::string> keyOfOpen;
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
      const Token& t = tokens_[i];
      const bool isKey = t.kind == Kind::String && i + 1 < tokens_.size() && tokens_[i + 1].kind == Kind::Colon;
      std::string key;
      if (i >= 2 && tokens_[i - 1].kind == Kind::Colon && tokens_[i - 2].kind == Kind::String) {
        const Token& k = tokens_[i - 2];
        key = seed_.substr(k.begin + 1, k.end - k.begin - 2);
      }
      if (t.kind == Kind::Open) {
        open.push_back(i);
        keyOfOpen.push_back(key);
      } else if (t.kind == Kind::Close && !open.empty()) {
        const Token& o = tokens_[open.back()];
        values_.push_back({o.begin, t.end, keyOfOpen.back(), false});
        if (open.back() >= 2 && tokens_[open.back() - 2].kind == Kind::String) {
          members_.push_back({tokens_[open.back() - 2].begin, t.end});
        }
        open.pop_back();
        keyOfOpen.pop_back();
      } else if ((t.kind == Kind::String && !isKey) || t.kind == Kind::Scalar) {
        values_.push_back({t.begin, t.end, key, t.kind == Kind::String});
        if (!key.empty()) members_.push_back({tokens_[i - 2].begin, t.end});
      }
    }
  }

  std::string text(const Value& v) const { return seed_.substr(v.begin, v.end - v.begin); }

  const Value& anyValue(std::mt19937& random) const {
    // The whole document is the last value closed; mutating it is rarely interesting.
    return values_[random() % values_.size()];
  }
  const Value& stringValue(std::mt19937& random) const {
    for (int attempt = 0; attempt < 50; ++attempt) {
      const Value& v = anyValue(random);
      if (v.string) return v;
    }
    return anyValue(random);
  }

  std::string replaceValue(std::mt19937&, const Value& v, const std::string& with) const {
    return seed_.substr(0, v.begin) + with + seed_.substr(v.end);
  }

  // A value of a member called key (every one when there are few), replaced by one of options.
  template <std::size_t N>
  std::string replaceKeyed(std::mt19937& random, std::string_view key, const char* const (&options)[N]) const {
    std::vector<const Value*> found;
    for (const Value& v : values_) {
      if (v.key == key) found.push_back(&v);
    }
    if (found.empty()) return replaceValue(random, stringValue(random), pickQuoted(random, options));
    return replaceValue(random, *found[random() % found.size()], pickQuoted(random, options));
  }

  std::string replaceDate(std::mt19937& random) const {
    std::vector<const Value*> dates;
    for (const Value& v : values_) {
      if (v.string && v.end - v.begin >= 6 && std::isdigit(static_cast<unsigned char>(seed_[v.begin + 1])) &&
          std::isdigit(static_cast<unsigned char>(seed_[v.begin + 4])) && seed_[v.begin + 5] == '-') {
        dates.push_back(&v);
      }
    }
    const Value& v = dates.empty() ? stringValue(random) : *dates[random() % dates.size()];
    return replaceValue(random, v, pickQuoted(random, kDates));
  }

  std::string dropOrDoubleStructural(std::mt19937& random, bool twice) const {
    for (int attempt = 0; attempt < 50; ++attempt) {
      const Token& t = tokens_[random() % tokens_.size()];
      if (t.kind == Kind::Scalar || t.kind == Kind::Other) continue;
      // For a string, one of its quotes.
      const std::size_t at = t.kind == Kind::String && random() % 2 == 0 ? t.end - 1 : t.begin;
      std::string out = seed_;
      if (twice) out.insert(at, 1, seed_[at]);
      else out.erase(at, 1);
      return out;
    }
    return byteDamage(random);
  }

  std::string nested(std::mt19937& random) const {
    static constexpr std::size_t kDepths[] = {2, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257, 1000, 20000};
    const std::size_t depth = kDepths[random() % std::size(kDepths)];
    const bool objects = random() % 2 == 0;
    std::string out;
    out.reserve(depth * 6 + 4);
    for (std::size_t i = 0; i < depth; ++i) out += objects ? "{\"a\":" : "[";
    out += "1";
    for (std::size_t i = 0; i < depth; ++i) out += objects ? "}" : "]";
    return out;
  }

  std::string strangeString(std::mt19937& random) const {
    static constexpr const char* kContents[] = {
        "\xC3\x28", "\xFF", "\xED\xA0\x80", "\xC0\xAF", "\xE2\x82", "\\uD800", "\\uDC00", "\\uD800\\u0041",
        "\\u0000", "a\\u0000b", "\\ud83d\\ude00", "\\x", "\\u12", "\x01", "\n", "\\\"", "\\/", "\\", "\xF4\x90\x80\x80",
        "\\uFFFF", "\\uDBFF\\uDFFF"};
    if (random() % 5 == 0) return "\"" + std::string(std::size_t{1} << (10 + random() % 8), 'x') + "\"";
    return "\"" + pick(random, kContents) + "\"";
  }

  std::string duplicateMember(std::mt19937& random) const {
    if (members_.empty()) return byteDamage(random);
    const Member& m = members_[random() % members_.size()];
    return seed_.substr(0, m.end) + "," + seed_.substr(m.begin, m.end - m.begin) + seed_.substr(m.end);
  }

  std::string unknownElement(std::mt19937& random) const {
    std::vector<std::size_t> objects;
    for (const Token& t : tokens_) {
      if (t.kind == Kind::Open && seed_[t.begin] == '{') objects.push_back(t.begin);
    }
    if (objects.empty()) return byteDamage(random);
    static constexpr const char* kMembers[] = {
        "\"ferryUnknown\":1,", "\"_status\":{\"extension\":[]},", "\"valueString\":\"x\",\"valueInteger\":2,",
        "\"resourceType\":\"Patient\",", "\"entry\":[1],", "\"contained\":[{}],", "\"\":\"\",",
        "\"extension\":[{\"url\":\"\"}],", "\"id\":\"a/b\","};
    std::string out = seed_;
    out.insert(objects[random() % objects.size()] + 1, pick(random, kMembers));
    return out;
  }

  std::string byteDamage(std::mt19937& random) const {
    std::string out = seed_;
    if (out.empty()) return "{";
    const std::size_t at = random() % out.size();
    switch (random() % 3) {
      case 0: out.erase(at, 1); break;
      case 1: out.insert(at, 1, static_cast<char>(random() % 256)); break;
      default: out[at] = static_cast<char>(random() % 256); break;
    }
    return out;
  }

  std::string seed_;
  std::vector<Token> tokens_;
  std::vector<Value> values_;
  std::vector<Member> members_;
};

}  // namespace ferry::fhir::test
