// Connection strings and AZURE_STORAGE_* environment variables.
#include <gtest/gtest.h>

#include <map>

#include "azure/credentials.h"

namespace azblobfs {
namespace {

constexpr const char* kDevKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
// A syntactically valid SAS token (the signature is made up).
constexpr const char* kSas = "sv=2021-08-06&ss=b&srt=sco&sp=rl&se=2030-01-01T00%3A00%3A00Z&sig=AbC%2Bd%2Fe%3D";

// Asserts an InvalidArgument error whose message holds `needle` and none of the secrets.
void expect_invalid(const std::string& connection_string, const std::string& needle) {
    auto config = parse_connection_string(connection_string);
    ASSERT_FALSE(config.is_ok()) << connection_string;
    EXPECT_EQ(config.status().code(), Code::kInvalidArgument) << connection_string;
    EXPECT_NE(config.status().message().find(needle), std::string::npos)
        << "'" << config.status().message() << "' does not mention '" << needle << "'";
    for (const std::string& secret : {std::string(kDevKey), std::string(kDevKey).substr(0, 20), std::string("sig=")}) {
        EXPECT_EQ(config.status().message().find(secret), std::string::npos) << config.status().message();
    }
}

TEST(ConnectionString, DevelopmentStorage) {
    auto config = parse_connection_string("UseDevelopmentStorage=true");
    ASSERT_TRUE(config.is_ok()) << config.status().to_string();
    EXPECT_EQ(config->account_name, "devstoreaccount1");
    EXPECT_EQ(config->blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
    EXPECT_TRUE(config->path_style);
    EXPECT_EQ(config->auth, AuthKind::kSharedKey);
    EXPECT_EQ(config->account_key, kDevKey);
    AccountConfig direct = development_storage_config();
    EXPECT_EQ(direct.blob_endpoint, config->blob_endpoint);
    EXPECT_EQ(direct.account_key, config->account_key);
}

TEST(ConnectionString, DevelopmentStorageProxy) {
    auto config = parse_connection_string("usedevelopmentstorage=TRUE; DevelopmentStorageProxyUri=http://proxy.local ;");
    ASSERT_TRUE(config.is_ok()) << config.status().to_string();
    EXPECT_EQ(config->blob_endpoint, "http://proxy.local:10000/devstoreaccount1");
    expect_invalid("UseDevelopmentStorage=true;AccountName=other", "cannot be combined");
    expect_invalid("DevelopmentStorageProxyUri=http://p", "requires UseDevelopmentStorage=true");
    expect_invalid("UseDevelopmentStorage=maybe", "UseDevelopmentStorage must be true or false");
}

TEST(ConnectionString, ExplicitPathStyleBlobEndpoint) {
    std::string text = std::string("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=") + kDevKey +
                       ";BlobEndpoint=http://127.0.0.1:1234/devstoreaccount1/;";
    auto config = parse_connection_string(text);
    ASSERT_TRUE(config.is_ok()) << config.status().to_string();
    EXPECT_EQ(config->account_name, "devstoreaccount1");
    EXPECT_EQ(config->blob_endpoint, "http://127.0.0.1:1234/devstoreaccount1");  // trailing '/' dropped
    EXPECT_TRUE(config->path_style);
    EXPECT_EQ(config->auth, AuthKind::kSharedKey);
    EXPECT_EQ(config->account_key, kDevKey);  // the '=' padding survives the Key=Value split
}

TEST(ConnectionString, HostStyleBlobEndpointIsNotPathStyle) {
    auto config = parse_connection_string("AccountName=acct;BlobEndpoint=https://acct.blob.example.net/");
    ASSERT_TRUE(config.is_ok()) << config.status().to_string();
    EXPECT_EQ(config->blob_endpoint, "https://acct.blob.example.net");
    EXPECT_FALSE(config->path_style);
    EXPECT_EQ(config->auth, AuthKind::kAnonymous);
}

TEST(ConnectionString, EndpointSuffixAndProtocol) {
    auto cloud = parse_connection_string(std::string("AccountName=acct;AccountKey=") + kDevKey);
    ASSERT_TRUE(cloud.is_ok()) << cloud.status().to_string();
    EXPECT_EQ(cloud->blob_endpoint, "https://acct.blob.core.windows.net");
    EXPECT_FALSE(cloud->path_style);
    auto china = parse_connection_string(std::string(" defaultendpointsprotocol = HTTP ; ACCOUNTNAME = acct ; "
                                                     "AccountKey=") + kDevKey + ";EndpointSuffix=core.chinacloudapi.cn");
    ASSERT_TRUE(china.is_ok()) << china.status().to_string();
    EXPECT_EQ(china->blob_endpoint, "http://acct.blob.core.chinacloudapi.cn");
    EXPECT_EQ(china->account_name, "acct");
}

TEST(ConnectionString, SharedAccessSignature) {
    auto config = parse_connection_string(std::string("BlobEndpoint=https://acct.blob.core.windows.net;"
                                                      "SharedAccessSignature=?") + kSas);
    ASSERT_TRUE(config.is_ok()) << config.status().to_string();
    EXPECT_EQ(config->auth, AuthKind::kSas);
    EXPECT_EQ(config->sas_token, kSas);  // leading '?' stripped, '=' inside kept
    EXPECT_EQ(config->account_name, "acct");  // derived from the host
    auto path_style = parse_connection_string(std::string("BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
                                                          "SharedAccessSignature=") + kSas);
    ASSERT_TRUE(path_style.is_ok()) << path_style.status().to_string();
    EXPECT_EQ(path_style->account_name, "devstoreaccount1");  // first path segment
    EXPECT_TRUE(path_style->path_style);
}

TEST(ConnectionString, AccountKeyWinsOverSasGivenAlongside) {
    auto config = parse_connection_string(std::string("AccountName=acct;AccountKey=") + kDevKey +
                                          ";SharedAccessSignature=" + kSas);
    ASSERT_TRUE(config.is_ok());
    EXPECT_EQ(config->auth, AuthKind::kSharedKey);
}

TEST(ConnectionString, MalformedAndMissingParts) {
    expect_invalid("", "empty");
    expect_invalid(" ; ;", "no AccountName");
    expect_invalid(std::string("AccountKey=") + kDevKey, "no AccountName");
    expect_invalid("AccountName=acct;foo", "malformed segment 'foo' (expected Key=Value)");
    expect_invalid(std::string("AccountName=acct;") + kDevKey, "malformed segment");
    expect_invalid("AccountName=acct;=value", "malformed segment");
    expect_invalid("AccountName=acct;AccountKey=not!base64", "AccountKey is not valid base64");
    expect_invalid(std::string("AccountName=acct;AccountKey=") + std::string(kDevKey).substr(0, 30),
                   "AccountKey is not valid base64");
    expect_invalid("AccountName=acct;BlobEndpoint=ftp://x", "BlobEndpoint 'ftp://x' must be http or https");
    expect_invalid("AccountName=acct;BlobEndpoint=http://", "has no host");
    expect_invalid("AccountName=acct;BlobEndpoint=https://acct.blob.core.windows.net/?sv=1&sig=SECRET",
                   "BlobEndpoint 'https://acct.blob.core.windows.net/' must not contain a query");
    expect_invalid("AccountName=acct;DefaultEndpointsProtocol=ftp", "DefaultEndpointsProtocol 'ftp' must be http");
    expect_invalid("AccountName=Bad_Name", "AccountName 'Bad_Name'");
    expect_invalid("AccountName=a;AccountName=b", "AccountName twice");
    expect_invalid("AccountName=acct;SharedAccessSignature=?", "SharedAccessSignature is empty");
    expect_invalid("AccountName=acct;SharedAccessSignature=sv=2021-08-06&sp=r", "has no signature (sig)");
    expect_invalid("BlobEndpoint=http://localhost:10000;SharedAccessSignature=x&sig=y", "no AccountName");
    expect_invalid("AccountName=acct;EndpointSuffix=evil.com/path", "EndpointSuffix");
}

using Env = std::map<std::string, std::string>;

EnvLookup lookup(const Env& env) {
    return [env](const std::string& name) -> std::optional<std::string> {
        auto it = env.find(name);
        if (it == env.end()) return std::nullopt;
        return it->second;
    };
}

TEST(EnvConfig, ConnectionStringTakesPrecedence) {
    Env env = {{"AZURE_STORAGE_CONNECTION_STRING", "UseDevelopmentStorage=true"},
               {"AZURE_STORAGE_ACCOUNT", "other"},
               {"AZURE_STORAGE_KEY", kDevKey}};
    auto config = config_from_environment(lookup(env));
    ASSERT_TRUE(config.is_ok()) << config.status().to_string();
    EXPECT_EQ(config->account_name, "devstoreaccount1");
}

TEST(EnvConfig, AccountWithKeyThenSasThenAnonymous) {
    auto with_key = config_from_environment(
        lookup({{"AZURE_STORAGE_ACCOUNT", "acct"}, {"AZURE_STORAGE_KEY", kDevKey}, {"AZURE_STORAGE_SAS_TOKEN", kSas}}));
    ASSERT_TRUE(with_key.is_ok()) << with_key.status().to_string();
    EXPECT_EQ(with_key->auth, AuthKind::kSharedKey);
    EXPECT_EQ(with_key->blob_endpoint, "https://acct.blob.core.windows.net");

    auto with_sas = config_from_environment(
        lookup({{"AZURE_STORAGE_ACCOUNT", "acct"}, {"AZURE_STORAGE_SAS_TOKEN", std::string("?") + kSas}}));
    ASSERT_TRUE(with_sas.is_ok()) << with_sas.status().to_string();
    EXPECT_EQ(with_sas->auth, AuthKind::kSas);
    EXPECT_EQ(with_sas->sas_token, kSas);

    auto anonymous = config_from_environment(lookup({{"AZURE_STORAGE_ACCOUNT", "acct"}, {"AZURE_STORAGE_KEY", ""}}));
    ASSERT_TRUE(anonymous.is_ok()) << anonymous.status().to_string();
    EXPECT_EQ(anonymous->auth, AuthKind::kAnonymous);
}

TEST(EnvConfig, NothingSetIsNotFound) {
    auto config = config_from_environment(lookup({}));
    ASSERT_FALSE(config.is_ok());
    EXPECT_EQ(config.status().code(), Code::kNotFound);
    EXPECT_NE(config.status().message().find("AZURE_STORAGE_CONNECTION_STRING"), std::string::npos);
}

TEST(EnvConfig, ErrorsNameTheVariableAndHideSecrets) {
    auto bad_cs = config_from_environment(lookup({{"AZURE_STORAGE_CONNECTION_STRING", "AccountName=acct;junk"}}));
    ASSERT_FALSE(bad_cs.is_ok());
    EXPECT_EQ(bad_cs.status().code(), Code::kInvalidArgument);
    EXPECT_TRUE(bad_cs.status().message().starts_with("AZURE_STORAGE_CONNECTION_STRING")) << bad_cs.status().message();

    auto bad_key = config_from_environment(lookup({{"AZURE_STORAGE_ACCOUNT", "acct"}, {"AZURE_STORAGE_KEY", "abc$"}}));
    ASSERT_FALSE(bad_key.is_ok());
    EXPECT_NE(bad_key.status().message().find("AccountKey is not valid base64"), std::string::npos);
    EXPECT_EQ(bad_key.status().message().find("abc$"), std::string::npos);

    auto key_only = config_from_environment(lookup({{"AZURE_STORAGE_KEY", kDevKey}}));
    ASSERT_FALSE(key_only.is_ok());
    EXPECT_EQ(key_only.status().code(), Code::kInvalidArgument);
    EXPECT_NE(key_only.status().message().find("AZURE_STORAGE_ACCOUNT is not"), std::string::npos);
    EXPECT_EQ(key_only.status().message().find(kDevKey), std::string::npos);
}

}  // namespace
}  // namespace azblobfs
