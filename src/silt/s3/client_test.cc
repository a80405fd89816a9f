// S3Client against a scripted transport: retry decisions, error mapping, integrity checks.
// The same client runs against a real server in store/s3_store_test.cc.
#include "silt/s3/client.h"

#include <gtest/gtest.h>

#include <deque>
#include <ctime>
#include <functional>

#include "silt/s3/crypto.h"
#include "silt/s3/fault_transport.h"

namespace silt::s3 {
namespace {

struct Scripted : HttpTransport {
  // Each step sees the request and fills the response (or returns a transport error).
  std::deque<std::function<Status(const HttpRequest&, HttpResponse*, const BodySink*)>> steps;
  std::vector<HttpRequest> seen;
  std::vector<std::string> bodies;  // seen[i].body is a view that dies with the request

  Status Send(const HttpRequest& req, HttpResponse* resp, const BodySink* sink) override {
    seen.push_back(req);
    bodies.emplace_back(req.body);
    *resp = HttpResponse{};
    if (steps.empty()) {
      ADD_FAILURE() << "unexpected request " << req.method << " " << req.path;
      return Status::Internal("no script");
    }
    auto step = std::move(steps.front());
    steps.pop_front();
    return step(req, resp, sink);
  }
};

auto Answer(long status, std::string body, HeaderList headers = {}) {
  return [=](const HttpRequest&, HttpResponse* r, const BodySink* sink) {
    r->status = status;
    r->headers = headers;
    bool has_length = false;
    for (const auto& [k, v] : headers) has_length |= k == "content-length";
    if (!has_length) r->headers.emplace_back("content-length", std::to_string(body.size()));
    if (sink != nullptr) {
      std::copy(body.begin(), body.end(), sink->data);
    } else {
      r->body = body;
    }
    r->body_bytes = body.size();
    return Status::OK();
  };
}

auto Fail(Status s) {
  return [=](const HttpRequest&, HttpResponse*, const BodySink*) { return s; };
}

std::string ErrorXml(const std::string& code) {
  return "<?xml version=\"1.0\"?><Error><Code>" + code + "</Code><Message>m</Message></Error>";
}

class ClientTest : public ::testing::Test {
 protected:
  ClientTest() {
    transport_ = std::make_shared<Scripted>();
    S3Settings s;
    s.endpoint = "http://127.0.0.1:1";
    s.base_backoff_ms = 1;
    s.max_backoff_ms = 2;
    s.max_attempts = 4;
    client_ = std::make_shared<S3Client>(
        s, transport_, StaticCredentials({"AKIDTEST", "SECRET-NEVER-SHOWN", ""}, "test"));
  }
  std::shared_ptr<Scripted> transport_;
  std::shared_ptr<S3Client> client_;
};

TEST_F(ClientTest, RetriesThrottlingAndServerErrorsThenSucceeds) {
  transport_->steps.push_back(Answer(503, ErrorXml("SlowDown")));
  transport_->steps.push_back(Fail(Status::Unavailable("connection reset")));
  transport_->steps.push_back(Answer(500, ErrorXml("InternalError")));
  transport_->steps.push_back(Answer(200, "", {{"etag", "\"0123456789abcdef0123456789abcdef\""},
                                                {"last-modified", "Wed, 01 May 2024 12:00:00 GMT"}}));
  auto h = client_->HeadObject("b", "k");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->etag, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(h->mtime_us, 1714564800LL * 1000000);
  EXPECT_EQ(client_->stats().retries.load(), 3u);
  // Path-style, signed.
  EXPECT_EQ(transport_->seen[0].path, "/b/k");
  bool signed_request = false;
  for (const auto& [n, v] : transport_->seen[0].headers) signed_request |= n == "authorization";
  EXPECT_TRUE(signed_request);
}

TEST_F(ClientTest, GivesUpAfterMaxAttemptsAsUnavailable) {
  for (int i = 0; i < 4; ++i) transport_->steps.push_back(Answer(503, ErrorXml("SlowDown")));
  auto h = client_->HeadObject("b", "k");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(h.status().message().find("gave up after 4 attempts"), std::string::npos);
}

TEST_F(ClientTest, WrongSecretFailsFastNamingKeyIdAndEndpointNotSecret) {
  transport_->steps.push_back(Answer(403, ErrorXml("SignatureDoesNotMatch")));
  auto h = client_->GetObject("b", "k");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), StatusCode::kPermissionDenied);
  const std::string& m = h.status().message();
  EXPECT_NE(m.find("SignatureDoesNotMatch"), std::string::npos) << m;
  EXPECT_NE(m.find("AKIDTEST"), std::string::npos) << m;
  EXPECT_NE(m.find("http://127.0.0.1:1"), std::string::npos) << m;
  EXPECT_EQ(m.find("SECRET-NEVER-SHOWN"), std::string::npos) << m;
  EXPECT_EQ(transport_->seen.size(), 1u);  // no retries
}

TEST_F(ClientTest, MissingObjectsAndBuckets) {
  transport_->steps.push_back(Answer(404, ErrorXml("NoSuchKey")));
  auto g = client_->GetObject("b", "dir/k");
  ASSERT_FALSE(g.ok());
  EXPECT_TRUE(g.status().IsNotFound());
  EXPECT_NE(g.status().message().find("s3://b/dir/k"), std::string::npos);
  transport_->steps.push_back(Answer(404, ErrorXml("NoSuchBucket")));
  auto l = client_->ListObjectsV2("nob", "", "", "", 10);
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.status().message().find("no such bucket: nob"), std::string::npos);
}

TEST_F(ClientTest, ShortBodiesAreRetried) {
  transport_->steps.push_back([](const HttpRequest&, HttpResponse* r, const BodySink*) {
    r->status = 200;
    r->headers.emplace_back("content-length", "10");
    r->body = "hello";
    r->body_bytes = 5;
    return Status::OK();
  });
  transport_->steps.push_back(Answer(200, "helloworld"));
  auto g = client_->GetObject("b", "k");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(*g, "helloworld");
}

TEST_F(ClientTest, WholeGetsAreCheckedAgainstTheMd5Etag) {
  const std::string etag = "\"" + HexLower(Md5("the right bytes")) + "\"";
  transport_->steps.push_back(Answer(200, "the wrong bytes", {{"etag", etag}}));
  transport_->steps.push_back(Answer(200, "the right bytes", {{"etag", etag}}));
  auto g = client_->GetObject("b", "k");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(*g, "the right bytes");
}

TEST_F(ClientTest, KmsAndCustomerKeyEtagsAreNotTakenForMd5) {
  // With SSE-KMS or SSE-C the ETag is 32 hex digits but not the MD5 of the bytes: a whole GET
  // or a PUT must not call that corruption.
  const std::string other = "\"0123456789abcdef0123456789abcdef\"";
  transport_->steps.push_back(Answer(200, "bytes", {{"etag", other}, {"x-amz-server-side-encryption", "aws:kms"}}));
  auto g = client_->GetObject("b", "k");
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(*g, "bytes");
  transport_->steps.push_back(Answer(200, "bytes", {{"etag", other}, {"x-amz-server-side-encryption-customer-algorithm", "AES256"}}));
  EXPECT_TRUE(client_->GetObject("b", "k").ok());
  transport_->steps.push_back(Answer(200, "", {{"etag", other}, {"x-amz-server-side-encryption", "aws:kms"}}));
  auto p = client_->PutObject("b", "k", Body::Memory("bytes"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->etag, "0123456789abcdef0123456789abcdef");
  // Without encryption headers a mismatch is still refused.
  transport_->steps.push_back(Answer(200, "", {{"etag", other}}));
  auto bad = client_->PutObject("b", "k", Body::Memory("bytes"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kCorruption);
}

TEST_F(ClientTest, RangesIntoCallerBuffersAndPastTheEnd) {
  transport_->steps.push_back(Answer(206, "0123"));
  char buf[4];
  auto n = client_->GetRange("b", "k", 10, 4, buf);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 4u);
  EXPECT_EQ(std::string(buf, 4), "0123");
  EXPECT_EQ(transport_->seen[0].headers[0].second, "bytes=10-13");
  transport_->steps.push_back(Answer(416, ErrorXml("InvalidRange")));
  n = client_->GetRange("b", "k", 100, 4, buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
}

TEST_F(ClientTest, PutSendsContentMd5AndConditionalHeader) {
  const std::string body = "data";
  transport_->steps.push_back(Answer(200, "", {{"etag", "\"" + HexLower(Md5(body)) + "\""}}));
  WriteParams p;
  p.if_none_match = true;
  p.storage_class = "GLACIER";
  auto put = client_->PutObject("b", "k", Body::Memory(body), p);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  const HttpRequest& r = transport_->seen[0];
  auto header = [&](const std::string& n) {
    for (const auto& [k, v] : r.headers) if (k == n) return v;
    return std::string();
  };
  EXPECT_EQ(header("content-md5"), Base64(Md5(body)));
  EXPECT_EQ(header("if-none-match"), "*");
  EXPECT_EQ(header("x-amz-storage-class"), "GLACIER");
}

TEST_F(ClientTest, ConditionalPutOnExistingKeyIsAlreadyExists) {
  transport_->steps.push_back(Answer(412, ErrorXml("PreconditionFailed")));
  WriteParams p;
  p.if_none_match = true;
  auto put = client_->PutObject("b", "k", Body::Memory("x"), p);
  ASSERT_FALSE(put.ok());
  EXPECT_TRUE(put.status().IsAlreadyExists()) << put.status().ToString();
}

TEST_F(ClientTest, RetriedConditionalPutThatLandedIsASuccess) {
  const std::string body = "mine";
  const std::string etag = "\"" + HexLower(Md5(body)) + "\"";
  transport_->steps.push_back(Fail(Status::Unavailable("lost the answer")));  // but it landed
  transport_->steps.push_back(Answer(412, ErrorXml("PreconditionFailed")));
  transport_->steps.push_back(Answer(200, "", {{"etag", etag}, {"content-length", "4"}}));
  WriteParams p;
  p.if_none_match = true;
  auto put = client_->PutObject("b", "k", Body::Memory(body), p);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
}

TEST_F(ClientTest, ListDecodesUrlEncodedKeys) {
  transport_->steps.push_back(Answer(200,
      "<ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>tok</NextContinuationToken>"
      "<Contents><Key>a%20b%2Bc</Key><Size>3</Size><ETag>&quot;e&quot;</ETag>"
      "<LastModified>2024-05-01T12:00:00.250Z</LastModified></Contents>"
      "<CommonPrefixes><Prefix>d%2F</Prefix></CommonPrefixes></ListBucketResult>"));
  auto l = client_->ListObjectsV2("b", "", "/", "", 1000);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  ASSERT_EQ(l->objects.size(), 1u);
  EXPECT_EQ(l->objects[0].key, "a b+c");
  EXPECT_EQ(l->objects[0].etag, "e");
  EXPECT_EQ(l->objects[0].mtime_us, 1714564800LL * 1000000 + 250000);
  EXPECT_EQ(l->common_prefixes[0], "d/");
  EXPECT_EQ(l->next_token, "tok");
}

TEST_F(ClientTest, ErrorsInsideA200AnswerAreSeen) {
  transport_->steps.push_back(Answer(200, ErrorXml("InternalError")));
  transport_->steps.push_back(Answer(200, "<CompleteMultipartUploadResult><ETag>\"x-1\"</ETag>"
                                          "</CompleteMultipartUploadResult>"));
  auto done = client_->CompleteMultipartUpload("b", "k", "id", {"0123456789abcdef0123456789abcdef"});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->etag, "x-1");
}

std::string AssumeRoleAnswer(const std::string& key_id, const std::string& expiration) {
  return "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>" + key_id +
         "</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>tok-" + key_id +
         "</SessionToken><Expiration>" + expiration +
         "</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";
}

std::string IsoIn(int seconds) {
  time_t t = time(nullptr) + seconds;
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
  return buf;
}

TEST(AssumeRole, SignsWithBaseKeysCachesAndRefreshesBeforeExpiry) {
  auto sts = std::make_shared<Scripted>();
  auto role = AssumeRoleCredentials(StaticCredentials({"AKBASE", "base-secret", ""}, "test"), sts,
                                    "http://127.0.0.1:1", "us-east-1",
                                    "arn:aws:iam::1:role/reader", "silt-test", "");
  // Keys that expire in 2 minutes are inside the 5-minute margin: the next Get refreshes.
  sts->steps.push_back(Answer(200, AssumeRoleAnswer("AKTEMP1", IsoIn(120))));
  sts->steps.push_back(Answer(200, AssumeRoleAnswer("AKTEMP2", IsoIn(3600))));
  auto k1 = role->Get();
  ASSERT_TRUE(k1.ok()) << k1.status().ToString();
  EXPECT_EQ(k1->access_key_id, "AKTEMP1");
  EXPECT_EQ(k1->session_token, "tok-AKTEMP1");
  auto k2 = role->Get();
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(k2->access_key_id, "AKTEMP2");
  auto k3 = role->Get();  // an hour left: cached, no request
  ASSERT_TRUE(k3.ok());
  EXPECT_EQ(k3->access_key_id, "AKTEMP2");
  ASSERT_EQ(sts->seen.size(), 2u);
  const HttpRequest& r = sts->seen[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_NE(sts->bodies[0].find("Action=AssumeRole"), std::string::npos);
  EXPECT_NE(sts->bodies[0].find("RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Freader"), std::string::npos);
  std::string auth;
  for (const auto& [n, v] : r.headers) if (n == "authorization") auth = v;
  EXPECT_NE(auth.find("Credential=AKBASE/"), std::string::npos) << auth;
  EXPECT_NE(auth.find("/us-east-1/sts/aws4_request"), std::string::npos) << auth;
}

TEST(AssumeRole, RefusalNamesRoleAndKeyIdNotSecret) {
  auto sts = std::make_shared<Scripted>();
  auto role = AssumeRoleCredentials(StaticCredentials({"AKBASE", "base-secret", ""}, "environment"),
                                    sts, "http://127.0.0.1:1", "us-east-1",
                                    "arn:aws:iam::1:role/nope", "silt-test", "");
  sts->steps.push_back(Answer(403, ErrorXml("AccessDenied")));
  auto k = role->Get();
  ASSERT_FALSE(k.ok());
  const std::string& m = k.status().message();
  EXPECT_NE(m.find("arn:aws:iam::1:role/nope"), std::string::npos) << m;
  EXPECT_NE(m.find("AKBASE"), std::string::npos) << m;
  EXPECT_NE(m.find("AccessDenied"), std::string::npos) << m;
  EXPECT_EQ(m.find("base-secret"), std::string::npos) << m;
}

TEST(FaultSpec, Parses) {
  auto f = ParseFaultSpec("throttle=0.1,reset=0.2,lost=0.3,truncate=0.4,corrupt=0.5,latency=7,seed=3,max=9");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_DOUBLE_EQ(f->throttle, 0.1);
  EXPECT_DOUBLE_EQ(f->corrupt, 0.5);
  EXPECT_EQ(f->latency_ms, 7);
  EXPECT_EQ(f->max_faults, 9u);
  EXPECT_FALSE(ParseFaultSpec("throttle=2").ok());
  EXPECT_FALSE(ParseFaultSpec("explode=0.1").ok());
  EXPECT_FALSE(ParseFaultSpec("reset").ok());
}

}  // namespace
}  // namespace silt::s3
