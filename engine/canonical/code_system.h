// The code system of a Coding (FHIR Coding.system; v2 CWE.3 / CWE.6).
//
// Every result of a lab feed repeats the same few URIs ("http://loinc.org",
// "http://unitsofmeasure.org", the v3-ObservationInterpretation system...). Each is longer than
// std::string's small buffer, so as a std::string every copy is a heap block of its own: a
// malloc and a free per coding when normalizing, and about a quarter of the memory a large FHIR
// Bundle takes once read. A CodeSystem holding one of the URIs Ferry's terminology knows
// (code_system.cpp) points at one shared constant instead; any other text (a local v2 coding
// system id such as "L" or "99LAB", an unknown URI) is kept in its own std::string. The list is
// fixed at compile time: text read from a feed is never added to it, so a hostile feed cannot
// make it grow.
//
// To its users it is a read-only string: it converts to std::string_view, gives its text as a
// const std::string& (str()), compares with text, and is assigned from text.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace ferry::canonical {

class CodeSystem {
 public:
  CodeSystem() = default;
  CodeSystem(std::string_view text) { assign(text); }  // NOLINT: implicit, like the std::string it replaced
  CodeSystem(const char* text) { assign(std::string_view(text)); }         // NOLINT
  CodeSystem(const std::string& text) { assign(std::string_view(text)); }  // NOLINT
  CodeSystem(std::string&& text) { assign(std::move(text)); }              // NOLINT

  CodeSystem& operator=(std::string_view text) { return assign(text); }
  CodeSystem& operator=(const char* text) { return assign(std::string_view(text)); }
  CodeSystem& operator=(const std::string& text) { return assign(std::string_view(text)); }
  CodeSystem& operator=(std::string&& text) { return assign(std::move(text)); }

  // Points at the shared constant when text is a well-known URI, else copies it.
  CodeSystem& assign(std::string_view text);
  // As assign(string_view), but keeps text's buffer when it is not well known.
  CodeSystem& assign(std::string&& text);
  void clear() {
    known_ = nullptr;
    own_.clear();
  }

  const std::string& str() const { return known_ != nullptr ? *known_ : own_; }
  operator std::string_view() const { return str(); }  // NOLINT: implicit by design
  bool empty() const { return str().empty(); }
  std::size_t size() const { return str().size(); }
  const char* data() const { return str().data(); }
  // True when the text is one of the shared well-known URIs (for tests and measurements).
  bool wellKnown() const { return known_ != nullptr; }

  friend bool operator==(const CodeSystem& a, const CodeSystem& b) { return a.str() == b.str(); }
  friend bool operator==(const CodeSystem& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const CodeSystem& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const CodeSystem& a, const char* b) { return a.str() == b; }

  friend std::ostream& operator<<(std::ostream& out, const CodeSystem& s) { return out << s.str(); }

 private:
  // The shared constant for a well-known URI; nullptr when the text is in own_.
  const std::string* known_ = nullptr;
  std::string own_;
};

// The shared constant equal to text, or nullptr when text is not a well-known URI.
const std::string* findWellKnownCodeSystem(std::string_view text);

}  // namespace ferry::canonical
