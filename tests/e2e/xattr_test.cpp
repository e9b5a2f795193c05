// Test 9: extended attributes through the real `getfattr` (package attr): user.* from blob
// metadata, user.azure.etag and user.azure.content_type.
#include "e2e/e2e_fixture.h"
#include "e2e/shell.h"

namespace azblobfs::e2e {
namespace {

// getfattr --only-values prints the raw value without a newline.
CommandResult getfattr_value(const std::filesystem::path& path, const std::string& name) {
    return run_command({"getfattr", "--absolute-names", "--only-values", "-n", name, path.string()});
}

std::string unquoted(std::string etag) {
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
    return etag;
}

class XattrTest : public E2eTest {};

TEST_F(XattrTest, GetfattrShowsMetadataEtagAndContentType) {
    const std::string container = container_for("xattr");
    BlobSpec doc{"notes/lead.md", "# twin\n", {}};
    doc.options.content_type = "text/markdown; charset=utf-8";
    doc.options.metadata = {{"author", "alice"}, {"classification", "hot"}};
    E2E_ASSERT_OK(upload_all(client(), container, {doc}));
    auto props = client().get_properties(container, doc.name);
    E2E_ASSERT_OK(props);

    auto mount = Mount::start(options_for(container));
    E2E_ASSERT_OK(mount);
    const auto path = (*mount)->path() / doc.name;

    CommandResult author = getfattr_value(path, "user.author");
    EXPECT_EQ(author.exit_code, 0) << author.describe();
    EXPECT_EQ(author.out, "alice");
    CommandResult dump = run_command({"getfattr", "--absolute-names", "-d", path.string()});
    EXPECT_EQ(dump.exit_code, 0) << dump.describe();
    EXPECT_NE(dump.out.find("user.author=\"alice\""), std::string::npos) << dump.out;
    EXPECT_NE(dump.out.find("user.classification=\"hot\""), std::string::npos) << dump.out;

    CommandResult etag = getfattr_value(path, "user.azure.etag");
    EXPECT_EQ(etag.exit_code, 0) << etag.describe();
    EXPECT_FALSE(props->etag.empty());
    EXPECT_EQ(unquoted(etag.out), unquoted(props->etag)) << "ETag as the service returned it: " << props->etag;
    CommandResult type = getfattr_value(path, "user.azure.content_type");
    EXPECT_EQ(type.exit_code, 0) << type.describe();
    EXPECT_EQ(type.out, "text/markdown; charset=utf-8");

    CommandResult missing = getfattr_value(path, "user.not-there");
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_NE(missing.err.find("No such attribute"), std::string::npos) << missing.describe();
    E2E_ASSERT_OK((*mount)->unmount());
}

}  // namespace
}  // namespace azblobfs::e2e
