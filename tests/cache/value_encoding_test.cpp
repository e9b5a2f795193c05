// The order-preserving value encoding of the field index (cache/index_value.h).
#include "cache/index_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace azblobfs::index {
namespace {

std::string enc(const Value& v) {
    auto e = encode_value(v);
    EXPECT_TRUE(e.is_ok()) << e.status().to_string();
    return e.is_ok() ? *e : std::string();
}

// Values in ascending order: their encodings must ascend in memcmp order too.
void expect_ascending(const std::vector<Value>& values) {
    for (size_t i = 1; i < values.size(); ++i) {
        EXPECT_LT(enc(values[i - 1]), enc(values[i])) << to_display(values[i - 1]) << " < " << to_display(values[i]);
    }
}

TEST(ValueEncodingTest, NumbersSortNumericallyNegativesAndFractionsIncluded) {
    std::vector<Value> v;
    for (double d : {-1e308, -100000.5, -2.5, -1.0, -1e-9, 0.0, 1e-9, 0.5, 1.0, 2.0, 10.0, 100000.0, 1e308}) {
        v.push_back(Value::of_number(d));
    }
    expect_ascending(v);
    EXPECT_EQ(enc(Value::of_number(-0.0)), enc(Value::of_number(0.0)));
}

TEST(ValueEncodingTest, StringsSortBytewiseWithNulBytes) {
    using namespace std::string_literals;
    expect_ascending({Value::of_string(""), Value::of_string("a"), Value::of_string("a\0"s),
                      Value::of_string("a\0b"s), Value::of_string("a\x01"), Value::of_string("ab"),
                      Value::of_string("b"), Value::of_string("\xc3\xa9t\xc3\xa9")});
}

TEST(ValueEncodingTest, TypesSortBoolThenNumberThenString) {
    expect_ascending({Value::of_bool(false), Value::of_bool(true), Value::of_number(-1e308),
                      Value::of_number(1e308), Value::of_string(""), Value::of_string("0")});
}

TEST(ValueEncodingTest, EveryValueRoundTripsAndReportsWhatItUsed) {
    using namespace std::string_literals;
    for (const Value& v : {Value::of_bool(true), Value::of_number(-2.75), Value::of_number(123456789),
                           Value::of_string("x\0y\xff"s), Value::of_string("")}) {
        std::string bytes = enc(v) + "tail";
        size_t used = 0;
        auto back = decode_value(bytes, &used);
        ASSERT_TRUE(back.is_ok()) << back.status().to_string();
        EXPECT_EQ(*back, v);
        EXPECT_EQ(used, bytes.size() - 4);
    }
}

TEST(ValueEncodingTest, NotFiniteNumbersAreRefusedAndBadBytesAreErrors) {
    EXPECT_FALSE(encode_value(Value::of_number(std::nan(""))).is_ok());
    EXPECT_FALSE(encode_value(Value::of_number(std::numeric_limits<double>::infinity())).is_ok());
    size_t used = 0;
    for (std::string bad : {std::string(), std::string("\x09"), std::string("\x01\x02"), std::string("\x02\x01"),
                            std::string("\x03" "abc"), std::string("\x03" "a\x00\x05", 4)}) {
        EXPECT_FALSE(decode_value(bad, &used).is_ok()) << "bytes of size " << bad.size();
    }
}

TEST(ValueEncodingTest, PrefixSuccessorIsTheFirstStringAboveThePrefixRange) {
    EXPECT_EQ(prefix_successor("ab"), "ac");
    EXPECT_EQ(prefix_successor(std::string("a\xff\xff")), "b");
    EXPECT_EQ(prefix_successor(std::string("\xff\xff")), "");
    const std::string p = encode_string_prefix("dig");
    for (const char* s : {"dig", "digital", "dig\xff"}) {
        std::string e = enc(Value::of_string(s));
        EXPECT_EQ(e.compare(0, p.size(), p), 0) << s;
        EXPECT_LT(e, prefix_successor(p)) << s;
    }
    for (const char* s : {"di", "dih", "e"}) {
        std::string e = enc(Value::of_string(s));
        EXPECT_TRUE(e < p || e >= prefix_successor(p)) << s;
    }
}

}  // namespace
}  // namespace azblobfs::index
