// Key layout and value encodings of cache/key_schema.h.
#include "cache/key_schema.h"

#include <gtest/gtest.h>

#include "cache_test_util.h"

namespace azblobfs::keys {
namespace {

TEST(KeySchema, BigEndianIntegersSortNumerically) {
    EXPECT_LT(encode_u64_be(1), encode_u64_be(256));
    EXPECT_LT(encode_u64_be(255), encode_u64_be(1ULL << 40));
    EXPECT_EQ(decode_u64_be(encode_u64_be(0x0102030405060708ULL)), 0x0102030405060708ULL);
    EXPECT_EQ(decode_u32_be(encode_u32_be(7)), 7u);
    EXPECT_EQ(decode_u64_be("short"), std::nullopt);
}

TEST(KeySchema, ShortPathsAreTheirOwnKeyLongOnesAreHashedWithinTheLimit) {
    EXPECT_EQ(entry_key("a/b"), "pa/b");
    EXPECT_EQ(entry_key(""), "p");
    std::string fits(kMaxKeyBytes - 1, 'x');
    EXPECT_EQ(entry_key(fits).size(), kMaxKeyBytes);
    EXPECT_FALSE(entry_key_is_hashed(entry_key(fits)));
    std::string over = fits + "y";
    std::string hashed = entry_key(over);
    EXPECT_EQ(hashed.size(), kMaxKeyBytes);
    EXPECT_TRUE(entry_key_is_hashed(hashed));
    EXPECT_EQ(hashed.substr(1, kHashedPrefixBytes), over.substr(0, kHashedPrefixBytes));
}

TEST(KeySchema, LongPathsSharingAPrefixGetDistinctKeys) {
    std::string a = testing::long_path("top", 3000, 'a');
    std::string b = a.substr(0, 500) + std::string(2500, 'b');
    std::string c = a + "c";
    EXPECT_NE(entry_key(a), entry_key(b));
    EXPECT_NE(entry_key(a), entry_key(c));
    EXPECT_EQ(entry_key(a), entry_key(std::string(a)));
}

TEST(KeySchema, EntryRoundTripsEveryField) {
    EntryRecord rec = testing::file_record(123456789012ULL, "\"0x8DC1234\"");
    rec.type = EntryType::kSymlink;
    rec.mtime_ns = -5;  // before 1970 stays exact
    rec.metadata = {
        {"mtime", "2025-01-09T10:00:00.123456789Z"}, {"name", "Zoë 😀 日本語"}, {"empty", ""}};
    rec.has_marker = true;
    rec.file_id = 1ULL << 50;
    auto back = decode_entry(encode_entry(rec, "a/b"), "a/b");
    ASSERT_TRUE(back.is_ok()) << back.status().to_string();
    EXPECT_EQ(back->type, rec.type);
    EXPECT_EQ(back->size, rec.size);
    EXPECT_EQ(back->mtime_ns, rec.mtime_ns);
    EXPECT_EQ(back->ctime_ns, rec.ctime_ns);
    EXPECT_EQ(back->etag, rec.etag);
    EXPECT_EQ(back->content_type, rec.content_type);
    EXPECT_EQ(back->tier, rec.tier);
    EXPECT_EQ(back->metadata, rec.metadata);
    EXPECT_EQ(back->has_marker, rec.has_marker);
    EXPECT_EQ(back->file_id, rec.file_id);
    EXPECT_EQ(back->validated_at_ns, rec.validated_at_ns);
}

TEST(KeySchema, HashedRecordsCarryAndCheckTheirPath) {
    std::string path = testing::long_path("top", 4096, 'q');
    std::string value = encode_entry(testing::file_record(1, "e"), path);
    auto decoded = decode_entry_value(value);
    ASSERT_TRUE(decoded.is_ok());
    EXPECT_EQ(decoded->stored_path, path);
    EXPECT_TRUE(decode_entry(value, path).is_ok());
    auto wrong = decode_entry(value, path.substr(0, 4000));
    ASSERT_FALSE(wrong.is_ok());
    EXPECT_EQ(wrong.status().code(), Code::kIoError);
    // Short paths are not stored twice.
    auto plain = decode_entry_value(encode_entry(testing::file_record(1, "e"), "a"));
    ASSERT_TRUE(plain.is_ok());
    EXPECT_FALSE(plain->stored_path.has_value());
}

TEST(KeySchema, CorruptValuesAreErrorsNotGarbage) {
    std::string value = encode_entry(testing::file_record(9, "etag"), "a");
    EXPECT_EQ(decode_entry(value.substr(0, value.size() - 1), "a").status().code(), Code::kIoError);
    EXPECT_EQ(decode_entry(value + "x", "a").status().code(), Code::kIoError);
    std::string bad_format = value;
    bad_format[0] = 9;
    EXPECT_EQ(decode_entry(bad_format, "a").status().code(), Code::kIoError);
    std::string bad_type = value;
    bad_type[1] = 0;
    EXPECT_EQ(decode_entry(bad_type, "a").status().code(), Code::kIoError);
    EXPECT_FALSE(decode_child("").is_ok());
    EXPECT_FALSE(decode_listing_header("1234").is_ok());
}

TEST(KeySchema, ChildRowsFollowTheirHeaderInNameOrder) {
    EXPECT_LT(listing_header_key(7), child_key(7, "a"));
    EXPECT_LT(child_key(7, "a"), child_key(7, "b"));
    EXPECT_LT(child_key(7, "zzz"), listing_header_key(8));
    EXPECT_EQ(child_name(child_key(7, "name"), 7), "name");
    EXPECT_EQ(child_name(child_key(7, "name"), 8), std::nullopt);
    EXPECT_EQ(child_name(listing_header_key(7), 7), std::nullopt);
    EXPECT_EQ(*decode_child(encode_child(EntryType::kDirectory)), EntryType::kDirectory);
    EXPECT_EQ(*decode_listing_header(encode_listing_header(-3)), -3);
}

TEST(KeySchema, BlockKeysSortByFileThenIndex) {
    EXPECT_LT(block_key({1, 2}), block_key({1, 256}));
    EXPECT_LT(block_key({1, UINT64_MAX}), block_key({2, 0}));
    EXPECT_EQ(block_key({1, 2}).size(), 16u);
    EXPECT_EQ(decode_block_key(block_key({5, 9})), (BlockKey{5, 9}));
    EXPECT_EQ(decode_block_key("x"), std::nullopt);
}

TEST(KeySchema, DescendantPrefixes) {
    EXPECT_EQ(descendant_key_prefix("a/b", 'p'), "pa/b/");
    EXPECT_EQ(descendant_key_prefix("", 'p'), "p");
    std::string deep(600, 'd');
    EXPECT_EQ(descendant_key_prefix(deep, 'h').size(), 1 + kHashedPrefixBytes);
    EXPECT_EQ(join_path("", "x"), "x");
    EXPECT_EQ(join_path("a", "x"), "a/x");
}

}  // namespace
}  // namespace azblobfs::keys
