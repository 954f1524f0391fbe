#include "engine/canonical/json_writer.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include <rapidjson/writer.h>

#include "engine/canonical/json_schema.h"

namespace ferry::canonical {
namespace {

/// Visitor that answers whether a value would be written at all. It stops at the first member
/// that has content, so checking a filled struct costs one comparison.
class EmptinessCheck {
public:
    bool empty = true;

    void field(Key, const std::string& s) { empty = empty && s.empty(); }
    void field(Key, const std::vector<std::string>& v) { empty = empty && v.empty(); }
    void field(Key, const std::optional<double>& d) { empty = empty && !written(d); }
    void field(Key, const std::optional<std::uint32_t>& n) { empty = empty && !n.has_value(); }

    template <class T>
    void field(Key, const std::vector<T>& v) {
        empty = empty && v.empty();
    }

    template <class T>
    void field(Key, const T& object) {
        if (empty) jsonFields(*this, object);
    }

    /// NaN and infinities have no JSON form, so they are left out like an unset optional.
    static bool written(const std::optional<double>& d) { return d.has_value() && std::isfinite(*d); }
};

template <class T>
bool isEmpty(const T& object) {
    EmptinessCheck check;
    jsonFields(check, object);
    return check.empty;
}

using SaxWriter = rapidjson::Writer<rapidjson::StringBuffer>;

/// Visitor that streams each non-empty member to the SAX writer.
class MemberWriter {
public:
    explicit MemberWriter(SaxWriter& out) : out_(out) {}

    void field(Key k, const std::string& s) {
        if (s.empty()) return;
        key(k);
        string(s);
    }

    void field(Key k, const std::vector<std::string>& values) {
        if (values.empty()) return;
        key(k);
        out_.StartArray();
        for (const std::string& s : values) string(s);
        out_.EndArray();
    }

    void field(Key k, const std::optional<double>& d) {
        if (!EmptinessCheck::written(d)) return;
        key(k);
        out_.Double(*d);
    }

    void field(Key k, const std::optional<std::uint32_t>& n) {
        if (!n) return;
        key(k);
        out_.Uint(*n);
    }

    /// Elements are written even when empty ({}), since other members refer to them by index.
    template <class T>
    void field(Key k, const std::vector<T>& objects) {
        if (objects.empty()) return;
        key(k);
        out_.StartArray();
        for (const T& object : objects) writeObject(object);
        out_.EndArray();
    }

    template <class T>
    void field(Key k, const T& object) {
        if (isEmpty(object)) return;
        key(k);
        writeObject(object);
    }

    template <class T>
    void writeObject(const T& object) {
        out_.StartObject();
        jsonFields(*this, object);
        out_.EndObject();
    }

private:
    void key(Key k) { out_.Key(k.data, k.size); }
    void string(const std::string& s) { out_.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

    SaxWriter& out_;
};

}  // namespace

std::string_view JsonWriter::write(const Message& message) {
    buffer_.Clear();
    SaxWriter out(buffer_);
    MemberWriter members(out);
    out.StartObject();
    out.Key("schema", 6);
    out.String(kJsonSchema.data(), static_cast<rapidjson::SizeType>(kJsonSchema.size()));
    jsonFields(members, message);
    out.EndObject();
    return {buffer_.GetString(), buffer_.GetSize()};
}

std::string toJson(const Message& message) {
    JsonWriter writer;
    return std::string(writer.write(message));
}

}  // namespace ferry::canonical
