#include "silt/store/store_conformance.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <latch>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace silt::store {

void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

void StoreConformance::SetUp() {
  store_ = GetParam().make();
  if (store_ == nullptr) {
    GTEST_SKIP() << "store factory \"" << GetParam().name << "\" returned no store";
  }
}

void StoreConformance::TearDown() { store_.reset(); }

namespace {

::testing::AssertionResult IsOk(const Status& s) {
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << s.ToString();
}
template <typename T>
::testing::AssertionResult IsOk(const Result<T>& r) {
  return IsOk(r.status());
}

// Asserts that `s` failed with `code`.
::testing::AssertionResult HasCode(const Status& s, StatusCode code) {
  if (s.code() == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected " << StatusCodeName(code) << ", got " << s.ToString();
}
template <typename T>
::testing::AssertionResult HasCode(const Result<T>& r, StatusCode code) {
  return HasCode(r.status(), code);
}

PutOptions IfAbsent() {
  PutOptions options;
  options.if_absent = true;
  return options;
}

ListOptions Prefix(std::string prefix, std::string delimiter = "") {
  ListOptions options;
  options.prefix = std::move(prefix);
  options.delimiter = std::move(delimiter);
  return options;
}

#define STORE_ASSERT_OK(expr) ASSERT_TRUE(IsOk(expr))
#define STORE_EXPECT_OK(expr) EXPECT_TRUE(IsOk(expr))

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng() & 0xff);
  return out;
}

// Objects and common prefixes, in the order a store returns them.
struct Listing {
  std::vector<std::string> objects;
  std::vector<std::string> prefixes;
};

// What S3 returns for `keys` (all pages together): keys starting with `prefix`, those with
// `delimiter` after the prefix rolled up to the delimiter.
Listing ReferenceList(const std::set<std::string>& keys, std::string_view prefix,
                      std::string_view delimiter) {
  Listing out;
  for (const std::string& key : keys) {  // std::set<std::string> iterates in byte order
    if (!StartsWith(key, prefix)) continue;
    const size_t pos = delimiter.empty() ? std::string::npos : key.find(delimiter, prefix.size());
    if (pos == std::string::npos) {
      out.objects.push_back(key);
      continue;
    }
    std::string cp = key.substr(0, pos + delimiter.size());
    if (out.prefixes.empty() || out.prefixes.back() != cp) out.prefixes.push_back(std::move(cp));
  }
  return out;
}

// Lists every page of `options`, checking each page's size and token.
void ListPaged(Store& store, ListOptions options, Listing* out, int* pages = nullptr) {
  for (int n = 1; n <= 100000; ++n) {
    auto page = store.List(options);
    ASSERT_TRUE(IsOk(page)) << "page " << n;
    if (pages != nullptr) *pages = n;
    ASSERT_LE(page->objects.size() + page->common_prefixes.size(),
              static_cast<size_t>(options.max_keys))
        << "page " << n;
    for (const ObjectVersion& v : page->objects) out->objects.push_back(v.key);
    for (const std::string& cp : page->common_prefixes) out->prefixes.push_back(cp);
    if (page->next_continuation.empty()) return;
    ASSERT_FALSE(page->objects.empty() && page->common_prefixes.empty())
        << "page " << n << " is empty but not the last";
    ASSERT_NE(page->next_continuation, options.continuation) << "token did not advance";
    options.continuation = page->next_continuation;
  }
  FAIL() << "listing did not end";
}

std::vector<std::string> ListAllKeys(Store& store, std::string_view prefix) {
  std::vector<std::string> keys;
  Status s = ListAll(store, prefix, [&](const ObjectVersion& v) {
    keys.push_back(v.key);
    return Status::OK();
  });
  EXPECT_TRUE(IsOk(s));
  return keys;
}

// Puts every key (content: the key itself) from `threads` threads. Returns the first error.
Status PutMany(Store& store, const std::vector<std::string>& keys, int threads = 8) {
  std::mutex mu;
  Status first;
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (size_t i = t; i < keys.size(); i += threads) {
        Status s = store.Put(keys[i], keys[i]).status();
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first.ok()) first = s;
          return;
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  return first;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// ---- put / get ------------------------------------------------------------------------------

TEST_P(StoreConformance, PutGetRoundTripsBinaryData) {
  std::string data("\0\0nul\0bytes\0", 12);
  for (int i = 0; i < 4096; ++i) data.push_back(static_cast<char>(i & 0xff));
  auto put = store().Put("bin/data.bin", data);
  STORE_ASSERT_OK(put);
  EXPECT_EQ(put->key, "bin/data.bin");
  EXPECT_EQ(put->size, data.size());
  EXPECT_FALSE(put->etag.empty());

  auto got = store().Get("bin/data.bin");
  STORE_ASSERT_OK(got);
  EXPECT_EQ(got->size(), data.size());
  EXPECT_TRUE(*got == data) << "content differs";

  auto head = store().Head("bin/data.bin");
  STORE_ASSERT_OK(head);
  EXPECT_EQ(head->key, "bin/data.bin");
  EXPECT_EQ(head->size, data.size());
  EXPECT_EQ(head->etag, put->etag);
}

TEST_P(StoreConformance, EmptyObject) {
  auto put = store().Put("empty", "");
  STORE_ASSERT_OK(put);
  EXPECT_EQ(put->size, 0u);
  auto got = store().Get("empty");
  STORE_ASSERT_OK(got);
  EXPECT_EQ(*got, "");
  auto head = store().Head("empty");
  STORE_ASSERT_OK(head);
  EXPECT_EQ(head->size, 0u);
  char buf[8];
  auto n = store().ReadRange("empty", 0, sizeof buf, buf);
  STORE_ASSERT_OK(n);
  EXPECT_EQ(*n, 0u);
  EXPECT_EQ(ListAllKeys(store(), ""), std::vector<std::string>{"empty"});
}

TEST_P(StoreConformance, LargeObject) {
  const std::string data = RandomBytes(5 << 20, 42);
  auto put = store().Put("big/five-mib", data);
  STORE_ASSERT_OK(put);
  EXPECT_EQ(put->size, data.size());
  auto got = store().Get("big/five-mib");
  STORE_ASSERT_OK(got);
  ASSERT_EQ(got->size(), data.size());
  EXPECT_TRUE(*got == data) << "content differs";

  std::string part(1 << 20, '\0');
  const uint64_t offset = (3 << 20) - 17;
  auto n = store().ReadRange("big/five-mib", offset, part.size(), part.data());
  STORE_ASSERT_OK(n);
  ASSERT_EQ(*n, part.size());
  EXPECT_TRUE(part == data.substr(offset, part.size())) << "range content differs";
}

TEST_P(StoreConformance, OverwriteReplacesContent) {
  STORE_ASSERT_OK(store().Put("k/obj", std::string(1000, 'a')));
  auto second = store().Put("k/obj", "short");
  STORE_ASSERT_OK(second);
  EXPECT_EQ(second->size, 5u);
  auto got = store().Get("k/obj");
  STORE_ASSERT_OK(got);
  EXPECT_EQ(*got, "short");
  auto head = store().Head("k/obj");
  STORE_ASSERT_OK(head);
  EXPECT_EQ(head->size, 5u);
  EXPECT_EQ(ListAllKeys(store(), ""), std::vector<std::string>{"k/obj"});
}

TEST_P(StoreConformance, NewVersionHasNewEtag) {
  auto v1 = store().Put("e/obj", "aaaa");
  STORE_ASSERT_OK(v1);
  auto h1 = store().Head("e/obj");
  auto h1_again = store().Head("e/obj");
  STORE_ASSERT_OK(h1);
  STORE_ASSERT_OK(h1_again);
  EXPECT_EQ(h1->etag, v1->etag);
  EXPECT_EQ(h1_again->etag, v1->etag) << "an unchanged object must keep its etag";

  auto v2 = store().Put("e/obj", "bbbb");  // same size, different content
  STORE_ASSERT_OK(v2);
  EXPECT_NE(v2->etag, v1->etag);
  auto h2 = store().Head("e/obj");
  STORE_ASSERT_OK(h2);
  EXPECT_EQ(h2->etag, v2->etag);

  auto v3 = store().Put("e/obj", "cccccccc");
  STORE_ASSERT_OK(v3);
  EXPECT_NE(v3->etag, v2->etag);
  EXPECT_NE(v3->etag, v1->etag);
}

TEST_P(StoreConformance, VersionsAgreeAcrossPutHeadAndList) {
  auto put = store().Put("v/obj", "0123456789");
  STORE_ASSERT_OK(put);
  auto head = store().Head("v/obj");
  STORE_ASSERT_OK(head);
  auto page = store().List({});
  STORE_ASSERT_OK(page);
  ASSERT_EQ(page->objects.size(), 1u);
  for (const ObjectVersion* v : {&*put, &*head, &page->objects[0]}) {
    EXPECT_EQ(v->key, "v/obj");
    EXPECT_EQ(v->size, 10u);
    EXPECT_EQ(v->etag, put->etag);
    EXPECT_EQ(v->etag.find('"'), std::string::npos) << "etags come without quotes";
    const int64_t now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    EXPECT_LT(std::llabs(v->mtime_us - now_us), int64_t{3600} * 1000000)
        << "mtime_us is not within an hour of now: " << v->mtime_us;
  }
}

TEST_P(StoreConformance, PutFileUploadsALocalFile) {
  char path[] = "/tmp/silt-store-putfile-XXXXXX";
  const int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string data = RandomBytes(300000, 7);
  ASSERT_EQ(::write(fd, data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ::close(fd);

  auto put = store().PutFile("up/file.bin", path);
  EXPECT_TRUE(IsOk(put));
  auto got = store().Get("up/file.bin");
  EXPECT_TRUE(IsOk(got));
  if (got.ok()) {
    EXPECT_TRUE(*got == data) << "content differs";
  }
  EXPECT_EQ(::access(path, F_OK), 0) << "PutFile must leave the local file in place";

  auto again = store().PutFile("up/file.bin", path, IfAbsent());
  EXPECT_TRUE(HasCode(again, StatusCode::kAlreadyExists));
  ::unlink(path);

  auto missing = store().PutFile("up/missing.bin", std::string(path) + ".does-not-exist");
  EXPECT_TRUE(HasCode(missing, StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store().Head("up/missing.bin"), StatusCode::kNotFound));
}

// ---- put-if-absent --------------------------------------------------------------------------

TEST_P(StoreConformance, PutIfAbsent) {
  const PutOptions if_absent = IfAbsent();
  STORE_ASSERT_OK(store().Put("m/manifest-1", "first", if_absent));
  auto second = store().Put("m/manifest-1", "second", if_absent);
  EXPECT_TRUE(HasCode(second, StatusCode::kAlreadyExists));
  EXPECT_NE(second.status().message().find("m/manifest-1"), std::string::npos)
      << "the error should name the key: " << second.status().ToString();
  auto got = store().Get("m/manifest-1");
  STORE_ASSERT_OK(got);
  EXPECT_EQ(*got, "first");
  EXPECT_EQ(ListAllKeys(store(), ""), std::vector<std::string>{"m/manifest-1"});

  // A plain put still overwrites; after a delete, put-if-absent succeeds again.
  STORE_ASSERT_OK(store().Put("m/manifest-1", "third"));
  STORE_ASSERT_OK(store().DeleteMany({"m/manifest-1"}));
  STORE_ASSERT_OK(store().Put("m/manifest-1", "fourth", if_absent));
  got = store().Get("m/manifest-1");
  STORE_ASSERT_OK(got);
  EXPECT_EQ(*got, "fourth");
}

TEST_P(StoreConformance, ConcurrentPutIfAbsentHasExactlyOneWinner) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 10;
  for (int round = 0; round < kRounds; ++round) {
    const std::string key = "race/manifest-" + std::to_string(round);
    std::latch start(kThreads);
    std::atomic<int> winners{0};
    std::atomic<int> losers{0};
    std::atomic<int> winner{-1};
    std::mutex mu;
    std::vector<std::string> unexpected;
    std::vector<std::thread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const std::string content = "writer " + std::to_string(t) + std::string(size_t{1000} * t, 'x');
        start.arrive_and_wait();
        auto r = store().Put(key, content, IfAbsent());
        if (r.ok()) {
          ++winners;
          winner = t;
        } else if (r.status().IsAlreadyExists()) {
          ++losers;
        } else {
          std::lock_guard<std::mutex> lock(mu);
          unexpected.push_back(r.status().ToString());
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_TRUE(unexpected.empty()) << unexpected.front();
    ASSERT_EQ(winners.load(), 1) << "round " << round;
    EXPECT_EQ(losers.load(), kThreads - 1) << "round " << round;
    auto got = store().Get(key);
    STORE_ASSERT_OK(got);
    const int w = winner.load();
    EXPECT_EQ(*got, "writer " + std::to_string(w) + std::string(size_t{1000} * w, 'x'));
  }
  EXPECT_EQ(ListAllKeys(store(), "").size(), static_cast<size_t>(kRounds));
}

// ---- reads ----------------------------------------------------------------------------------

TEST_P(StoreConformance, MissingKeysAreNotFound) {
  EXPECT_TRUE(HasCode(store().Head("no/such/key"), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store().Get("no/such/key"), StatusCode::kNotFound));
  char buf[4];
  EXPECT_TRUE(HasCode(store().ReadRange("no/such/key", 0, 4, buf), StatusCode::kNotFound));

  // A "directory" of keys is not an object.
  STORE_ASSERT_OK(store().Put("dir/inner", "x"));
  EXPECT_TRUE(HasCode(store().Head("dir"), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store().Get("dir"), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store().Head("di"), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store().Head("dir/inner/deeper"), StatusCode::kNotFound));
}

TEST_P(StoreConformance, ReadRange) {
  std::string data;
  for (int i = 0; i < 100; ++i) data.push_back(static_cast<char>('A' + i % 26));
  STORE_ASSERT_OK(store().Put("r/obj", data));
  std::string buf(64, '#');
  auto read = [&](uint64_t offset, size_t length) -> std::string {
    auto n = store().ReadRange("r/obj", offset, length, buf.data());
    EXPECT_TRUE(IsOk(n)) << "offset " << offset << " length " << length;
    if (!n.ok()) return "<error>";
    EXPECT_LE(*n, length);
    return buf.substr(0, *n);
  };
  EXPECT_EQ(read(10, 20), data.substr(10, 20));  // middle
  EXPECT_EQ(read(0, 1), data.substr(0, 1));
  EXPECT_EQ(read(90, 10), data.substr(90));  // exactly to the end
  EXPECT_EQ(read(90, 30), data.substr(90));  // past the end: short
  EXPECT_EQ(read(99, 5), data.substr(99));
  EXPECT_EQ(read(100, 5), "");  // at the end: 0
  EXPECT_EQ(read(1000, 5), "");
  EXPECT_EQ(read(50, 0), "");
}

// ---- list -----------------------------------------------------------------------------------

TEST_P(StoreConformance, ListIsInByteOrder) {
  // As paths, "a/..." would come first (or last); as bytes '-' < '.' < '/' < '0'. (No key is
  // also a "directory" of other keys: a local store cannot hold both "a" and "a/b".)
  const std::set<std::string> keys = {"a/b",   "a-b", "a.b", "a0", "a/a/z", "a/b0", "a/c/d",
                                      "a/b.x", "b",   "A",   "_x", "~y",    "a-/x", "a./y"};
  STORE_ASSERT_OK(PutMany(store(), {keys.begin(), keys.end()}));
  const std::vector<std::string> expected(keys.begin(), keys.end());
  Listing got;
  ListPaged(store(), {}, &got);
  EXPECT_EQ(got.objects, expected);
  EXPECT_TRUE(got.prefixes.empty());

  auto page = store().List({});
  STORE_ASSERT_OK(page);
  for (const ObjectVersion& v : page->objects) {
    auto head = store().Head(v.key);
    STORE_ASSERT_OK(head);
    EXPECT_EQ(v.size, v.key.size()) << v.key;
    EXPECT_EQ(v.etag, head->etag) << v.key;
  }
}

TEST_P(StoreConformance, ListPrefixIsAStringPrefix) {
  const std::set<std::string> keys = {"logs/2024-03-01.log",
                                      "logs/2024-03-02.log",
                                      "logs/2024-04-01.log",
                                      "logs/2024-1/x.log",
                                      "logs/2024-0x",
                                      "logsx",
                                      "logs.txt",
                                      "other/logs/2024-03-01.log"};
  STORE_ASSERT_OK(PutMany(store(), {keys.begin(), keys.end()}));
  for (const std::string prefix :
       {"logs/2024-0", "logs/2024-03", "logs/2024-1", "logs/2024-1/", "log", "logs", "logs/", "",
        "o", "logs/2024-03-01.log", "nope", "deep/missing/dir/", "logs/2024-1/x.log/"}) {
    Listing got;
    ListOptions options;
    options.prefix = prefix;
    ListPaged(store(), options, &got);
    EXPECT_EQ(got.objects, ReferenceList(keys, prefix, "").objects) << "prefix " << prefix;
    EXPECT_TRUE(got.prefixes.empty()) << "prefix " << prefix;
  }
  // Spot-check the reference itself against the example from the interface.
  EXPECT_EQ(ReferenceList(keys, "logs/2024-0", "").objects,
            (std::vector<std::string>{"logs/2024-03-01.log", "logs/2024-03-02.log",
                                      "logs/2024-04-01.log", "logs/2024-0x"}));
}

TEST_P(StoreConformance, ListWithDelimiter) {
  const std::set<std::string> keys = {"a.txt",   "dir/x", "dir/y/z", "dir/y/w/v",
                                      "dir-2/q", "dir0",  "e/f/g",   "dir.txt"};
  STORE_ASSERT_OK(PutMany(store(), {keys.begin(), keys.end()}));
  auto list = [&](std::string prefix) {
    ListOptions options;
    options.prefix = std::move(prefix);
    options.delimiter = "/";
    Listing got;
    ListPaged(store(), options, &got);
    return got;
  };
  Listing top = list("");
  EXPECT_EQ(top.objects, (std::vector<std::string>{"a.txt", "dir.txt", "dir0"}));
  EXPECT_EQ(top.prefixes, (std::vector<std::string>{"dir-2/", "dir/", "e/"}));

  Listing dir = list("dir/");
  EXPECT_EQ(dir.objects, (std::vector<std::string>{"dir/x"}));
  EXPECT_EQ(dir.prefixes, (std::vector<std::string>{"dir/y/"}));

  Listing di = list("di");
  EXPECT_EQ(di.objects, (std::vector<std::string>{"dir.txt", "dir0"}));
  EXPECT_EQ(di.prefixes, (std::vector<std::string>{"dir-2/", "dir/"}));

  Listing dir_no_slash = list("dir");
  EXPECT_EQ(dir_no_slash.prefixes, (std::vector<std::string>{"dir-2/", "dir/"}));

  Listing deep = list("dir/y/");
  EXPECT_EQ(deep.objects, (std::vector<std::string>{"dir/y/z"}));
  EXPECT_EQ(deep.prefixes, (std::vector<std::string>{"dir/y/w/"}));

  Listing none = list("missing/");
  EXPECT_TRUE(none.objects.empty());
  EXPECT_TRUE(none.prefixes.empty());
}

TEST_P(StoreConformance, ListWithDelimiterPaginatesLikeOnePage) {
  std::set<std::string> keys;
  for (int d = 0; d < 12; ++d) {
    char dir[32];
    std::snprintf(dir, sizeof dir, "t/d%02d", d);
    for (int f = 0; f < 4; ++f) keys.insert(std::string(dir) + "/f" + std::to_string(f));
    if (d % 3 == 0) keys.insert(std::string(dir) + ".txt");  // sorts before "t/dNN/"
    if (d % 4 == 0) keys.insert(std::string(dir) + "-x/deep/er");
    if (d % 5 == 0) keys.insert(std::string(dir) + "/sub/deep");
  }
  keys.insert("t/top");
  keys.insert("u/other");
  STORE_ASSERT_OK(PutMany(store(), {keys.begin(), keys.end()}));

  struct Case {
    std::string prefix;
    std::string delimiter;
  };
  const std::vector<Case> cases = {{"", "/"},       {"t/", "/"},    {"t/d0", "/"}, {"t/d05", "/"},
                                   {"t/d05/", "/"}, {"t/", "-"},    {"t/", ""},    {"t/d", "0"},
                                   {"", "t/d0"},    {"t/d04", "x/"}};
  for (const Case& c : cases) {
    const Listing expected = ReferenceList(keys, c.prefix, c.delimiter);
    for (int max_keys : {1, 2, 3, 7, 1000}) {
      SCOPED_TRACE("prefix \"" + c.prefix + "\" delimiter \"" + c.delimiter + "\" max_keys " +
                   std::to_string(max_keys));
      ListOptions options;
      options.prefix = c.prefix;
      options.delimiter = c.delimiter;
      options.max_keys = max_keys;
      Listing got;
      ListPaged(store(), options, &got);
      EXPECT_EQ(got.objects, expected.objects);
      EXPECT_EQ(got.prefixes, expected.prefixes);
    }
  }
}

TEST_P(StoreConformance, PaginationOver2500Keys) {
  std::vector<std::string> keys;
  for (int i = 0; i < 2500; ++i) {
    char key[64];
    if (i % 5 == 0) {
      std::snprintf(key, sizeof key, "many/item-%04d", i);
    } else {
      std::snprintf(key, sizeof key, "many/g%d/s%02d/item-%04d", i % 4, i % 25, i);
    }
    keys.push_back(key);
  }
  STORE_ASSERT_OK(PutMany(store(), keys));
  STORE_ASSERT_OK(store().Put("other", "not under many/"));
  const std::vector<std::string> expected = Sorted(keys);

  for (int max_keys : {1000, 7}) {
    SCOPED_TRACE("max_keys " + std::to_string(max_keys));
    ListOptions options;
    options.prefix = "many/";
    options.max_keys = max_keys;
    Listing got;
    int pages = 0;
    ListPaged(store(), options, &got, &pages);
    // Equal to the sorted set: ascending across pages, no duplicates, no gaps.
    EXPECT_EQ(got.objects.size(), expected.size());
    EXPECT_TRUE(got.objects == expected) << "paged listing differs from the sorted key set";
    EXPECT_EQ(std::set<std::string>(got.objects.begin(), got.objects.end()).size(),
              got.objects.size())
        << "duplicates";
    EXPECT_GE(pages, static_cast<int>((expected.size() + max_keys - 1) / max_keys));
  }
  EXPECT_TRUE(ListAllKeys(store(), "many/") == expected);
  EXPECT_EQ(ListAllKeys(store(), "").size(), expected.size() + 1);
}

TEST_P(StoreConformance, ListRejectsBadOptions) {
  STORE_ASSERT_OK(store().Put("x", "1"));
  for (int max_keys : {0, -1, 1001, 1 << 30}) {
    ListOptions options;
    options.max_keys = max_keys;
    EXPECT_TRUE(HasCode(store().List(options), StatusCode::kInvalidArgument))
        << "max_keys " << max_keys;
  }
  ListOptions options;
  options.continuation = "!!! not a continuation token !!!";
  EXPECT_TRUE(HasCode(store().List(options), StatusCode::kInvalidArgument));
}

TEST_P(StoreConformance, ListOfAnEmptyStoreOrMissingPrefixIsEmpty) {
  for (const std::string prefix : {"", "a", "a/", "a/b/c/"}) {
    ListOptions options;
    options.prefix = prefix;
    options.delimiter = "/";
    auto page = store().List(options);
    STORE_ASSERT_OK(page);
    EXPECT_TRUE(page->objects.empty());
    EXPECT_TRUE(page->common_prefixes.empty());
    EXPECT_TRUE(page->next_continuation.empty());
  }
}

TEST_P(StoreConformance, ListDoesNotShowInProgressWrites) {
  constexpr int kObjects = 24;
  constexpr size_t kSize = 256 << 10;
  const std::string small(100 << 10, 'a');
  const std::string large(300 << 10, 'b');
  STORE_ASSERT_OK(store().Put("w/hot", small));

  std::atomic<bool> done{false};
  std::mutex mu;
  std::vector<std::string> failures;
  auto fail = [&](std::string what) {
    std::lock_guard<std::mutex> lock(mu);
    failures.push_back(std::move(what));
  };
  std::thread writer([&] {
    for (int i = 0; i < kObjects; ++i) {
      char key[32];
      std::snprintf(key, sizeof key, "w/obj-%03d", i);
      Status s = store().Put(key, std::string(kSize, static_cast<char>('A' + i % 26))).status();
      if (!s.ok()) fail(s.ToString());
      s = store().Put("w/hot", i % 2 == 0 ? large : small).status();
      if (!s.ok()) fail(s.ToString());
    }
    done = true;
  });

  int lists = 0;
  while (!done.load() || lists < 3) {
    ++lists;
    auto page = store().List(Prefix("w/"));
    if (!page.ok()) {
      fail(page.status().ToString());
      break;
    }
    for (const ObjectVersion& v : page->objects) {
      if (v.key == "w/hot") {
        if (v.size != small.size() && v.size != large.size()) {
          fail("w/hot listed with size " + std::to_string(v.size));
        }
        continue;
      }
      int n = -1;
      if (std::sscanf(v.key.c_str(), "w/obj-%3d", &n) != 1 || v.key.size() != 9 || n < 0 ||
          n >= kObjects) {
        fail("unexpected key listed: " + v.key);
      } else if (v.size != kSize) {
        fail(v.key + " listed with size " + std::to_string(v.size));
      }
    }
    // A reader sees the old or the new version of a replaced object, never a mix.
    auto hot = store().Get("w/hot");
    if (!hot.ok()) {
      fail(hot.status().ToString());
    } else if (*hot != small && *hot != large) {
      fail("w/hot read with " + std::to_string(hot->size()) + " bytes of mixed content");
    }
  }
  writer.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures, first: " << failures.front();
  EXPECT_EQ(ListAllKeys(store(), "w/").size(), static_cast<size_t>(kObjects + 1));
}

TEST_P(StoreConformance, ListAllVisitsEveryObjectAndStopsEarly) {
  const std::vector<std::string> keys = {"la/a", "la/b/c", "la/b/d", "lb/x", "l", "la-z"};
  STORE_ASSERT_OK(PutMany(store(), keys));
  EXPECT_EQ(ListAllKeys(store(), "la/"), (std::vector<std::string>{"la/a", "la/b/c", "la/b/d"}));
  EXPECT_EQ(ListAllKeys(store(), ""), Sorted(keys));
  EXPECT_TRUE(ListAllKeys(store(), "zz").empty());

  int calls = 0;
  Status s = ListAll(store(), "", [&](const ObjectVersion& v) {
    ++calls;
    return calls == 2 ? Status::Cancelled("stop at " + v.key) : Status::OK();
  });
  EXPECT_TRUE(HasCode(s, StatusCode::kCancelled));
  EXPECT_EQ(calls, 2);
}

// A folder as large as an access-log prefix (600 objects beside a subfolder): every object
// once, in order, each with its own size, and the callback may take the version it is given.
TEST_P(StoreConformance, ListAllOfALargeFolderLetsTheCallbackTakeEachVersion) {
  std::vector<std::string> keys;
  for (int i = 0; i < 600; ++i) {
    keys.push_back("big/f-" + std::to_string(i * 7919 % 600) + std::string(i % 5, 'x'));
  }
  keys.push_back("big/sub/inner");
  STORE_ASSERT_OK(PutMany(store(), keys));
  std::vector<ObjectVersion> taken;
  Status s = ListAll(store(), "big/", [&](ObjectVersion& v) {
    taken.push_back(std::move(v));
    return Status::OK();
  });
  STORE_ASSERT_OK(s);
  const std::vector<std::string> expected = Sorted(keys);
  ASSERT_EQ(taken.size(), expected.size());
  for (size_t i = 0; i < taken.size(); ++i) {
    EXPECT_EQ(taken[i].key, expected[i]);
    EXPECT_EQ(taken[i].size, expected[i].size()) << expected[i];  // each object holds its key
    EXPECT_FALSE(taken[i].etag.empty()) << expected[i];
  }
}

// ---- delete / copy --------------------------------------------------------------------------

TEST_P(StoreConformance, DeleteMany) {
  const std::vector<std::string> keys = {"a", "b/c", "b/d/e", "b/d/f", "keep/me"};
  STORE_ASSERT_OK(PutMany(store(), keys));
  STORE_ASSERT_OK(
      store().DeleteMany({"a", "b/c", "missing", "b/d/e", "never/existed/x", "b/d/f", "a"}));
  EXPECT_TRUE(HasCode(store().Head("a"), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store().Head("b/d/e"), StatusCode::kNotFound));
  EXPECT_EQ(ListAllKeys(store(), ""), std::vector<std::string>{"keep/me"});

  STORE_ASSERT_OK(store().DeleteMany({"keep/me"}));
  EXPECT_TRUE(ListAllKeys(store(), "").empty());
  // No common prefixes are left behind by deleted keys.
  auto page = store().List(Prefix("", "/"));
  STORE_ASSERT_OK(page);
  EXPECT_TRUE(page->objects.empty());
  EXPECT_TRUE(page->common_prefixes.empty());

  STORE_EXPECT_OK(store().DeleteMany({}));
  // The store is still usable at the same keys.
  STORE_ASSERT_OK(store().Put("b/d/e", "again"));
  auto got = store().Get("b/d/e");
  STORE_ASSERT_OK(got);
  EXPECT_EQ(*got, "again");
}

TEST_P(StoreConformance, ConcurrentPutsAndDeletesUnderOnePrefix) {
  constexpr int kThreads = 8;
  constexpr int kIterations = 40;
  std::mutex mu;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIterations; ++i) {
        const std::string key = "shared/a/b/k-" + std::to_string(t) + "-" + std::to_string(i % 3);
        Status s = store().Put(key, key).status();
        if (s.ok()) s = store().Head(key).status();
        if (s.ok()) s = store().DeleteMany({key});
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          failures.push_back(key + ": " + s.ToString());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures, first: " << failures.front();
  EXPECT_TRUE(ListAllKeys(store(), "").empty());
}

TEST_P(StoreConformance, Copy) {
  const std::string data = RandomBytes(70000, 3);
  STORE_ASSERT_OK(store().Put("src/a", data));
  auto copy = store().Copy("src/a", "dst/b/c");
  STORE_ASSERT_OK(copy);
  EXPECT_EQ(copy->key, "dst/b/c");
  EXPECT_EQ(copy->size, data.size());
  auto got = store().Get("dst/b/c");
  STORE_ASSERT_OK(got);
  EXPECT_TRUE(*got == data);

  // The copy is independent of the source.
  STORE_ASSERT_OK(store().Put("src/a", "changed"));
  got = store().Get("dst/b/c");
  STORE_ASSERT_OK(got);
  EXPECT_TRUE(*got == data);

  // Copy replaces an existing destination; copying onto itself keeps the content.
  STORE_ASSERT_OK(store().Copy("src/a", "dst/b/c"));
  got = store().Get("dst/b/c");
  STORE_ASSERT_OK(got);
  EXPECT_EQ(*got, "changed");
  STORE_ASSERT_OK(store().Copy("src/a", "src/a"));
  got = store().Get("src/a");
  STORE_ASSERT_OK(got);
  EXPECT_EQ(*got, "changed");

  EXPECT_TRUE(HasCode(store().Copy("src/missing", "dst/x"), StatusCode::kNotFound));
  EXPECT_TRUE(HasCode(store().Head("dst/x"), StatusCode::kNotFound));
  EXPECT_EQ(ListAllKeys(store(), ""), (std::vector<std::string>{"dst/b/c", "src/a"}));
}

// ---- keys -----------------------------------------------------------------------------------

TEST_P(StoreConformance, InvalidKeysAreRejected) {
  STORE_ASSERT_OK(store().Put("ok", "1"));
  const std::vector<std::string> bad = {
      "",     "/a",     "/",    "a//b", "./a", "a/./b", "a/.",
      "../a", "a/../b", "a/..", ".",    "..",  "a/",    std::string("a\0b", 3)};
  for (const std::string& key : bad) {
    SCOPED_TRACE("key \"" + key + "\"");
    auto put = store().Put(key, "x");
    EXPECT_TRUE(HasCode(put, StatusCode::kInvalidArgument));
    if (!key.empty() && key.find('\0') == std::string::npos) {
      EXPECT_NE(put.status().message().find(key), std::string::npos)
          << "the error should name the key: " << put.status().ToString();
    }
    EXPECT_TRUE(HasCode(store().Put(key, "x", IfAbsent()), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store().Head(key), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store().Get(key), StatusCode::kInvalidArgument));
    char buf[1];
    EXPECT_TRUE(HasCode(store().ReadRange(key, 0, 1, buf), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store().DeleteMany({"ok", key}), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store().Copy("ok", key), StatusCode::kInvalidArgument));
    EXPECT_TRUE(HasCode(store().Copy(key, "ok2"), StatusCode::kInvalidArgument));
  }
  // Nothing was created, and the rejected DeleteMany calls deleted nothing.
  EXPECT_EQ(ListAllKeys(store(), ""), std::vector<std::string>{"ok"});
}

TEST_P(StoreConformance, UnusualValidKeysWork) {
  const std::vector<std::string> keys = {"...",
                                         "a..b",
                                         ".hidden",
                                         "a/.b",
                                         "a/..c",
                                         "sp ace/x",
                                         "utf8/\xc3\xbc\xc3\xb1",
                                         "a/b-c.d_e~f=g+h",
                                         "x.",
                                         "-"};
  for (const std::string& key : keys) {
    SCOPED_TRACE("key \"" + key + "\"");
    STORE_ASSERT_OK(store().Put(key, "content of " + key));
    auto got = store().Get(key);
    STORE_ASSERT_OK(got);
    EXPECT_EQ(*got, "content of " + key);
  }
  EXPECT_EQ(ListAllKeys(store(), ""), Sorted(keys));
  STORE_ASSERT_OK(store().DeleteMany(keys));
  EXPECT_TRUE(ListAllKeys(store(), "").empty());
}

}  // namespace
}  // namespace silt::store
