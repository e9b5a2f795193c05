#include "cache/index_value.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace azblobfs::index {
namespace {

uint64_t order_bits(double d) {
    if (d == 0) d = 0;  // -0.0 sorts and compares as 0.0
    uint64_t bits = 0;
    std::memcpy(&bits, &d, sizeof bits);
    return (bits & (1ULL << 63)) ? ~bits : bits ^ (1ULL << 63);
}

double from_order_bits(uint64_t bits) {
    bits = (bits & (1ULL << 63)) ? bits ^ (1ULL << 63) : ~bits;
    double d = 0;
    std::memcpy(&d, &bits, sizeof d);
    return d;
}

Status corrupt() { return Status(Code::kIoError, "field index: corrupt value encoding"); }

}  // namespace

Value Value::of_bool(bool b) {
    Value v;
    v.type = Type::kBool;
    v.boolean = b;
    return v;
}

Value Value::of_number(double n) {
    Value v;
    v.type = Type::kNumber;
    v.number = n == 0 ? 0 : n;
    return v;
}

Value Value::of_string(std::string s) {
    Value v;
    v.type = Type::kString;
    v.string = std::move(s);
    return v;
}

std::string encode_string_prefix(std::string_view prefix) {
    std::string out(1, static_cast<char>(Value::Type::kString));
    for (char c : prefix) {
        out.push_back(c);
        if (c == '\0') out.push_back('\xff');
    }
    return out;
}

Result<std::string> encode_value(const Value& v) {
    switch (v.type) {
        case Value::Type::kBool:
            return std::string{static_cast<char>(Value::Type::kBool), static_cast<char>(v.boolean ? 1 : 0)};
        case Value::Type::kNumber: {
            if (!std::isfinite(v.number)) return Status(Code::kInvalidArgument, "a number that is not finite");
            std::string out(1, static_cast<char>(Value::Type::kNumber));
            uint64_t bits = order_bits(v.number);
            for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((bits >> shift) & 0xff));
            return out;
        }
        case Value::Type::kString: {
            std::string out = encode_string_prefix(v.string);
            out.append(2, '\0');
            return out;
        }
    }
    return Status(Code::kInvalidArgument, "a value of unknown type");
}

Result<Value> decode_value(std::string_view bytes, size_t* consumed) {
    if (bytes.empty()) return corrupt();
    switch (static_cast<Value::Type>(bytes[0])) {
        case Value::Type::kBool:
            if (bytes.size() < 2 || static_cast<unsigned char>(bytes[1]) > 1) return corrupt();
            *consumed = 2;
            return Value::of_bool(bytes[1] == 1);
        case Value::Type::kNumber: {
            if (bytes.size() < 9) return corrupt();
            uint64_t bits = 0;
            for (size_t i = 1; i <= 8; ++i) bits = (bits << 8) | static_cast<unsigned char>(bytes[i]);
            *consumed = 9;
            return Value::of_number(from_order_bits(bits));
        }
        case Value::Type::kString: {
            std::string s;
            for (size_t i = 1; i < bytes.size(); ++i) {
                if (bytes[i] != '\0') {
                    s.push_back(bytes[i]);
                    continue;
                }
                if (i + 1 >= bytes.size()) return corrupt();
                if (bytes[i + 1] == '\0') {
                    *consumed = i + 2;
                    return Value::of_string(std::move(s));
                }
                if (bytes[i + 1] != '\xff') return corrupt();
                s.push_back('\0');
                ++i;
            }
            return corrupt();
        }
    }
    return corrupt();
}

std::string prefix_successor(std::string_view prefix) {
    std::string out(prefix);
    while (!out.empty() && static_cast<unsigned char>(out.back()) == 0xff) out.pop_back();
    if (out.empty()) return out;
    out.back() = static_cast<char>(static_cast<unsigned char>(out.back()) + 1);
    return out;
}

std::string to_display(const Value& v) {
    switch (v.type) {
        case Value::Type::kBool: return v.boolean ? "true" : "false";
        case Value::Type::kNumber: {
            char buf[40];
            if (std::floor(v.number) == v.number && std::fabs(v.number) < 1e15) {
                std::snprintf(buf, sizeof buf, "%.0f", v.number);
            } else {
                std::snprintf(buf, sizeof buf, "%.17g", v.number);
            }
            return buf;
        }
        case Value::Type::kString: return v.string;
    }
    return {};
}

}  // namespace azblobfs::index
