// Unit tests of the mount command's parsing: sizes, modes, -o lists, cache sizing, the mount
// registry's escaping and /proc/mounts parsing, and the FUSE option string.
#include <gtest/gtest.h>

#include "cli/mount_options.h"
#include "cli/mount_registry.h"
#include "fs/fuse/fuse_mount.h"

namespace azblobfs {
namespace {

TEST(ParseSizeTest, AcceptsSuffixes) {
    EXPECT_EQ(*parse_size("1048576"), 1048576u);
    EXPECT_EQ(*parse_size("64K"), 64u << 10);
    EXPECT_EQ(*parse_size("512M"), 512u << 20);
    EXPECT_EQ(*parse_size("512m"), 512u << 20);
    EXPECT_EQ(*parse_size("2G"), 2ull << 30);
    EXPECT_EQ(*parse_size("2GiB"), 2ull << 30);
    EXPECT_EQ(*parse_size("2GB"), 2ull << 30);
    EXPECT_EQ(*parse_size("1T"), 1ull << 40);
}

TEST(ParseSizeTest, RejectsGarbage) {
    for (const char* bad : {"", "G", "12X", "-1", "1.5G", "99999999999999999999", "20000000000T"}) {
        auto r = parse_size(bad);
        ASSERT_FALSE(r.is_ok()) << bad;
        EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << bad;
    }
}

TEST(ParseModeTest, ParsesOctal) {
    EXPECT_EQ(*parse_mode("0644"), 0644u);
    EXPECT_EQ(*parse_mode("755"), 0755u);
    EXPECT_EQ(*parse_mode("07777"), 07777u);
    EXPECT_FALSE(parse_mode("0648").is_ok());
    EXPECT_FALSE(parse_mode("17777").is_ok());
    EXPECT_FALSE(parse_mode("").is_ok());
}

TEST(FuseOptionsTest, SplitsCommaLists) {
    EXPECT_EQ(split_fuse_options({"allow_other,ro", "", "debug,,"}),
              (std::vector<std::string>{"allow_other", "ro", "debug"}));
}

TEST(FuseOptionsTest, OptionStringCarriesNameTypeAndReadOnly) {
    FuseMountConfig config;
    config.fsname = "azblobfs:acct/con1";
    config.read_only = true;
    config.options = {"allow_other"};
    EXPECT_EQ(fuse_option_string(config),
              "fsname=azblobfs:acct/con1,subtype=azblobfs,default_permissions,max_read=1048576,ro,allow_other");
}

TEST(CacheSizingTest, ReserveIsAnEighthWithinBounds) {
    EXPECT_EQ(index_reserve(2ull << 30), 256ull << 20);
    EXPECT_EQ(index_reserve(64ull << 20), 16ull << 20);
    EXPECT_EQ(index_reserve(64ull << 30), 1ull << 30);
}

TEST(ValidateMountFlagsTest, AppliesDefaults) {
    AccountConfig account;
    account.account_name = "acct";
    MountFlags flags;
    flags.mountpoint = "/mnt/x/";
    flags.container = "con1";
    auto s = validate_mount_flags(flags, account, "info");
    ASSERT_TRUE(s.is_ok()) << s.status().to_string();
    EXPECT_EQ(s->mountpoint, "/mnt/x");
    EXPECT_EQ(s->cache_dir, "/var/cache/azblobfs/acct-con1");
    EXPECT_EQ(s->cache_size, 2ull << 30);
    EXPECT_EQ(s->block_limit, (2ull << 30) - (256ull << 20));
    EXPECT_EQ(s->log_file, "/var/cache/azblobfs/acct-con1/azblobfs.log");
    EXPECT_EQ(s->fs.container, std::optional<std::string>("con1"));
    EXPECT_EQ(s->reads.readahead_max_bytes, 8ull << 20);
    EXPECT_EQ(s->fs.file_mode, 0644u);
    EXPECT_EQ(fs_name(s->account, s->fs.container), "azblobfs:acct/con1");
}

TEST(ValidateMountFlagsTest, RejectsBadValues) {
    AccountConfig account;
    account.account_name = "acct";
    MountFlags flags;
    flags.mountpoint = "/mnt/x";
    flags.cache_size = "1M";
    EXPECT_FALSE(validate_mount_flags(flags, account, "warn").is_ok());
    flags.cache_size = "2G";
    flags.attr_ttl = -1;
    EXPECT_FALSE(validate_mount_flags(flags, account, "warn").is_ok());
    flags.attr_ttl = 60;
    flags.container = "X";
    EXPECT_FALSE(validate_mount_flags(flags, account, "warn").is_ok());
}

TEST(MountRegistryTest, EscapesLikeSystemd) {
    EXPECT_EQ(escape_mount_path("/mnt/blobs"), "mnt-blobs");
    EXPECT_EQ(escape_mount_path("/"), "-");
    EXPECT_EQ(escape_mount_path("/mnt/a-b"), "mnt-a\\x2db");
    EXPECT_EQ(escape_mount_path("/mnt/a b/.x"), "mnt-a\\x20b-.x");
    EXPECT_EQ(escape_mount_path("/.hidden"), "\\x2ehidden");
    EXPECT_NE(escape_mount_path("/a-b"), escape_mount_path("/a/b"));
}

TEST(MountRegistryTest, ParsesProcMountsEscapes) {
    auto entries = parse_proc_mounts(
        "proc /proc proc rw 0 0\n"
        "azblobfs:acct /mnt/with\\040space fuse.azblobfs rw,nosuid 0 0\n");
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[1].source, "azblobfs:acct");
    EXPECT_EQ(entries[1].mountpoint, "/mnt/with space");
    EXPECT_EQ(entries[1].type, "fuse.azblobfs");
}

}  // namespace
}  // namespace azblobfs
