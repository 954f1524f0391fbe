// Specification of the "ferry.canonical/v1" JSON reader, and of the writer -> reader round trip.
#include "engine/canonical/json_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/canonical/json_schema.h"
#include "engine/canonical/json_writer.h"
#include "tests/canonical/sample_messages.h"

namespace ferry::canonical {
namespace {

// Collects the JSON path of every member left empty, looking into the first element of each
// array; used to prove that the round-trip fixture exercises every member of the schema.
class UnsetMembers {
 public:
  std::vector<std::string> paths;

  void field(Key k, const std::string& s) { check(k, !s.empty()); }
  void field(Key k, const CodeSystem& s) { check(k, !s.empty()); }
  void field(Key k, const DateTime& d) { check(k, !d.empty()); }
  void field(Key k, const std::vector<std::string>& v) { check(k, !v.empty()); }
  void field(Key k, const std::optional<double>& d) { check(k, d.has_value()); }
  void field(Key k, const std::optional<std::uint32_t>& n) { check(k, n.has_value()); }

  template <class T>
  void field(Key k, const std::vector<T>& v) {
    if (v.empty()) return check(k, false);
    descend(std::string(k.view()) + "/0", v.front());
  }

  template <class T>
  void field(Key k, const Boxed<T>& box) {
    field(k, *box);
  }

  template <class T>
  void field(Key k, const T& object) {
    descend(std::string(k.view()), object);
  }

 private:
  void check(Key k, bool set) {
    if (!set) paths.push_back(prefix_ + "/" + std::string(k.view()));
  }

  template <class T>
  void descend(const std::string& name, const T& object) {
    const std::string saved = prefix_;
    prefix_ += "/" + name;
    jsonFields(*this, object);
    prefix_ = saved;
  }

  std::string prefix_;
};

std::string errorOf(std::string_view json) {
  const JsonReadResult result = fromJson(json);
  EXPECT_FALSE(result.message.has_value()) << json;
  return result.error;
}

TEST(JsonReader, RoundTripFixtureSetsEveryMember) {
  const Message message = samples::everyMemberSet();
  UnsetMembers unset;
  jsonFields(unset, message);
  EXPECT_TRUE(unset.paths.empty()) << "first unset member: " << unset.paths.front();
}

TEST(JsonReader, RoundTripRestoresEveryMember) {
  const Message original = samples::everyMemberSet();
  const JsonReadResult result = fromJson(toJson(original));
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(*result.message, original);
}

TEST(JsonReader, RoundTripWriterReaderWriterGivesIdenticalJson) {
  for (const Message& original : {samples::everyMemberSet(), samples::labResult(), Message{}}) {
    const std::string first = toJson(original);
    const JsonReadResult result = fromJson(first);
    ASSERT_TRUE(result) << result.error;
    EXPECT_EQ(toJson(*result.message), first);
  }
}

TEST(JsonReader, RoundTripKeepsFullDoublePrecision) {
  const JsonReadResult result = fromJson(toJson(samples::everyMemberSet()));
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(*result.message->observations[0].value.number, 0.1 + 0.2);
}

TEST(JsonReader, ReadsAHandWrittenMessage) {
  const JsonReadResult result = fromJson(R"({"schema":"ferry.canonical/v1",
        "header":{"messageType":"ORU","controlId":"C1"},
        "observations":[{"valueType":"NM","value":{"decimal":"8.10","number":8.1},"orderIndex":3}]})");
  ASSERT_TRUE(result) << result.error;
  const Message& m = *result.message;
  EXPECT_EQ(m.header.message_type, "ORU");
  EXPECT_EQ(m.header.control_id, "C1");
  ASSERT_EQ(m.observations.size(), 1u);
  EXPECT_EQ(m.observations[0].value.decimal, "8.10");
  EXPECT_EQ(m.observations[0].value.number, 8.1);
  EXPECT_EQ(m.observations[0].order_index, 3u);
  EXPECT_FALSE(m.observations[0].reference_range.low.has_value());
}

TEST(JsonReader, AcceptsAnNdjsonLineWithItsNewline) {
  const JsonReadResult result = fromJson(" {\"schema\":\"ferry.canonical/v1\"}\n");
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(*result.message, Message{});
}

TEST(JsonReader, IgnoresUnknownMembers) {
  const JsonReadResult result = fromJson(
      R"({"schema":"ferry.canonical/v1","futureMember":[1,2],"header":{"controlId":"C1","later":{}}})");
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(result.message->header.control_id, "C1");
}

TEST(JsonReader, TreatsNullAsAbsent) {
  const JsonReadResult result =
      fromJson(R"({"schema":"ferry.canonical/v1","header":{"controlId":null},"orders":null})");
  ASSERT_TRUE(result) << result.error;
  EXPECT_EQ(*result.message, Message{});
}

TEST(JsonReader, RejectsEmptyInput) {
  EXPECT_EQ(errorOf(""), "empty input: expected a ferry.canonical/v1 JSON object");
  EXPECT_EQ(errorOf(" \n"), "empty input: expected a ferry.canonical/v1 JSON object");
}

TEST(JsonReader, RejectsMalformedJsonNamingTheByteOffset) {
  const std::string error = errorOf(R"({"schema":"ferry.canonical/v1","header":{"controlId":"C1",}})");
  EXPECT_EQ(error.rfind("malformed JSON at byte 58: ", 0), 0u) << error;
}

TEST(JsonReader, RejectsTruncatedJson) {
  const std::string error = errorOf(R"({"schema":"ferry.canonical/v1","header":{)");
  EXPECT_EQ(error.rfind("malformed JSON at byte", 0), 0u) << error;
}

TEST(JsonReader, RejectsTrailingContentAfterTheObject) {
  const std::string error = errorOf(R"({"schema":"ferry.canonical/v1"} {})");
  EXPECT_EQ(error.rfind("malformed JSON at byte 32: ", 0), 0u) << error;
}

TEST(JsonReader, RejectsATopLevelThatIsNotAnObject) {
  EXPECT_EQ(errorOf("[]"), "expected a JSON object at the top level");
  EXPECT_EQ(errorOf("\"ferry.canonical/v1\""), "expected a JSON object at the top level");
}

TEST(JsonReader, RejectsMissingSchema) {
  EXPECT_EQ(errorOf(R"({"header":{"controlId":"C1"}})"),
            "/schema: missing or not a string; expected \"ferry.canonical/v1\"");
}

TEST(JsonReader, RejectsWrongSchema) {
  EXPECT_EQ(errorOf(R"({"schema":"ferry.canonical/v2"})"),
            "/schema: unsupported schema \"ferry.canonical/v2\"; expected \"ferry.canonical/v1\"");
}

TEST(JsonReader, RejectsSchemaThatIsNotAString) {
  EXPECT_EQ(errorOf(R"({"schema":1})"), "/schema: missing or not a string; expected \"ferry.canonical/v1\"");
}

TEST(JsonReader, RejectsWrongTypeNamingTheJsonPath) {
  EXPECT_EQ(errorOf(R"({"schema":"ferry.canonical/v1","observations":[{},{"value":{"number":"8.1"}}]})"),
            "/observations/1/value/number: expected a number");
  EXPECT_EQ(errorOf(R"({"schema":"ferry.canonical/v1","header":{"controlId":42}})"),
            "/header/controlId: expected a string");
  EXPECT_EQ(errorOf(R"({"schema":"ferry.canonical/v1","patient":{"names":[{"given":["A",7]}]}})"),
            "/patient/names/0/given/1: expected a string");
  EXPECT_EQ(errorOf(R"({"schema":"ferry.canonical/v1","orders":{}})"),
            "/orders: expected an array of objects");
  EXPECT_EQ(errorOf(R"({"schema":"ferry.canonical/v1","orders":["NW"]})"), "/orders/0: expected an object");
  EXPECT_EQ(errorOf(R"({"schema":"ferry.canonical/v1","encounter":[]})"), "/encounter: expected an object");
}

TEST(JsonReader, RejectsNegativeOrFractionalIndex) {
  EXPECT_EQ(errorOf(R"({"schema":"ferry.canonical/v1","observations":[{"orderIndex":-1}]})"),
            "/observations/0/orderIndex: expected an unsigned integer");
  EXPECT_EQ(errorOf(R"({"schema":"ferry.canonical/v1","specimens":[{"orderIndex":1.5}]})"),
            "/specimens/0/orderIndex: expected an unsigned integer");
}

}  // namespace
}  // namespace ferry::canonical
