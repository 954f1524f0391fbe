// Mapping::apply: runs a compiled Program on one message. Filters first (the first that
// rejects drops the message), then transforms in file order, then routes. Every evaluation's
// state is on this stack frame; the Program is only read.

#include <algorithm>
#include <array>
#include <exception>
#include <memory>
#include <memory_resource>

#include "engine/canonical/code_system.h"
#include "engine/canonical/date_time.h"
#include "mappings/evaluator.h"
#include "mappings/list_removal.h"
#include "mappings/mapping.h"
#include "mappings/program.h"
#include "mappings/shortcuts.h"

namespace ferry::mappings {

namespace {

Outcome errored(const std::string& rule, std::string text) {
  Outcome o;
  o.kind = Outcome::Kind::Errored;
  o.rule = rule;
  o.reason = std::move(text);
  return o;
}

class Runner {
 public:
  Runner(const Program& program, canonical::Message& message, const Source& source,
         const Environment& env)
      : program_(program), message_(message), cache_(source, program.namespaces) {
    state_.root = &message;
    state_.current = &message;
    state_.source = &cache_;
    state_.env = &env;
    state_.arena = &arena_;
  }

  Outcome run() {
    Outcome outcome;
    for (const FilterRule& f : program_.filters) {
      current_rule_ = &f.name;
      const bool true_for_message = condition(*f.condition);
      if (state_.failed()) return errored(f.name, state_.error);
      if (true_for_message != f.accept) {
        outcome.kind = Outcome::Kind::Dropped;
        outcome.rule = f.name;
        outcome.reason = f.reason;
        return outcome;
      }
    }
    for (const TransformRule& t : program_.transforms) {
      current_rule_ = &t.name;
      transform(t, outcome);
      if (state_.failed()) return errored(t.name, state_.error);
    }
    route(outcome);
    return outcome;
  }

  const std::string& currentRule() const {
    static const std::string kNone;
    return current_rule_ != nullptr ? *current_rule_ : kNone;
  }

 private:
  bool condition(const Expr& e) {
    state_.current = state_.root;
    const bool yes = holds(e, state_);
    arena_.release();  // nothing of a finished rule is needed any more
    return yes;
  }

  void transform(const TransformRule& t, Outcome& outcome) {
    if (!t.for_each) {
      state_.current = state_.root;
      runActions(t, outcome);
      arena_.release();
      return;
    }
    // The common for_each over one list of the message ("observations[*]") walks it in place.
    // Actions inside for_each write only inside their element, so the list does not change.
    const CanonicalPath& each = *t.for_each;
    if (each.steps.size() == 1) {
      const FieldInfo& f = *each.last().field;  // a StructList, not [n] (checked by the loader)
      void* list = static_cast<char*>(state_.root) + f.offset;
      const std::size_t n = f.list.size(list);
      for (std::size_t i = 0; i < n && !t.item_lookups.empty(); ++i) {
        prefetchLookups(t, f.list.at(list, i));
      }
      for (std::size_t i = 0; i < n && !state_.failed(); ++i) {
        state_.current = f.list.at(list, i);
        runActions(t, outcome);
      }
      state_.current = state_.root;
      arena_.release();
      return;
    }
    // Other paths are collected before any action runs; since actions write only inside their
    // element, the pointers stay valid.
    const Value list = readPath(each, state_.root, arena_);
    const Value* items = list.isSequence() ? list.items : &list;
    const std::size_t n = list.isSequence() ? list.count : (list.isNull() ? 0 : 1);
    for (std::size_t i = 0; i < n && !t.item_lookups.empty(); ++i) prefetchLookups(t, items[i].node);
    for (std::size_t i = 0; i < n && !state_.failed(); ++i) {
      state_.current = items[i].node;
      runActions(t, outcome);
    }
    state_.current = state_.root;
    arena_.release();
  }

  // Starts loading the table buckets the body's lookups will read for this item, so that with
  // a big table the cache misses of all items overlap instead of stalling each lookup in turn.
  // A hint only: it changes nothing the rules can see and allocates nothing.
  static void prefetchLookups(const TransformRule& t, void* item) {
    for (const Expr* e : t.item_lookups) prefetchLookup(*e, item);
  }

  void runActions(const TransformRule& t, Outcome& outcome) {
    if (t.when && !holds(*t.when, state_)) return;
    for (const Action& a : t.actions) {
      if (state_.failed()) return;
      switch (a.kind) {
        case Action::Kind::Set: set(a, outcome); break;
        case Action::Kind::Copy: copy(a, outcome); break;
        case Action::Kind::Remove: remove(a, outcome); break;
        case Action::Kind::Append: append(a); break;
        case Action::Kind::Keep: keep(a); break;
      }
    }
  }

  void* targetBase(const Target& target) const {
    return target.path.rooted ? state_.root : state_.current;
  }

  // The one text value an expression gives, safe to write into the message: text that may
  // point into the message is copied first, since the write may move it. `path` names the
  // value in the error (nullptr: "the value"); the sentence is built only on failure.
  bool oneText(const Value& value, const std::string* path, std::string_view& out) {
    const Value v = single(value);
    if (v.isSequence()) {
      state_.fail((path != nullptr ? "'" + *path + "'" : std::string("the value")) + " gives " +
                  std::to_string(v.count) + " values where one is expected");
      return false;
    }
    // Numbers and booleans become text in the arena or static storage, so only text needs
    // the copy.
    const bool may_move = v.kind == Value::Kind::String && !v.stable;
    out = may_move ? arena_.copy(v.text) : toText(v, arena_);
    return true;
  }

  // The one text an expression gives, as oneText; a text literal and a lookup that finds its
  // key (shortcuts.h) give their stable text without a Value.
  bool textOf(const Expr& e, const std::string* path, std::string_view& out) {
    if (e.kind == Expr::Kind::Literal && e.literal_kind == Value::Kind::String) {
      out = e.text;
      return true;
    }
    if (e.shape == Expr::Shape::TextLookup && lookupCell(e, probeKey(e, state_), out)) return true;
    const Value v = evaluate(e, state_);
    return !state_.failed() && oneText(v, path, out);
  }

  // Calls write(slot) for each slot the path designates (creating missing [n] elements when
  // create is true); stops at the first write that returns false.
  template <class Write>
  void forEachSlot(const CanonicalPath& path, void* base, bool create, Write&& write) {
    if (path.oneSlot()) {
      const Slot s = findSlot(path, base, create);
      if (s.field != nullptr) write(s);
      return;
    }
    std::pmr::vector<Slot> slots(arena_.resource());
    findSlots(path, base, create, slots);
    for (const Slot& s : slots) {
      if (!write(s)) return;
    }
  }

  // Writes text into a slot; false (and the rule failed) when the member refuses it.
  bool setText(const Slot& s, const CanonicalPath& path, std::string_view text) {
    const std::string problem = setSlotText(s, text);
    if (problem.empty()) return true;
    state_.fail("'" + path.text + "': " + problem);
    return false;
  }

  void writeText(const Action& a, std::string_view text, Outcome& outcome) {
    if (a.target.outgoing) {
      outcome.outgoing.push_back(OutgoingEdit{a.target.hl7_text, std::string(text), false});
      return;
    }
    forEachSlot(a.target.path, targetBase(a.target), true,
                [&](const Slot& s) { return setText(s, a.target.path, text); });
  }

  void set(const Action& a, Outcome& outcome) {
    std::string_view text;
    if (!textOf(*a.value, nullptr, text)) return;
    writeText(a, text, outcome);
  }

  void copy(const Action& a, Outcome& outcome) {
    void* from_base = a.from.rooted ? state_.root : state_.current;
    if (a.from.leafStruct() != nullptr) {
      // Find (and create) the target first: creating list elements may move the source.
      std::pmr::vector<Slot> slots(arena_.resource());
      findSlots(a.target.path, targetBase(a.target), true, slots);
      const Value source = readPath(a.from, from_base, arena_);
      for (const Slot& s : slots) {
        if (source.kind == Value::Kind::Node) {
          if (s.member != source.node) setSlotNode(s, source.node);
        } else {
          removeSlot(s);  // copying nothing empties the target
        }
      }
      return;
    }
    std::string_view text;
    if (!oneText(readPath(a.from, from_base, arena_), &a.from.text, text)) return;
    writeText(a, text, outcome);
  }

  void remove(const Action& a, Outcome& outcome) {
    if (a.target.outgoing) {
      outcome.outgoing.push_back(OutgoingEdit{a.target.hl7_text, {}, true});
      return;
    }
    std::pmr::vector<Slot> slots(arena_.resource());
    findSlots(a.target.path, targetBase(a.target), false, slots);
    // Erase from the back, so that [*] over elements of one list keeps indexes valid.
    for (auto it = slots.rbegin(); it != slots.rend(); ++it) {
      const FieldInfo& f = *it->field;
      if (f.kind != FieldKind::StructList && f.kind != FieldKind::StringList) {
        removeSlot(*it);
        continue;
      }
      // Elements of lists go through eraseListElements, which keeps the message's cross
      // references (Note::observation_index, ...) pointing at the right elements.
      const std::size_t n = listSize(*it);
      const bool one = it->select == PathStep::Select::Index;
      if (one && it->index >= n) continue;
      std::vector<bool> drop(n, !one);
      if (one) drop[it->index] = true;
      eraseListElements(*it, drop, message_);
    }
  }

  // Tests every element of the list(s) and removes those for which `where` is not true. All
  // elements of a list are tested before any is removed, so `where` sees the list as it was.
  void keep(const Action& a) {
    std::pmr::vector<Slot> slots(arena_.resource());
    findSlots(a.target.path, targetBase(a.target), false, slots);
    void* const element_of_rule = state_.current;
    for (const Slot& s : slots) {
      const std::size_t n = listSize(s);
      std::vector<bool> drop(n);
      for (std::size_t i = 0; i < n; ++i) {
        state_.current = listElement(s, i);
        drop[i] = !holds(*a.where, state_);
      }
      state_.current = element_of_rule;
      if (state_.failed()) return;  // a failed test leaves the list as it was
      eraseListElements(s, drop, message_);
    }
  }

  void append(const Action& a) {
    const FieldInfo& list = *a.target.path.last().field;
    if (list.kind == FieldKind::StringList) {
      const Value v = evaluate(*a.value, state_);
      if (state_.failed()) return;
      const Value* items = v.isSequence() ? v.items : &v;
      const std::size_t n = v.isSequence() ? v.count : 1;
      std::pmr::vector<std::string_view> texts(arena_.resource());
      for (std::size_t i = 0; i < n; ++i) {
        const std::string_view t = toText(items[i], arena_);
        if (!t.empty()) texts.push_back(arena_.copy(t));
      }
      std::pmr::vector<Slot> slots(arena_.resource());
      findSlots(a.target.path, targetBase(a.target), true, slots);
      for (const Slot& s : slots) {
        for (std::string_view t : texts) appendToSlot(s, t);
      }
      return;
    }
    // Evaluate every member before the list grows: values may point into it. Appends rarely
    // have more than a few members; their texts and probes fit on the stack.
    const std::size_t n = a.members.size();
    std::array<std::string_view, kStackMembers> stack_texts;
    std::array<KeyProbe, kStackMembers> stack_probes;
    const bool on_stack = n <= kStackMembers;
    std::string_view* texts = on_stack ? stack_texts.data() : arena_.allocateArray<std::string_view>(n);
    KeyProbe* probes = on_stack ? stack_probes.data() : arena_.allocateArray<KeyProbe>(n);
    for (std::size_t i = 0; i < n; ++i) {
      const Action::Member& m = a.members[i];
      if (m.value->shape == Expr::Shape::TextLookup) {
        probes[i] = m.same_key_as >= 0 ? probes[m.same_key_as] : probeKey(*m.value, state_);
        if (lookupCell(*m.value, probes[i], texts[i])) continue;
      }
      if (!textOf(*m.value, &m.path.text, texts[i])) return;  // also a lookup's miss
    }
    const auto fill = [&](char* element) {
      for (std::size_t i = 0; i < n; ++i) {
        if (texts[i].empty()) continue;  // an empty member stays empty
        const Action::Member& m = a.members[i];
        if (m.own_text != nullptr) {
          setOwnText(*m.own_text, element + m.own_text->offset, texts[i]);
        } else if (!setMember(element, m.path, texts[i])) {
          return false;
        }
      }
      return true;
    };
    if (a.target.path.oneSlot()) {
      fill(static_cast<char*>(appendElement(a.target.path, targetBase(a.target))));
      return;
    }
    forEachSlot(a.target.path, targetBase(a.target), true,
                [&](const Slot& s) { return fill(static_cast<char*>(appendToSlot(s, {}))); });
  }

  // Sets a text member of a new element in place. A Coding.system usually names a well-known
  // code system ('http://loinc.org'), which CodeSystem shares instead of copying.
  static void setOwnText(const FieldInfo& f, char* member, std::string_view text) {
    if (f.kind == FieldKind::CodeSystem) {
      reinterpret_cast<canonical::CodeSystem*>(member)->assign(text);
    } else if (f.kind == FieldKind::DateTime) {
      reinterpret_cast<canonical::DateTime*>(member)->assign(text);
    } else {
      setNewText(*reinterpret_cast<std::string*>(member), text);
    }
  }

  // Sets an empty text member of a new element: builds it again from the text, at exactly the
  // text's size. assign() would reserve twice the small-string capacity (a larger block, slower
  // to get from malloc); a temporary would cost a move.
  static void setNewText(std::string& member, std::string_view text) {
    std::destroy_at(&member);
    std::construct_at(&member, text);
  }

  // Sets a deeper member of a new element, through its slots.
  bool setMember(void* element, const CanonicalPath& member, std::string_view text) {
    bool ok = true;
    forEachSlot(member, element, true, [&](const Slot& s) { return ok = setText(s, member, text); });
    return ok;
  }

  void addRoute(const RouteRule& r, Outcome& outcome) {
    outcome.routes.push_back(r.name);
    for (const std::string& d : r.to) {
      if (std::find(outcome.destinations.begin(), outcome.destinations.end(), d) ==
          outcome.destinations.end()) {
        outcome.destinations.push_back(d);
      }
    }
  }

  void route(Outcome& outcome) {
    bool matched = false;
    for (const RouteRule& r : program_.routes) {
      if (r.otherwise) continue;
      current_rule_ = &r.name;
      const bool true_for_message = condition(*r.when);
      if (state_.failed()) {
        outcome = errored(r.name, state_.error);
        return;
      }
      if (true_for_message) {
        matched = true;
        addRoute(r, outcome);
      }
    }
    if (matched) return;
    for (const RouteRule& r : program_.routes) {
      if (r.otherwise) addRoute(r, outcome);
    }
  }

  static constexpr std::size_t kStackMembers = 4;

  const Program& program_;
  canonical::Message& message_;
  Arena arena_;
  SourceCache cache_;
  EvalState state_;
  const std::string* current_rule_ = nullptr;
};

}  // namespace

Outcome Mapping::apply(canonical::Message& message, const Source& source,
                       const Environment& env) const {
  // Rules cannot throw by design; this only keeps a library surprise (std::bad_alloc, a
  // regex_error for a pathological input) from taking the engine down.
  std::string rule;
  try {
    Runner runner(*program_, message, source, env);
    try {
      return runner.run();
    } catch (const std::exception& e) {
      return errored(runner.currentRule(), std::string("internal error: ") + e.what());
    }
  } catch (const std::exception& e) {
    return errored(rule, std::string("internal error: ") + e.what());
  } catch (...) {
    return errored(rule, "internal error");
  }
}

}  // namespace ferry::mappings
