// Typed scalar values of the field index and their order-preserving encoding (docs/INDEX.md).
//
// encode_value() is self-delimiting and sorts in memcmp order exactly as the values do: by type
// first (bool < number < string), then false < true, numbers numerically (-0.0 == 0.0), strings
// bytewise. Layout: one tag byte (the Type value), then
//   bool:   one byte, 0 or 1
//   number: 8 bytes, the IEEE-754 bits big-endian with the sign bit flipped for x >= 0 and every
//           bit flipped for x < 0
//   string: the bytes with 0x00 escaped as 0x00 0xFF, then the terminator 0x00 0x00
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace azblobfs::index {

struct Value {
    enum class Type : uint8_t { kBool = 1, kNumber = 2, kString = 3 };
    Type type = Type::kString;
    bool boolean = false;
    double number = 0;
    std::string string;

    static Value of_bool(bool b);
    static Value of_number(double n);
    static Value of_string(std::string s);
    bool operator==(const Value&) const = default;
};

// InvalidArgument for NaN and infinities (JSON cannot hold them).
Result<std::string> encode_value(const Value& v);
// Decodes one value from the front of `bytes`; *consumed = the bytes it used. Malformed input
// is IoError.
Result<Value> decode_value(std::string_view bytes, size_t* consumed);
// The common prefix of the encodings of every string that starts with `prefix`.
std::string encode_string_prefix(std::string_view prefix);
// The first byte string above every string that starts with `prefix`; "" when there is none.
std::string prefix_successor(std::string_view prefix);
// hot, 100000, 1.5, true.
std::string to_display(const Value& v);

}  // namespace azblobfs::index
