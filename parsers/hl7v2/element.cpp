#include "parsers/hl7v2/element.h"

#include "parsers/hl7v2/escape.h"

namespace ferry::hl7v2 {

// Pieces are a few bytes long, so a plain loop beats a memchr call per piece.
std::string_view nthPiece(std::string_view text, char sep, int n, bool& found) {
  const char* p = text.data();
  const char* const end = p + text.size();
  for (int i = 1; i < n; ++i) {
    while (p < end && *p != sep) ++p;
    if (p == end) {
      found = false;
      return {};
    }
    ++p;
  }
  const char* stop = p;
  while (stop < end && *stop != sep) ++stop;
  found = true;
  return std::string_view(p, static_cast<std::size_t>(stop - p));
}

Pieces::Pieces(const Element& composite) : whole_(composite) {
  if (!composite.present() || composite.enc_ == nullptr) return;
  enc_ = composite.enc_;
  char sep = enc_->component;
  // A field is read as its first repetition: splitting stops at the repetition separator.
  char stop = composite.level() == Element::Level::Field ? enc_->repetition : '\0';
  if (composite.level() == Element::Level::Component) {
    sep = enc_->subcomponent;
    child_level_ = Element::Level::Subcomponent;
  } else if (composite.level() != Element::Level::Repetition &&
             composite.level() != Element::Level::Field) {
    return;
  }
  const char* p = composite.raw_.data();
  const char* end = p + composite.raw_.size();
  const char* start = p;
  for (; p < end; ++p) {
    if (*p == stop && stop != '\0') {
      end = p;
      break;
    }
    if (*p != sep) continue;
    if (count_ == kMax) break;
    parts_[count_++] = std::string_view(start, static_cast<std::size_t>(p - start));
    start = p + 1;
  }
  if (count_ < kMax) parts_[count_++] = std::string_view(start, static_cast<std::size_t>(end - start));
}

Element Pieces::operator[](int n) const {
  if (n < 1) return {};
  if (n <= count_) return Element(parts_[n - 1], enc_, child_level_);
  if (count_ == kMax) {
    return child_level_ == Element::Level::Component ? whole_.component(n) : whole_.subcomponent(n);
  }
  return {};
}

int countPieces(std::string_view text, char sep) {
  int n = 1;
  for (char c : text) n += (c == sep);
  return n;
}

Element Element::repetition(int r) const {
  if (!present_ || level_ != Level::Field || r < 1) return {};
  bool found = false;
  const std::string_view piece = nthPiece(raw_, enc_->repetition, r, found);
  return found ? Element(piece, enc_, Level::Repetition) : Element();
}

Element Element::component(int c) const {
  if (!present_) return {};
  if (level_ == Level::Field) return repetition(1).component(c);
  if (!present_ || level_ != Level::Repetition || c < 1) return {};
  bool found = false;
  const std::string_view piece = nthPiece(raw_, enc_->component, c, found);
  return found ? Element(piece, enc_, Level::Component) : Element();
}

Element Element::subcomponent(int s) const {
  if (!present_ || level_ != Level::Component || s < 1) return {};
  bool found = false;
  const std::string_view piece = nthPiece(raw_, enc_->subcomponent, s, found);
  return found ? Element(piece, enc_, Level::Subcomponent) : Element();
}

int Element::repetitionCount() const {
  if (!present_ || level_ != Level::Field) return present_ ? 1 : 0;
  return raw_.empty() ? 0 : countPieces(raw_, enc_->repetition);
}

int Element::componentCount() const {
  if (!present_) return 0;
  if (level_ == Level::Field) return repetition(1).componentCount();
  if (!present_ || level_ != Level::Repetition) return present_ ? 1 : 0;
  return countPieces(raw_, enc_->component);
}

int Element::subcomponentCount() const {
  if (!present_ || level_ != Level::Component) return present_ ? 1 : 0;
  return countPieces(raw_, enc_->subcomponent);
}

void Element::appendText(std::string& out) const {
  if (!present_) return;
  if (level_ == Level::Literal || enc_ == nullptr) {
    out.append(raw_);
    return;
  }
  // A composite keeps its delimiters and escapes; only leaves are decoded.
  for (Level l = level_; l != Level::Subcomponent && l != Level::Literal;
       l = static_cast<Level>(static_cast<int>(l) + 1)) {
    const char d = l == Level::Field ? enc_->repetition
                   : l == Level::Repetition ? enc_->component
                                            : enc_->subcomponent;
    if (raw_.find(d) != std::string_view::npos) {
      out.append(raw_);
      return;
    }
  }
  appendUnescaped(raw_, *enc_, out);
}

std::string Element::text() const {
  std::string out;
  appendText(out);
  return out;
}

}  // namespace ferry::hl7v2
