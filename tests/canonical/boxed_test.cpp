// Specification of canonical::Boxed, the out-of-line member: plain data to its users, a pointer's
// size until written.
#include "engine/canonical/boxed.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/canonical/json_reader.h"
#include "engine/canonical/json_writer.h"
#include "engine/canonical/message.h"

namespace ferry::canonical {
namespace {

TEST(Boxed, AnEmptyBoxReadsAsADefaultValue) {
  const Boxed<Practitioner> box;
  EXPECT_FALSE(box.has_value());
  EXPECT_EQ(*box, Practitioner{});
  EXPECT_EQ(box->name.family, "");
  EXPECT_EQ(box, Boxed<Practitioner>{});
}

TEST(Boxed, FirstWriteAllocates) {
  Boxed<StructuredNumeric> box;
  box.mut().comparator = "<";
  EXPECT_TRUE(box.has_value());
  EXPECT_EQ(box->comparator, "<");
}

TEST(Boxed, AssigningADefaultValueFreesTheBox) {
  Boxed<std::string> box;
  box = std::string();
  EXPECT_FALSE(box.has_value()) << "a reader's empty result costs no allocation";
  box = std::string("line one");
  EXPECT_TRUE(box.has_value());
  box = std::string();
  EXPECT_FALSE(box.has_value());
}

TEST(Boxed, EqualityComparesContentsNotAllocation) {
  Boxed<CodeableConcept> allocated;
  allocated.mut();
  EXPECT_EQ(allocated, Boxed<CodeableConcept>{}) << "allocated but default equals empty";
  allocated.mut().text = "Detected";
  EXPECT_FALSE(allocated == Boxed<CodeableConcept>{});
  EXPECT_EQ(allocated, (CodeableConcept{{}, "Detected"}));
}

TEST(Boxed, CopiesAreIndependent) {
  Boxed<std::string> a;
  a = std::string("first");
  Boxed<std::string> b = a;
  b.mut() = "second";
  EXPECT_EQ(*a, "first");
  EXPECT_EQ(*b, "second");
  a = Boxed<std::string>{};
  EXPECT_FALSE(a.has_value());
  EXPECT_EQ(*b, "second");
}

TEST(Boxed, ObservationKeepsRareMembersOutOfLine) {
  // A large FHIR Bundle holds a hundred thousand results: the inline size is what each costs
  // before its strings (1,016 bytes when performer and every value kind were inline).
  EXPECT_LE(sizeof(Observation), 640u);
  EXPECT_EQ(sizeof(Boxed<Practitioner>), sizeof(void*));
}

TEST(Boxed, JsonFormIsTheSameAsInline) {
  Message m;
  Observation& o = m.observations.emplace_back();
  o.value_type = "ST";
  o.value.text = std::string("as written");
  o.performer.mut().name.family = "Rivera";
  const std::string json = toJson(m);
  EXPECT_EQ(
      json,
      R"({"schema":"ferry.canonical/v1","observations":[{"valueType":"ST","value":{"text":"as written"},)"
      R"("performer":{"name":{"family":"Rivera"}}}]})");
  const JsonReadResult back = fromJson(json);
  ASSERT_TRUE(back) << back.error;
  EXPECT_EQ(*back.message, m);
  EXPECT_FALSE(back.message->observations[0].value.coded.has_value()) << "absent members allocate nothing";
}

TEST(Boxed, EmptyJsonObjectAllocatesNothing) {
  const JsonReadResult r = fromJson(
      R"({"schema":"ferry.canonical/v1","observations":[{"performer":{},"value":{"structuredNumeric":{}}}]})");
  ASSERT_TRUE(r) << r.error;
  EXPECT_FALSE(r.message->observations[0].performer.has_value());
  EXPECT_FALSE(r.message->observations[0].value.structured_numeric.has_value());
}

}  // namespace
}  // namespace ferry::canonical
