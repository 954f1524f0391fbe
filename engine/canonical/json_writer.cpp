#include "engine/canonical/json_writer.h"

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include <rapidjson/writer.h>

#include "engine/canonical/json_schema.h"

namespace ferry::canonical {
namespace {

/// Visitor that answers whether a value would be written at all. Once a member with content is
/// found it descends no further, so checking a filled struct costs a few comparisons.
class EmptinessCheck {
public:
    bool empty = true;

    void field(Key, const std::string& s) { empty = empty && s.empty(); }
    void field(Key, const CodeSystem& s) { empty = empty && s.empty(); }
    void field(Key, const DateTime& d) { empty = empty && d.empty(); }
    void field(Key, const std::vector<std::string>& v) { empty = empty && v.empty(); }
    void field(Key, const std::optional<double>& d) { empty = empty && !written(d); }
    void field(Key, const std::optional<std::uint32_t>& n) { empty = empty && !n.has_value(); }

    template <class T>
    void field(Key, const std::vector<T>& v) {
        empty = empty && v.empty();
    }

    template <class T>
    void field(Key k, const Boxed<T>& box) {
        field(k, *box);
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

/// Characters JSON requires escaped, with the letter after the backslash ('u' for \u00XX):
/// the same set RapidJSON's Writer escapes (", \ and control characters).
constexpr std::array<char, 256> kEscapes = [] {
    std::array<char, 256> table{};
    for (int c = 0; c < 0x20; ++c) table[c] = 'u';
    table['\b'] = 'b';
    table['\t'] = 't';
    table['\n'] = 'n';
    table['\f'] = 'f';
    table['\r'] = 'r';
    table['"'] = '"';
    table['\\'] = '\\';
    return table;
}();

/// RapidJSON's SAX Writer with its string output replaced by one that copies runs of plain
/// characters with memcpy. The stock Writer appends a string one character at a time through the
/// buffer's top pointer, which the compiler must reload after every char store (a char may alias
/// it): that was most of the time spent on a typical message. Nesting, commas and numbers are
/// still RapidJSON's own (Prefix / EndValue are its protected hooks, as PrettyWriter uses them).
class SaxWriter : public rapidjson::Writer<rapidjson::StringBuffer> {
public:
    explicit SaxWriter(rapidjson::StringBuffer& out) : rapidjson::Writer<rapidjson::StringBuffer>(out) {}

    void string(std::string_view s) {
        Prefix(rapidjson::kStringType);
        put(s);
        EndValue(true);
    }

    /// Member names are schema literals, known to need no escaping.
    void key(canonical::Key k) {  // qualified: Writer::Key would hide the type
        Prefix(rapidjson::kStringType);
        char* p = os_->Push(k.size + 2);
        *p++ = '"';
        std::memcpy(p, k.data, k.size);
        p[k.size] = '"';
        EndValue(true);
    }

private:
    void put(std::string_view s) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        const std::size_t reserved = s.size() * 6 + 2;  // worst case: every byte as \u00XX
        char* const begin = os_->Push(reserved);
        char* p = begin;
        *p++ = '"';
        std::size_t i = 0;
        while (i < s.size()) {
            std::size_t plain = i;
            while (plain < s.size() && kEscapes[static_cast<unsigned char>(s[plain])] == 0) ++plain;
            if (plain > i) {
                std::memcpy(p, s.data() + i, plain - i);
                p += plain - i;
            }
            if (plain == s.size()) break;
            const auto c = static_cast<unsigned char>(s[plain]);
            *p++ = '\\';
            *p++ = kEscapes[c];
            if (kEscapes[c] == 'u') {
                *p++ = '0';
                *p++ = '0';
                *p++ = kHex[c >> 4];
                *p++ = kHex[c & 0xF];
            }
            i = plain + 1;
        }
        *p++ = '"';
        os_->Pop(static_cast<std::size_t>(begin + reserved - p));
    }
};

/// Visitor that streams each non-empty member to the SAX writer.
class MemberWriter {
public:
    explicit MemberWriter(SaxWriter& out) : out_(out) {}

    void field(Key k, const std::string& s) {
        if (s.empty()) return;
        key(k);
        string(s);
    }

    void field(Key k, const CodeSystem& s) { field(k, s.str()); }

    void field(Key k, const DateTime& d) {
        if (d.empty()) return;
        key(k);
        out_.string(d.view());
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

    /// A boxed member is written as what it holds; an empty box reads as an empty T.
    template <class T>
    void field(Key k, const Boxed<T>& box) {
        field(k, *box);
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
    void key(Key k) { out_.key(k); }
    void string(const std::string& s) { out_.string(s); }

    SaxWriter& out_;
};

}  // namespace

std::string_view JsonWriter::write(const Message& message) {
    buffer_.Clear();
    SaxWriter out(buffer_);
    MemberWriter members(out);
    out.StartObject();
    out.key("schema");
    out.string(kJsonSchema);
    jsonFields(members, message);
    out.EndObject();
    return {buffer_.GetString(), buffer_.GetSize()};
}

std::string toJson(const Message& message) {
    JsonWriter writer;
    return std::string(writer.write(message));
}

}  // namespace ferry::canonical
