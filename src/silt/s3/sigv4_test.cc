#include "silt/s3/sigv4.h"

#include <gtest/gtest.h>

#include "silt/s3/crypto.h"

namespace silt::s3 {
namespace {

// The worked examples of AWS's "Signature Calculations for the Authorization Header" page.
const SigningKey kKey{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr int64_t kTime = 1369353600;  // 2013-05-24T00:00:00Z
constexpr std::string_view kEmptySha =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string SignatureOf(const HttpRequest& r) {
  std::string auth = r.headers.back().second;
  return auth.substr(auth.find("Signature=") + 10);
}

TEST(SigV4, AwsExampleGetObjectWithRange) {
  HttpRequest r;
  r.endpoint = "https://examplebucket.s3.amazonaws.com";
  r.path = "/test.txt";
  r.SetHeader("range", "bytes=0-9");
  std::string signed_headers;
  SignV4(r, kKey, "us-east-1", "s3", kEmptySha, kTime);
  EXPECT_EQ(AmzDate(kTime), "20130524T000000Z");
  ASSERT_EQ(r.headers.back().first, "authorization");
  EXPECT_EQ(r.headers.back().second,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, AwsExampleListObjects) {
  HttpRequest r;
  r.endpoint = "https://examplebucket.s3.amazonaws.com";
  r.path = "/";
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};  // the signer sorts them
  SignV4(r, kKey, "us-east-1", "s3", kEmptySha, kTime);
  EXPECT_EQ(SignatureOf(r), "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, AwsExampleGetBucketLifecycle) {
  HttpRequest r;
  r.endpoint = "https://examplebucket.s3.amazonaws.com";
  r.path = "/";
  r.query = {{"lifecycle", ""}};
  SignV4(r, kKey, "us-east-1", "s3", kEmptySha, kTime);
  EXPECT_EQ(SignatureOf(r), "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  EXPECT_EQ(r.Url(), "https://examplebucket.s3.amazonaws.com/?lifecycle");
}

TEST(SigV4, SessionTokenIsSignedAndSent) {
  HttpRequest r;
  r.endpoint = "http://127.0.0.1:7480";
  r.path = "/b/k";
  SigningKey k = kKey;
  k.session_token = "TOKEN";
  SignV4(r, k, "us-east-1", "s3", kUnsignedPayload, kTime);
  bool token = false;
  for (const auto& [n, v] : r.headers) token |= n == "x-amz-security-token" && v == "TOKEN";
  EXPECT_TRUE(token);
  EXPECT_NE(r.headers.back().second.find("x-amz-security-token"), std::string::npos);
}

TEST(SigV4, HostKeepsNonDefaultPortsOnly) {
  EXPECT_EQ(HostOf("http://127.0.0.1:7480"), "127.0.0.1:7480");
  EXPECT_EQ(HostOf("https://s3.amazonaws.com:443"), "s3.amazonaws.com");
  EXPECT_EQ(HostOf("http://minio:80/"), "minio");
  EXPECT_EQ(HostOf("https://h:8443"), "h:8443");
}

TEST(SigV4, UriEncoding) {
  EXPECT_EQ(UriEncode("a b/c~d-e_f.g", true), "a%20b/c~d-e_f.g");
  EXPECT_EQ(UriEncode("a b/c", false), "a%20b%2Fc");
  EXPECT_EQ(UriEncode("é+=&", false), "%C3%A9%2B%3D%26");
}

TEST(Crypto, KnownDigests) {
  EXPECT_EQ(HexLower(Sha256("")), kEmptySha);
  EXPECT_EQ(HexLower(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Base64(Md5("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
  Md5Hasher h;
  h.Update("hello ");
  h.Update("world");
  EXPECT_EQ(HexLower(h.Finish()), HexLower(Md5("hello world")));
}

}  // namespace
}  // namespace silt::s3
