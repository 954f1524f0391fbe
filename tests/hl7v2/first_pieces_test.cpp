// repetitionOne(), componentOne() and subcomponentOne() (first_pieces.h) must give exactly what
// Element::repetition(1), component(1) and subcomponent(1) give, at every level and for every shape
// of value: the header, patient and visit readers take them instead.
#include "parsers/hl7v2/first_pieces.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parsers/hl7v2/message.h"

using namespace ferry::hl7v2;

namespace first_pieces_test {

void expectSameElement(const Element& cut, const Element& expected, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(cut.present(), expected.present());
  EXPECT_EQ(cut.level(), expected.level());
  EXPECT_EQ(cut.encoding(), expected.encoding());
  EXPECT_EQ(cut.raw().data(), expected.raw().data());
  EXPECT_EQ(cut.raw().size(), expected.raw().size());
}

// Fields of every shape: composites, a first repetition or component that is empty, a lone
// separator, the HL7 null, subcomponents, values of 8 bytes and more (scanned a block at a time).
const std::string kSegments =
    "MSH|^~\\&|APP^FAC|B&C^D|||20260101||ORU^R01|1|P|2.5.1\r"
    "ZZZ|a^b~c^d|~x^y|^z|plain||a&b^c|\"\"|~|^|&|NORTHCLINIC&2.16.840&ISO^MR~X|long component "
    "value^second&sub|&lead^x\r";

std::vector<Element> elementsOf(const Message& message) {
  std::vector<Element> out;
  for (std::size_t s = 0; s < message.segmentCount(); ++s) {
    const Segment segment = message.segment(s);
    for (int n = 1; n <= segment.fieldCount() + 1; ++n) {  // one past the last: absent
      const Element field = segment.field(n);
      out.push_back(field);
      for (int r = 1; r <= 3; ++r) {
        const Element repetition = field.repetition(r);
        out.push_back(repetition);
        for (int c = 1; c <= 3; ++c) {
          const Element component = repetition.component(c);
          out.push_back(component);
          out.push_back(component.subcomponent(1));
          out.push_back(field.component(c));
        }
      }
    }
  }
  out.push_back(Element());
  return out;
}

// cut(e) is expected(e) for every element of kSegments.
template <class Cut, class Expected>
void expectEveryElementCutAlike(Cut cut, Expected expected) {
  const auto message = Message::parse(kSegments);
  ASSERT_TRUE(message);
  const std::vector<Element> elements = elementsOf(*message);
  for (std::size_t i = 0; i < elements.size(); ++i) {
    expectSameElement(cut(elements[i]), expected(elements[i]),
                      "element " + std::to_string(i) + " '" + std::string(elements[i].raw()) + "'");
  }
}

}  // namespace first_pieces_test

using first_pieces_test::expectEveryElementCutAlike;

TEST(FirstPieces, RepetitionOneIsRepetitionOneAtEveryLevel) {
  expectEveryElementCutAlike([](const Element& e) { return repetitionOne(e); },
                             [](const Element& e) { return e.repetition(1); });
}

TEST(FirstPieces, FirstComponentIsComponentOneAtEveryLevel) {
  expectEveryElementCutAlike([](const Element& e) { return componentOne(e); },
                             [](const Element& e) { return e.component(1); });
}

TEST(FirstPieces, FirstSubcomponentIsSubcomponentOneAtEveryLevel) {
  expectEveryElementCutAlike([](const Element& e) { return subcomponentOne(e); },
                             [](const Element& e) { return e.subcomponent(1); });
}

TEST(FirstPieces, AFieldsFirstComponentEndsAtTheFirstRepetition) {
  const auto message = Message::parse(first_pieces_test::kSegments);
  ASSERT_TRUE(message);
  const Segment zzz = message->segment(1);
  EXPECT_EQ(componentOne(zzz.field(1)).raw(), "a");
  EXPECT_EQ(componentOne(zzz.field(2)).raw(), "");
  EXPECT_TRUE(componentOne(zzz.field(2)).present());
  EXPECT_EQ(subcomponentOne(componentOne(zzz.field(11))).raw(), "NORTHCLINIC");
  EXPECT_FALSE(componentOne(zzz.field(40)).present());
  EXPECT_FALSE(componentOne(message->segment(0).field(2)).present());  // MSH-2 is a literal
}
