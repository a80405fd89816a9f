#include "silt/s3/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "silt/s3/credentials.h"

namespace silt::s3 {
namespace {

namespace fs = std::filesystem;

// Points HOME, AWS_* and SILT_CONFIG at a scratch folder for one test, and restores them.
class EnvScope {
 public:
  EnvScope() {
    dir_ = fs::temp_directory_path() / ("silt-s3cfg-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(counter_++));
    fs::create_directories(dir_ / ".aws");
    for (const char* n : kVars) {
      const char* v = getenv(n);
      saved_.emplace_back(n, v != nullptr ? std::optional<std::string>(v) : std::nullopt);
      unsetenv(n);
    }
    setenv("HOME", dir_.c_str(), 1);
    setenv("SILT_CONFIG", (dir_ / "silt.conf").c_str(), 1);
  }
  ~EnvScope() {
    for (auto& [n, v] : saved_) {
      if (v) setenv(n, v->c_str(), 1);
      else unsetenv(n);
    }
    SetGlobalOverrides({});
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(dir_ / rel) << text;
  }

 private:
  static constexpr const char* kVars[] = {
      "HOME", "SILT_CONFIG", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
      "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_STS", "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE",
      "AWS_SHARED_CREDENTIALS_FILE"};
  static inline int counter_ = 0;
  fs::path dir_;
  std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

TEST(Ini, SectionsNestedBlocksAndComments) {
  auto ini = ParseIni(
      "# comment\n[default]\nregion = eu-west-1\ns3 =\n  addressing_style = path\n"
      "  endpoint_url = http://x\n; other\n[profile prod]\nrole_arn=arn:aws:iam::1:role/r\n",
      "test");
  ASSERT_TRUE(ini.ok()) << ini.status().ToString();
  ASSERT_EQ(ini->size(), 2u);
  EXPECT_EQ(*(*ini)[0].Find("region"), "eu-west-1");
  EXPECT_EQ(*(*ini)[0].Find("s3.addressing_style"), "path");
  EXPECT_EQ(*(*ini)[0].Find("s3.endpoint_url"), "http://x");
  EXPECT_EQ(*(*ini)[1].Find("role_arn"), "arn:aws:iam::1:role/r");
  EXPECT_EQ(FindProfile(*ini, "prod"), &(*ini)[1]);
  EXPECT_EQ(FindProfile(*ini, "default"), &(*ini)[0]);
  EXPECT_EQ(FindProfile(*ini, "nope"), nullptr);
}

TEST(Ini, MalformedLinesNameTheLine) {
  auto bad = ParseIni("[a]\nno equals here\n", "f.ini");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("f.ini:2"), std::string::npos);
  EXPECT_FALSE(ParseIni("key = before any section\n", "f").ok());
  EXPECT_FALSE(ParseIni("[unterminated\n", "f").ok());
}

TEST(Settings, DefaultsAreAws) {
  EnvScope env;
  auto s = ResolveSettings("bucket", "logs/");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->EffectiveRegion(), "us-east-1");
  EXPECT_EQ(s->EffectiveEndpoint(), "https://s3.us-east-1.amazonaws.com");
  EXPECT_FALSE(s->UsePathStyle());
}

TEST(Settings, EnvironmentThenSiltConfigThenOverrides) {
  EnvScope env;
  env.Write(".aws/config", "[default]\nregion = eu-west-1\n[profile other]\nregion = ap-south-1\n");
  setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9000/", 1);
  auto s = ResolveSettings("b", "");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->region, "eu-west-1");
  EXPECT_EQ(s->EffectiveEndpoint(), "http://127.0.0.1:9000");
  EXPECT_TRUE(s->UsePathStyle());  // custom endpoints default to path-style

  env.Write("silt.conf",
            "[s3://b]\nregion = us-west-2\nstorage_class = GLACIER\n"
            "[s3://b/deep/]\npart_size = 32MiB\npath_style = false\n");
  s = ResolveSettings("b", "deep/x");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->region, "eu-west-1");  // the longest matching section wins alone
  EXPECT_EQ(s->part_size, 32ull << 20);
  EXPECT_FALSE(s->UsePathStyle());
  s = ResolveSettings("b", "other/");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->region, "us-west-2");
  EXPECT_EQ(s->storage_class, "GLACIER");
  s = ResolveSettings("bb", "");  // s3://b does not match s3://bb
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->region, "eu-west-1");

  SetGlobalOverrides({{"role_arn", "arn:aws:iam::123:role/reader"}});
  s = ResolveSettings("b", "other/");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->role_arn, "arn:aws:iam::123:role/reader");
}

TEST(Settings, UnknownKeysAndBadValuesAreClear) {
  EnvScope env;
  env.Write("silt.conf", "[s3://b]\nregoin = x\n");
  auto s = ResolveSettings("b", "");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("did you mean 'region'?"), std::string::npos);
  EXPECT_NE(s.status().message().find("silt.conf"), std::string::npos);
  S3Settings t;
  EXPECT_FALSE(ApplySetting(t, "part_size", "1KiB").ok());  // below S3's 5 MiB minimum
  EXPECT_FALSE(ApplySetting(t, "path_style", "maybe").ok());
  EXPECT_FALSE(ApplySetting(t, "max_connections", "0").ok());
  env.Write("silt.conf", "[logs]\nregion = x\n");
  EXPECT_FALSE(ResolveSettings("b", "").ok());
}

TEST(Credentials, EnvironmentKeys) {
  EnvScope env;
  setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "secret-env", 1);
  auto s = ResolveSettings("b", "");
  ASSERT_TRUE(s.ok());
  auto c = MakeCredentials(*s, MakeCurlTransport());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  auto k = (*c)->Get();
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->access_key_id, "AKENV");
  EXPECT_EQ((*c)->Describe(), "environment");
}

TEST(Credentials, ProfilesFromSharedFiles) {
  EnvScope env;
  env.Write(".aws/credentials",
            "[default]\naws_access_key_id = AKDEF\naws_secret_access_key = s1\n"
            "[prod]\naws_access_key_id = AKPROD\naws_secret_access_key = s2\n"
            "aws_session_token = tok\n");
  env.Write(".aws/config", "[profile cross]\nrole_arn = arn:aws:iam::9:role/x\nsource_profile = prod\n");
  auto s = ResolveSettings("b", "");
  auto c = MakeCredentials(*s, MakeCurlTransport());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->Get()->access_key_id, "AKDEF");

  setenv("AWS_PROFILE", "prod", 1);
  s = ResolveSettings("b", "");
  c = MakeCredentials(*s, MakeCurlTransport());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ((*c)->Get()->session_token, "tok");
  EXPECT_EQ((*c)->Describe(), "profile prod");

  // Environment keys beat AWS_PROFILE; a profile named in silt's config beats both.
  setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "secret-env", 1);
  c = MakeCredentials(*ResolveSettings("b", ""), MakeCurlTransport());
  EXPECT_EQ((*c)->Get()->access_key_id, "AKENV");
  env.Write("silt.conf", "[s3://b]\nprofile = cross\n");
  c = MakeCredentials(*ResolveSettings("b", ""), MakeCurlTransport());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->Describe(), "role arn:aws:iam::9:role/x");
}

TEST(Credentials, NoneFoundSaysWhereItLooked) {
  EnvScope env;
  auto c = MakeCredentials(*ResolveSettings("b", ""), MakeCurlTransport());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotFound);
  EXPECT_NE(c.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
  EXPECT_NE(c.status().message().find(".aws/credentials"), std::string::npos);
}

}  // namespace
}  // namespace silt::s3
