#include "parsers/fhir/bundle_stream.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "parsers/fhir/json_input.h"

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace ferry::fhir {
namespace {

using rapidjson::SizeType;

// Gives back to the system the pages that lie wholly in [from, to); returns where the next
// release should start (the first byte not given back).
char* releasePages(char* from, char* to) {
#if defined(__linux__)
  static const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto at = reinterpret_cast<std::uintptr_t>(from);
  const std::uintptr_t begin = (at + page - 1) & ~(page - 1);
  const std::uintptr_t end = reinterpret_cast<std::uintptr_t>(to) & ~(page - 1);
  if (end <= begin) return from;
  // Private anonymous memory (the heap) reads as zeros after MADV_DONTNEED, and the allocator
  // keeps nothing inside a block it handed out; nothing here reads these bytes again.
  madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED);
  return from + (end - at);
#else
  (void)to;
  return from;
#endif
}

// One SAX event, its text pointing into the in-situ buffer.
struct Event {
  enum Kind : std::uint8_t {
    Null,
    True,
    False,
    Number,
    String,
    Key,
    StartObject,
    EndObject,
    StartArray,
    EndArray
  };
  Kind kind;
  SizeType length;  // text length, or member/element count for End events
  const char* text;
};

// Replays recorded events into a DOM (GenericDocument::Populate calls it with the document).
struct Replay {
  const std::vector<Event>& events;

  template <typename Handler>
  bool operator()(Handler& h) const {
    for (const Event& e : events) {
      switch (e.kind) {
        case Event::Null:
          h.Null();
          break;
        case Event::True:
          h.Bool(true);
          break;
        case Event::False:
          h.Bool(false);
          break;
        case Event::Number:
          h.RawNumber(e.text, e.length, false);
          break;
        case Event::String:
          h.String(e.text, e.length, false);
          break;
        case Event::Key:
          h.Key(e.text, e.length, false);
          break;
        case Event::StartObject:
          h.StartObject();
          break;
        case Event::EndObject:
          h.EndObject(e.length);
          break;
        case Event::StartArray:
          h.StartArray();
          break;
        case Event::EndArray:
          h.EndArray(e.length);
          break;
      }
    }
    return true;
  }
};

// Records the events of the shell and of one entry at a time; depth 1 is inside the top-level
// object, depth 2 inside the "entry" array.
class Splitter : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Splitter> {
 public:
  // stream, when given, is the stream being parsed: the pages of delivered entries behind its
  // position are released.
  Splitter(const BundleStream::EntryHandler& onEntry, const BundleStream::BadEntryHandler& onBadEntry,
           rapidjson::InsituStringStream* stream)
      : on_entry_(onEntry), on_bad_entry_(onBadEntry), stream_(stream) {}

  bool Null() { return scalar({Event::Null, 0, nullptr}); }
  bool Bool(bool b) { return scalar({b ? Event::True : Event::False, 0, nullptr}); }
  bool RawNumber(const char* s, SizeType n, bool) {
    // Some RapidJSON builds point an in-situ number at the character after it.
    if (n > 0 && *s != '-' && (*s < '0' || *s > '9')) s -= n;
    return scalar({Event::Number, n, s});
  }
  bool String(const char* s, SizeType n, bool) { return goodText(s, n) && scalar({Event::String, n, s}); }
  bool Key(const char* s, SizeType n, bool) {
    if (!goodText(s, n)) return false;
    if (depth_ == 1) entry_key_ = std::string_view(s, n) == "entry";
    target().push_back({Event::Key, n, s});
    return true;
  }
  bool StartObject() { return open(Event::StartObject); }
  bool EndObject(SizeType members) { return close({Event::EndObject, members, nullptr}); }
  bool StartArray() {
    if (depth_ == 1 && entry_key_) {
      in_entries_ = true;
      if (stream_ != nullptr) released_ = stream_->src_;  // the shell's values lie before
      shell_.push_back({Event::StartArray, 0, nullptr});
      ++depth_;
      return true;
    }
    return open(Event::StartArray);
  }
  bool EndArray(SizeType elements) {
    if (in_entries_ && depth_ == 2) {
      in_entries_ = false;
      entry_key_ = false;
      --depth_;
      shell_.push_back({Event::EndArray, 0, nullptr});  // the shell keeps an empty entry array
      return true;
    }
    return close({Event::EndArray, elements, nullptr});
  }

  const std::vector<Event>& shell() const { return shell_; }
  bool tooDeep() const { return too_deep_; }
  bool loneSurrogate() const { return lone_surrogate_; }

 private:
  enum class Mode { Shell, Entry, Discard };

  std::vector<Event>& target() {
    switch (mode_) {
      case Mode::Entry:
        return entry_;
      case Mode::Discard:
        return discard_;
      case Mode::Shell:
        break;
    }
    return shell_;
  }

  bool goodText(const char* s, SizeType n) {
    lone_surrogate_ = hasEncodedSurrogate(s, n);
    return !lone_surrogate_;
  }

  bool open(Event::Kind kind) {
    if (depth_ == 0 && kind != Event::StartObject) return false;  // a FHIR resource is an object
    if (depth_ >= kMaxJsonDepth) {
      too_deep_ = true;  // stops the parser before it recurses further
      return false;
    }
    if (in_entries_ && depth_ == 2) {
      mode_ = kind == Event::StartObject ? Mode::Entry : Mode::Discard;
      entry_.clear();
      discard_.clear();
    }
    target().push_back({kind, 0, nullptr});
    ++depth_;
    return true;
  }

  bool close(Event e) {
    --depth_;
    target().push_back(e);
    if (in_entries_ && depth_ == 2) {
      if (mode_ == Mode::Entry) {
        deliverEntry();
      } else {
        on_bad_entry_(next_index_++);
      }
      mode_ = Mode::Shell;
    }
    return true;
  }

  bool scalar(Event e) {
    if (depth_ == 0) return false;  // a FHIR resource is an object
    if (in_entries_ && depth_ == 2) {
      on_bad_entry_(next_index_++);  // an entry that is not an object
      return true;
    }
    if (depth_ == 1) entry_key_ = false;
    target().push_back(e);
    return true;
  }

  void deliverEntry() {
    // One buffer serves every entry's DOM: no allocation per entry unless one is very large.
    rapidjson::MemoryPoolAllocator<> allocator(pool_.data(), pool_.size());
    rapidjson::Document doc(&allocator);
    Replay replay{entry_};
    doc.Populate(replay);
    on_entry_(next_index_++, doc);
    if (entry_.capacity() > (1u << 16)) {
      std::vector<Event>().swap(entry_);  // do not keep one huge entry's events around
    }
    // The stream stands just past this entry; strings still to come are decoded in place at
    // or after it. A megabyte at a time keeps the system calls few.
    if (stream_ != nullptr && stream_->src_ - released_ >= kReleaseStep) {
      released_ = releasePages(released_, stream_->src_);
    }
  }

  static constexpr std::ptrdiff_t kReleaseStep = 1 << 20;

  const BundleStream::EntryHandler& on_entry_;
  const BundleStream::BadEntryHandler& on_bad_entry_;
  std::vector<Event> shell_;
  std::vector<Event> entry_;
  std::vector<Event> discard_;
  std::vector<char> pool_ = std::vector<char>(64 * 1024);
  rapidjson::InsituStringStream* stream_;
  char* released_ = nullptr;  // start of the entry bytes not yet given back
  Mode mode_ = Mode::Shell;
  int depth_ = 0;
  bool entry_key_ = false;
  bool in_entries_ = false;
  bool too_deep_ = false;
  bool lone_surrogate_ = false;
  std::size_t next_index_ = 0;
};

}  // namespace

BundleStream::Outcome BundleStream::parse(char* buffer, rapidjson::Document& shell,
                                          const EntryHandler& onEntry, const BadEntryHandler& onBadEntry) {
  Outcome outcome;
  rapidjson::Reader reader;
  rapidjson::InsituStringStream stream(buffer);
  Splitter splitter(onEntry, onBadEntry, pages_ == Pages::ReleaseConsumed ? &stream : nullptr);
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag |
                              rapidjson::kParseValidateEncodingFlag;
  const rapidjson::ParseResult result = reader.Parse<kFlags>(stream, splitter);
  if (result.IsError()) {
    outcome.ok = false;
    outcome.error_offset = result.Offset();
    if (splitter.tooDeep()) {
      outcome.error_offset -= 1;  // RapidJSON stands just past the bracket that went too deep
      outcome.error = "malformed JSON: arrays and objects nest deeper than " + std::to_string(kMaxJsonDepth) +
                      " levels; a FHIR resource needs far fewer";
    } else if (splitter.loneSurrogate()) {
      outcome.error = "malformed JSON: the string before this offset has a \\u escape of a lone surrogate "
                      "(U+D800 to U+DFFF); expected a high surrogate followed by a low one";
    } else if (result.Code() == rapidjson::kParseErrorTermination) {
      outcome.error = "a FHIR resource must be a JSON object";
    } else {
      outcome.error = std::string("malformed JSON: ") + rapidjson::GetParseError_En(result.Code());
    }
    return outcome;
  }
  Replay replay{splitter.shell()};
  shell.Populate(replay);
  return outcome;
}

}  // namespace ferry::fhir
