// S3Store against a real S3-compatible server (Ceph RGW on 127.0.0.1, started by the CTest
// fixture in tests/CMakeLists.txt; see scripts/test-servers/rgw.sh). The server's address and
// keys come from the env file named by SILT_TEST_S3_ENV. Without it the tests are skipped.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <cstring>
#include <map>

#include <fmt/format.h>

#include "silt/s3/crypto.h"
#include "silt/s3/fault_transport.h"
#include "silt/store/s3_store.h"
#include "silt/store/store_conformance.h"

namespace silt::store {
namespace {

namespace fs = std::filesystem;

struct TestServer {
  bool available = false;
  std::string endpoint, bucket, access_key, secret_key, role_arn;
};

const TestServer& Server() {
  static TestServer server = [] {
    TestServer s;
    const char* path = std::getenv("SILT_TEST_S3_ENV");
    if (path == nullptr) return s;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.starts_with("export ")) line = line.substr(7);
      size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string k = line.substr(0, eq), v = line.substr(eq + 1);
      if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'')) v = v.substr(1, v.size() - 2);
      ::setenv(k.c_str(), v.c_str(), 1);
      if (k == "SILT_TEST_S3_ENDPOINT") s.endpoint = v;
      if (k == "SILT_TEST_S3_BUCKET") s.bucket = v;
      if (k == "AWS_ACCESS_KEY_ID") s.access_key = v;
      if (k == "AWS_SECRET_ACCESS_KEY") s.secret_key = v;
      if (k == "SILT_TEST_S3_ROLE_ARN") s.role_arn = v;
    }
    ::setenv("AWS_ENDPOINT_URL", s.endpoint.c_str(), 1);
    s.available = !s.endpoint.empty() && !s.bucket.empty();
    return s;
  }();
  return server;
}

s3::S3Settings Settings() {
  s3::S3Settings s;
  s.endpoint = Server().endpoint;
  s.region = "us-east-1";
  s.base_backoff_ms = 5;
  s.max_backoff_ms = 100;
  s.multipart_threshold = 5ull << 20;  // exercise multipart with small files
  s.part_size = 5ull << 20;
  s.copy_threshold = 5ull << 20;
  s.read_ahead = 1ull << 20;
  return s;
}

std::shared_ptr<s3::S3Client> Client(std::shared_ptr<s3::HttpTransport> transport = nullptr,
                                     s3::S3Settings settings = Settings()) {
  if (transport == nullptr) transport = s3::MakeCurlTransport();
  return std::make_shared<s3::S3Client>(
      settings, transport,
      s3::StaticCredentials({Server().access_key, Server().secret_key, ""}, "test"));
}

std::string UniquePrefix(std::string_view what) {
  static std::atomic<int> n{0};
  return fmt::format("t-{}-{}-{}-{}/", what, ::getpid(),
                     std::chrono::steady_clock::now().time_since_epoch().count() % 1000000,
                     n.fetch_add(1));
}

// A store under a fresh prefix that deletes everything under it when destroyed.
class ScratchS3Store : public S3Store {
 public:
  using S3Store::S3Store;
  ~ScratchS3Store() override {
    std::vector<std::string> keys;
    (void)ForEach("", [&](const ObjectVersion& v) {
      keys.push_back(v.key);
      return Status::OK();
    });
    (void)DeleteMany(keys);
  }
};

std::unique_ptr<ScratchS3Store> MakeScratch(std::string_view what,
                                            std::shared_ptr<s3::S3Client> client = nullptr) {
  if (!Server().available) return nullptr;
  if (client == nullptr) client = Client();
  return std::make_unique<ScratchS3Store>(client, Server().bucket, UniquePrefix(what));
}

INSTANTIATE_TEST_SUITE_P(
    S3, StoreConformance,
    ::testing::Values(StoreFactory{"rgw", []() -> std::unique_ptr<Store> {
      return MakeScratch("conformance");
    }}),
    StoreFactoryName);

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Server().available) GTEST_SKIP() << "no S3 test server (SILT_TEST_S3_ENV)";
  }
};

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng();
    std::memcpy(s.data() + i, &v, std::min<size_t>(8, n - i));
  }
  return s;
}

fs::path TempFile(const std::string& data) {
  static std::atomic<int> n{0};
  fs::path p = fs::temp_directory_path() /
               fmt::format("silt-s3test-{}-{}", ::getpid(), n.fetch_add(1));
  std::ofstream(p, std::ios::binary) << data;
  return p;
}

TEST_F(S3StoreTest, MultipartUploadOfAFileReadsBackIdentically) {
  auto store = MakeScratch("multipart");
  const std::string data = RandomBytes((23ull << 20) + 123, 1);
  fs::path file = TempFile(data);
  auto v = store->PutFile("big.bin", file.string());
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->size, data.size());
  EXPECT_NE(v->etag.find("-5"), std::string::npos) << v->etag;  // 5 parts
  auto head = store->Head("big.bin");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->etag, v->etag);
  auto back = store->Get("big.bin");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == data);
  // Streamed with read-ahead from an offset.
  auto reader = store->OpenReader(*head, 1000, head->size);
  ASSERT_TRUE(reader.ok());
  std::string streamed(head->size - 1000, '\0');
  size_t got = 0;
  while (got < streamed.size()) {
    auto n = (*reader)->Read(streamed.data() + got, 777777);
    ASSERT_TRUE(n.ok()) << n.status().ToString();
    if (*n == 0) break;
    got += *n;
  }
  EXPECT_EQ(got, streamed.size());
  EXPECT_TRUE(streamed == data.substr(1000));
  auto uploads = store->client().ListMultipartUploads(store->bucket(), store->prefix());
  ASSERT_TRUE(uploads.ok());
  EXPECT_TRUE(uploads->empty());
  fs::remove(file);
}

// Fails every UploadPart of part 3: the upload must be aborted, nothing left behind.
struct FailPartThree : s3::HttpTransport {
  std::shared_ptr<s3::HttpTransport> inner = s3::MakeCurlTransport();
  Status Send(const s3::HttpRequest& r, s3::HttpResponse* resp, const s3::BodySink* sink) override {
    for (const auto& [k, v] : r.query) {
      if (k == "partNumber" && v == "3") {
        *resp = s3::HttpResponse{};
        resp->status = 400;
        resp->body = "<Error><Code>EntityTooSmall</Code></Error>";
        resp->body_bytes = resp->body.size();
        return Status::OK();
      }
    }
    return inner->Send(r, resp, sink);
  }
};

TEST_F(S3StoreTest, FailedMultipartUploadIsAbortedAndLeavesNothing) {
  auto store = MakeScratch("abort", Client(std::make_shared<FailPartThree>()));
  const std::string data = RandomBytes(21ull << 20, 2);
  auto v = store->Put("never.bin", data);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("EntityTooSmall"), std::string::npos) << v.status().ToString();
  EXPECT_TRUE(store->Head("never.bin").status().IsNotFound());
  auto uploads = store->client().ListMultipartUploads(store->bucket(), store->prefix());
  ASSERT_TRUE(uploads.ok()) << uploads.status().ToString();
  EXPECT_TRUE(uploads->empty()) << uploads->size() << " orphaned uploads";
}

TEST_F(S3StoreTest, DeleteManyGoesInBatchesOfAThousand) {
  auto store = MakeScratch("batches");
  std::vector<std::string> keys;
  for (int i = 0; i < 1100; ++i) keys.push_back(fmt::format("k/{:05}", i));
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < 8; ++t) {
    pool.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < keys.size();) ASSERT_TRUE(store->Put(keys[i], "x").ok());
    });
  }
  for (auto& t : pool) t.join();
  keys.push_back("k/never-written");  // absent keys are not an error
  const uint64_t before = store->client().stats().requests.load();
  ASSERT_TRUE(store->DeleteMany(keys).ok());
  EXPECT_EQ(store->client().stats().requests.load() - before, 2u);  // 1,000 + 101
  size_t left = 0;
  ASSERT_TRUE(store->ForEach("", [&](const ObjectVersion&) {
    ++left;
    return Status::OK();
  }).ok());
  EXPECT_EQ(left, 0u);
}

TEST_F(S3StoreTest, LargeCopiesUseUploadPartCopy) {
  auto store = MakeScratch("copy");
  const std::string data = RandomBytes((11ull << 20) + 7, 3);
  ASSERT_TRUE(store->Put("src.bin", data).ok());
  auto c = store->Copy("src.bin", "dst.bin");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_NE(c->etag.find('-'), std::string::npos) << "expected a multipart copy: " << c->etag;
  auto back = store->Get("dst.bin");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(*back == data);
}

TEST_F(S3StoreTest, StorageClassIsApplied) {
  auto store = MakeScratch("class");
  PutOptions o;
  o.storage_class = "GLACIER";
  ASSERT_TRUE(store->Put("cold.txt", "brr", o).ok());
  auto info = store->client().HeadObject(store->bucket(), store->prefix() + "cold.txt");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->storage_class, "GLACIER");
  auto list = store->client().ListObjectsV2(store->bucket(), store->prefix(), "", "", 10);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->objects.size(), 1u);
  EXPECT_EQ(list->objects[0].storage_class, "GLACIER");
}

TEST_F(S3StoreTest, ReaderIsPinnedToOneVersion) {
  auto store = MakeScratch("pinned");
  ASSERT_TRUE(store->Put("k", RandomBytes(3 << 20, 4)).ok());
  auto v = store->Head("k");
  ASSERT_TRUE(v.ok());
  ASSERT_TRUE(store->Put("k", RandomBytes(3 << 20, 5)).ok());  // replaced before reading
  auto reader = store->OpenReader(*v, 0, v->size);
  ASSERT_TRUE(reader.ok());
  std::string buf(1 << 20, '\0');
  auto n = (*reader)->Read(buf.data(), buf.size());
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), StatusCode::kPreconditionFailed) << n.status().ToString();
}

TEST_F(S3StoreTest, WrongSecretFailsFastWithAClearMessage) {
  auto client = std::make_shared<s3::S3Client>(
      Settings(), s3::MakeCurlTransport(),
      s3::StaticCredentials({Server().access_key, "not-the-secret", ""}, "test"));
  auto t0 = std::chrono::steady_clock::now();
  auto r = client->ListObjectsV2(Server().bucket, "", "", "", 1);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied) << r.status().ToString();
  const std::string& m = r.status().message();
  EXPECT_NE(m.find(Server().endpoint), std::string::npos) << m;
  EXPECT_NE(m.find(Server().access_key), std::string::npos) << m;
  EXPECT_EQ(m.find("not-the-secret"), std::string::npos) << m;
  EXPECT_LT(secs, 2.0);
  EXPECT_EQ(client->stats().retries.load(), 0u);
}

TEST_F(S3StoreTest, OpenStoreChecksTheBucket) {
  auto ok = OpenStore(*ParseUri("s3://" + Server().bucket + "/some/prefix"));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)->Describe(), "s3://" + Server().bucket + "/some/prefix/");
  auto missing = OpenStore(*ParseUri("s3://no-such-bucket-silt/x"));
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
}

// Every kind of fault at once, often: every operation still converges, and nothing damaged is
// ever stored or returned.
TEST_F(S3StoreTest, RetriesConvergeUnderInjectedFaults) {
  s3::FaultSpec spec;
  spec.throttle = 0.1;
  spec.reset = 0.1;
  spec.lost = 0.1;
  spec.truncate = 0.1;
  spec.corrupt = 0.1;
  spec.latency_ms = 5;
  spec.seed = 42;
  auto faulty = std::make_shared<s3::FaultInjectingTransport>(s3::MakeCurlTransport(), spec);
  s3::S3Settings settings = Settings();
  settings.max_attempts = 30;
  auto client = Client(faulty, settings);
  auto store = MakeScratch("faults", client);
  std::map<std::string, std::string> want;
  for (int i = 0; i < 40; ++i) {
    std::string key = fmt::format("obj-{:03}", i);
    want[key] = RandomBytes(1000 + i * 997, 100 + i);
    PutOptions o;
    o.if_absent = i % 2 == 0;
    auto v = store->Put(key, want[key], o);
    ASSERT_TRUE(v.ok()) << key << ": " << v.status().ToString();
  }
  want["big"] = RandomBytes(12ull << 20, 7);
  ASSERT_TRUE(store->Put("big", want["big"]).ok());
  // Read everything back through the faulty transport, and through a clean one.
  auto clean = std::make_unique<S3Store>(Client(), store->bucket(), store->prefix());
  std::vector<std::string> listed;
  ASSERT_TRUE(store->ForEach("", [&](const ObjectVersion& v) {
    listed.push_back(v.key);
    return Status::OK();
  }).ok());
  EXPECT_EQ(listed.size(), want.size());
  for (const auto& [key, data] : want) {
    auto a = store->Get(key);
    ASSERT_TRUE(a.ok()) << key << ": " << a.status().ToString();
    EXPECT_TRUE(*a == data) << key;
    auto b = clean->Get(key);
    ASSERT_TRUE(b.ok());
    EXPECT_TRUE(*b == data) << key << " stored damaged";
    auto v = clean->Head(key);
    std::string got(data.size(), '\0');
    auto reader = store->OpenReader(*v, 0, v->size);
    ASSERT_TRUE(reader.ok());
    size_t n = 0;
    while (n < got.size()) {
      auto r = (*reader)->Read(got.data() + n, got.size() - n);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      if (*r == 0) break;
      n += *r;
    }
    EXPECT_TRUE(got == data) << key << " read damaged";
  }
  std::vector<std::string> keys(listed.begin(), listed.end());
  ASSERT_TRUE(store->DeleteMany(keys).ok());
  auto uploads = clean->client().ListMultipartUploads(store->bucket(), store->prefix());
  ASSERT_TRUE(uploads.ok());
  EXPECT_TRUE(uploads->empty());
  const auto& c = faulty->counts();
  EXPECT_GT(c.throttled.load(), 0u);
  EXPECT_GT(c.reset.load(), 0u);
  EXPECT_GT(c.lost.load(), 0u);
  EXPECT_GT(c.truncated.load(), 0u);
  EXPECT_GT(c.corrupted.load(), 0u);
  EXPECT_GT(client->stats().retries.load(), 0u);
  std::printf("faults injected: throttled %lu, reset %lu, lost %lu, truncated %lu, corrupted %lu "
              "over %lu requests; %lu retries\n",
              (unsigned long)c.throttled.load(), (unsigned long)c.reset.load(),
              (unsigned long)c.lost.load(), (unsigned long)c.truncated.load(),
              (unsigned long)c.corrupted.load(), (unsigned long)c.requests.load(),
              (unsigned long)client->stats().retries.load());
}

}  // namespace
}  // namespace silt::store
