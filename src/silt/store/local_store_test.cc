#include "silt/store/local_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "silt/common/uri.h"
#include "silt/store/store_conformance.h"

namespace silt::store {
namespace {

namespace fs = std::filesystem;

// A fresh directory under /tmp; empty on failure.
std::string MakeTempDir() {
  char tmpl[] = "/tmp/silt-store-test-XXXXXX";
  const char* dir = ::mkdtemp(tmpl);
  return dir == nullptr ? std::string() : std::string(dir);
}

void RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
}

// A LocalStore over its own temporary directory, removed with the store.
class ScratchLocalStore : public LocalStore {
 public:
  explicit ScratchLocalStore(std::string root) : LocalStore(std::move(root)) {}
  ~ScratchLocalStore() override { RemoveTree(root()); }
};

std::unique_ptr<Store> MakeScratchStore() {
  std::string dir = MakeTempDir();
  if (dir.empty()) {
    ADD_FAILURE() << "mkdtemp under /tmp failed";
    return nullptr;
  }
  return std::make_unique<ScratchLocalStore>(std::move(dir));
}

INSTANTIATE_TEST_SUITE_P(Local, StoreConformance,
                         ::testing::Values(StoreFactory{"local", MakeScratchStore}),
                         StoreFactoryName);

// ---- local-specific behaviour ---------------------------------------------------------------

::testing::AssertionResult IsOk(const Status& s) {
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << s.ToString();
}
template <typename T>
::testing::AssertionResult IsOk(const Result<T>& r) {
  return IsOk(r.status());
}

PutOptions IfAbsent() {
  PutOptions options;
  options.if_absent = true;
  return options;
}

class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTempDir();
    ASSERT_FALSE(root_.empty());
    store_ = std::make_unique<LocalStore>(root_);
  }
  void TearDown() override {
    store_.reset();
    RemoveTree(root_);
  }

  std::string Path(const std::string& rel) const { return root_ + "/" + rel; }

  void WriteFile(const std::string& rel, const std::string& content) {
    const fs::path path = Path(rel);
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    ASSERT_TRUE(out.good()) << path;
  }

  std::string ReadFile(const std::string& rel) const {
    std::ifstream in(Path(rel), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  // Every name under the root starting with the temp prefix.
  std::vector<std::string> TempFiles() const {
    std::vector<std::string> out;
    for (const auto& entry : fs::recursive_directory_iterator(root_)) {
      if (entry.path().filename().string().rfind(std::string(kTempFilePrefix), 0) == 0) {
        out.push_back(entry.path().string());
      }
    }
    return out;
  }

  struct Names {
    std::vector<std::string> objects;
    std::vector<std::string> prefixes;
  };
  Names List(std::string prefix, std::string delimiter = "") {
    ListOptions options;
    options.prefix = std::move(prefix);
    options.delimiter = std::move(delimiter);
    Names names;
    for (;;) {
      auto page = store_->List(options);
      EXPECT_TRUE(IsOk(page));
      if (!page.ok()) return names;
      for (const auto& v : page->objects) names.objects.push_back(v.key);
      for (const auto& cp : page->common_prefixes) names.prefixes.push_back(cp);
      if (page->next_continuation.empty()) return names;
      options.continuation = page->next_continuation;
    }
  }

  std::string root_;
  std::unique_ptr<LocalStore> store_;
};

using Strings = std::vector<std::string>;

TEST_F(LocalStoreTest, KeysMapToFilesUnderTheRoot) {
  ASSERT_TRUE(IsOk(store_->Put("a/b/c.txt", "hello")));
  EXPECT_EQ(ReadFile("a/b/c.txt"), "hello");
  EXPECT_EQ(store_->LocalPath("a/b/c.txt"), root_ + "/a/b/c.txt");
  EXPECT_EQ(store_->LocalPath("top"), root_ + "/top");
  EXPECT_EQ(store_->LocalPath("../escape"), "");
  EXPECT_EQ(store_->LocalPath(""), "");
  EXPECT_EQ(store_->Describe(), "file://" + root_);
}

TEST_F(LocalStoreTest, FilesWrittenDirectlyAreObjects) {
  WriteFile("x/y.log", "data");
  EXPECT_EQ(List("").objects, Strings{"x/y.log"});
  auto head = store_->Head("x/y.log");
  ASSERT_TRUE(IsOk(head));
  EXPECT_EQ(head->size, 4u);
  auto got = store_->Get("x/y.log");
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "data");
}

TEST_F(LocalStoreTest, TemporaryFilesAreNeverListed) {
  WriteFile(".silt-tmp-0123456789abcdef", "partial");
  WriteFile("d/.silt-tmp-fedcba9876543210", "partial");
  WriteFile("d/real", "r");
  WriteFile("only-temp/.silt-tmp-0000000000000000", "partial");
  WriteFile(".silt-tmpx", "not a temp file");

  EXPECT_EQ(List("").objects, (Strings{".silt-tmpx", "d/real"}));
  Names top = List("", "/");
  EXPECT_EQ(top.objects, Strings{".silt-tmpx"});
  EXPECT_EQ(top.prefixes, Strings{"d/"}) << "a directory holding only temp files is no prefix";
  EXPECT_TRUE(List(".silt-tmp-").objects.empty());
  EXPECT_TRUE(List("d/.silt").objects.empty());
  EXPECT_TRUE(List("only-temp/").objects.empty());
}

TEST_F(LocalStoreTest, KeysWithTheTemporaryPrefixAreRejected) {
  for (const std::string key : {".silt-tmp-x", "a/.silt-tmp-y", "a/.silt-tmp-/b"}) {
    EXPECT_EQ(store_->Put(key, "x").status().code(), StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->Head(key).status().code(), StatusCode::kInvalidArgument) << key;
  }
  EXPECT_TRUE(IsOk(store_->Put(".silt-tmpx/a.silt-tmp-", "fine")));
}

TEST_F(LocalStoreTest, FailedPutsLeaveNoTemporaryFiles) {
  ASSERT_TRUE(IsOk(store_->Put("m/x", "1")));

  auto absent = store_->Put("m/x", "2", IfAbsent());
  EXPECT_TRUE(absent.status().IsAlreadyExists()) << absent.status().ToString();
  EXPECT_EQ(ReadFile("m/x"), "1");

  WriteFile("src.bin", "source");
  auto absent_file = store_->PutFile("m/x", Path("src.bin"), IfAbsent());
  EXPECT_TRUE(absent_file.status().IsAlreadyExists()) << absent_file.status().ToString();

  auto missing_source = store_->PutFile("m/y", Path("no-such-file"));
  EXPECT_TRUE(missing_source.status().IsNotFound()) << missing_source.status().ToString();
  EXPECT_NE(missing_source.status().message().find("no-such-file"), std::string::npos);

  // "m/x" is an object, so "m/x/y" cannot be a file below it.
  auto below_object = store_->Put("m/x/y", "z");
  EXPECT_FALSE(below_object.ok());
  // "m" holds keys, so it cannot become an object (either way of putting).
  EXPECT_FALSE(store_->Put("m", "z").ok());
  EXPECT_FALSE(store_->Put("m", "z", IfAbsent()).ok());

  EXPECT_TRUE(store_->Copy("m/missing", "m/copy").status().IsNotFound());
  EXPECT_EQ(ReadFile("m/x"), "1");
  EXPECT_EQ(TempFiles(), Strings{});
  EXPECT_EQ(List("").objects, (Strings{"m/x", "src.bin"}));
}

TEST_F(LocalStoreTest, ConcurrentPutsOfOneKeyLeaveOneCompleteVersion) {
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 20; ++i) {
        EXPECT_TRUE(IsOk(store_->Put("hot/key", std::string(size_t{1000} * (t + 1), static_cast<char>('a' + t)))));
      }
    });
  }
  for (auto& t : threads) t.join();
  auto got = store_->Get("hot/key");
  ASSERT_TRUE(IsOk(got));
  ASSERT_FALSE(got->empty());
  const int t = (*got)[0] - 'a';
  EXPECT_EQ(*got, std::string(size_t{1000} * (t + 1), static_cast<char>('a' + t)));
  EXPECT_EQ(TempFiles(), Strings{});
}

TEST_F(LocalStoreTest, DeleteManyRemovesEmptyDirectoriesButNotTheRoot) {
  ASSERT_TRUE(IsOk(store_->Put("a/b/c/d", "1")));
  ASSERT_TRUE(IsOk(store_->Put("a/x", "2")));
  ASSERT_TRUE(IsOk(store_->DeleteMany({"a/b/c/d"})));
  EXPECT_FALSE(fs::exists(Path("a/b")));
  EXPECT_TRUE(fs::is_directory(Path("a")));
  ASSERT_TRUE(IsOk(store_->DeleteMany({"a/x"})));
  EXPECT_FALSE(fs::exists(Path("a")));
  EXPECT_TRUE(fs::is_directory(root_));
  EXPECT_TRUE(fs::is_empty(root_));
}

TEST_F(LocalStoreTest, DeletingADirectoryOfKeysDeletesNothing) {
  ASSERT_TRUE(IsOk(store_->Put("d/x", "1")));
  EXPECT_TRUE(IsOk(store_->DeleteMany({"d"})));
  EXPECT_TRUE(IsOk(store_->Head("d/x")));
}

TEST_F(LocalStoreTest, SymbolicLinksToDirectoriesAreNotFollowed) {
  const std::string outside = MakeTempDir();
  ASSERT_FALSE(outside.empty());
  { std::ofstream(outside + "/secret") << "s"; }
  WriteFile("real/file", "f");
  ASSERT_EQ(::symlink(outside.c_str(), Path("link").c_str()), 0);
  ASSERT_EQ(::symlink(Path("real").c_str(), Path("real-link").c_str()), 0);
  ASSERT_EQ(::symlink(Path("nowhere").c_str(), Path("dangling").c_str()), 0);
  ASSERT_EQ(::symlink(Path("real/file").c_str(), Path("file-link").c_str()), 0);

  // A link to a regular file is an object; links to directories and dangling links are not.
  EXPECT_EQ(List("").objects, (Strings{"file-link", "real/file"}));
  Names top = List("", "/");
  EXPECT_EQ(top.prefixes, Strings{"real/"});
  EXPECT_EQ(top.objects, Strings{"file-link"});
  EXPECT_TRUE(List("link/").objects.empty());
  EXPECT_TRUE(List("real-link/").objects.empty());
  EXPECT_TRUE(List("link/", "/").prefixes.empty());
  RemoveTree(outside);
}

TEST_F(LocalStoreTest, SpecialFilesAreNotObjects) {
  ASSERT_EQ(::mkfifo(Path("fifo").c_str(), 0600), 0);
  ASSERT_TRUE(IsOk(store_->Put("plain", "p")));
  EXPECT_EQ(List("").objects, Strings{"plain"});
  EXPECT_TRUE(store_->Head("fifo").status().IsNotFound());
  EXPECT_TRUE(store_->Get("fifo").status().IsNotFound());  // and does not block
  char buf[4];
  EXPECT_TRUE(store_->ReadRange("fifo", 0, 4, buf).status().IsNotFound());
}

TEST_F(LocalStoreTest, EmptyDirectoriesAreNotCommonPrefixes) {
  fs::create_directories(Path("empty/sub/deeper"));
  fs::create_directories(Path("full/sub"));
  WriteFile("full/sub/x", "x");
  Names top = List("", "/");
  EXPECT_TRUE(top.objects.empty());
  EXPECT_EQ(top.prefixes, Strings{"full/"});
  EXPECT_TRUE(List("empty/", "/").prefixes.empty());
}

TEST_F(LocalStoreTest, PrefixesCannotEscapeTheRoot) {
  ASSERT_TRUE(IsOk(store_->Put("in", "1")));
  for (const std::string prefix : {"../", "..", "../silt", "/", "/tmp/", "./", "a/../"}) {
    Names names = List(prefix, "/");
    EXPECT_TRUE(names.objects.empty()) << prefix;
    EXPECT_TRUE(names.prefixes.empty()) << prefix;
  }
}

TEST_F(LocalStoreTest, VersionComesFromTheFile) {
  ASSERT_TRUE(IsOk(store_->Put("f", "abcd")));
  auto before = store_->Head("f");
  ASSERT_TRUE(IsOk(before));
  const struct timespec times[2] = {{1000, 5000}, {1700000000, 123456789}};
  ASSERT_EQ(::utimensat(AT_FDCWD, Path("f").c_str(), times, 0), 0);
  auto after = store_->Head("f");
  ASSERT_TRUE(IsOk(after));
  EXPECT_EQ(after->mtime_us, int64_t{1700000000} * 1000000 + 123456);
  EXPECT_NE(after->etag, before->etag) << "a new modification time is a new version";
  EXPECT_EQ(after->size, 4u);
  auto page = store_->List({});
  ASSERT_TRUE(IsOk(page));
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0], *after);

  // Rewriting the file in place (same inode, other size) is a new version too.
  WriteFile("f", "abcdefgh");
  auto rewritten = store_->Head("f");
  ASSERT_TRUE(IsOk(rewritten));
  EXPECT_NE(rewritten->etag, after->etag);
  EXPECT_EQ(rewritten->size, 8u);
}

TEST_F(LocalStoreTest, ListRejectsMalformedContinuationTokens) {
  ASSERT_TRUE(IsOk(store_->Put("a", "1")));
  for (const std::string token : {"x", "k", "p", "zzz"}) {
    ListOptions options;
    options.continuation = token;
    EXPECT_EQ(store_->List(options).status().code(), StatusCode::kInvalidArgument) << token;
  }
}

// ---- OpenStore ------------------------------------------------------------------------------

class OpenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty());
  }
  void TearDown() override { RemoveTree(dir_); }

  static Uri FileUri(const std::string& path) {
    auto uri = ParseUri("file://" + path);
    EXPECT_TRUE(IsOk(uri));
    return uri.ok() ? *uri : Uri{};
  }

  std::string dir_;
};

TEST_F(OpenStoreTest, MissingRootWithoutCreateIsNotFound) {
  const std::string root = dir_ + "/missing";
  auto store = OpenStore(FileUri(root));
  EXPECT_TRUE(store.status().IsNotFound()) << store.status().ToString();
  EXPECT_NE(store.status().message().find(root), std::string::npos);
  EXPECT_FALSE(fs::exists(root));
}

TEST_F(OpenStoreTest, CreateMakesTheRoot) {
  const std::string root = dir_ + "/a/b/c";
  auto store = OpenStore(FileUri(root), /*create=*/true);
  ASSERT_TRUE(IsOk(store));
  EXPECT_TRUE(fs::is_directory(root));
  EXPECT_EQ((*store)->Describe(), "file://" + root);
  ASSERT_TRUE(IsOk((*store)->Put("k/v", "value")));
  EXPECT_EQ((*store)->LocalPath("k/v"), root + "/k/v");
  auto got = (*store)->Get("k/v");
  ASSERT_TRUE(IsOk(got));
  EXPECT_EQ(*got, "value");

  // Opening an existing root, with or without create, serves the same data.
  for (bool create : {false, true}) {
    auto again = OpenStore(FileUri(root), create);
    ASSERT_TRUE(IsOk(again));
    auto head = (*again)->Head("k/v");
    EXPECT_TRUE(IsOk(head));
  }
}

TEST_F(OpenStoreTest, PlainPathsWork) {
  auto uri = ParseUri(dir_);
  ASSERT_TRUE(IsOk(uri));
  auto store = OpenStore(*uri);
  ASSERT_TRUE(IsOk(store));
  EXPECT_NE(dynamic_cast<LocalStore*>(store->get()), nullptr);
}

TEST_F(OpenStoreTest, S3WithoutCredentialsSaysWhereItLooked) {
  // No keys anywhere: a clear NotFound before any request (the S3 store's own tests run
  // against a real server in s3_store_test.cc).
  for (const char* v : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"}) unsetenv(v);
  setenv("AWS_SHARED_CREDENTIALS_FILE", (dir_ + "/no-credentials").c_str(), 1);
  setenv("AWS_CONFIG_FILE", (dir_ + "/no-config").c_str(), 1);
  setenv("SILT_CONFIG", (dir_ + "/no-silt-config").c_str(), 1);
  auto uri = ParseUri("s3://bucket/prefix/");
  ASSERT_TRUE(IsOk(uri));
  auto store = OpenStore(*uri);
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound) << store.status().ToString();
  EXPECT_NE(store.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
  unsetenv("AWS_SHARED_CREDENTIALS_FILE");
  unsetenv("AWS_CONFIG_FILE");
  unsetenv("SILT_CONFIG");
}

TEST_F(OpenStoreTest, AFileAsRootIsAnError) {
  const std::string file = dir_ + "/file";
  std::ofstream(file) << "not a directory";
  for (bool create : {false, true}) {
    auto store = OpenStore(FileUri(file), create);
    EXPECT_FALSE(store.ok());
    EXPECT_TRUE(store.status().IsNotFound()) << store.status().ToString();
  }
  // A root below a file cannot be created either.
  auto below = OpenStore(FileUri(file + "/sub"), /*create=*/true);
  EXPECT_FALSE(below.ok());
}

}  // namespace
}  // namespace silt::store
