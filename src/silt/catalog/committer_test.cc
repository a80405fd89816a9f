#include "silt/catalog/committer.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <set>

#include "silt/catalog/sqlite_catalog.h"
#include "silt/store/local_store.h"

namespace silt::catalog {
namespace {

using iceberg::DataFile;
using iceberg::Literal;
using iceberg::TableIO;
using iceberg::TableMetadata;

class CommitterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/silt-committer-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::filesystem::create_directories(dir_ + "/wh");
    db_path_ = dir_ + "/catalog.db";
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  struct Env {
    std::unique_ptr<SqliteCatalog> catalog;
    std::unique_ptr<store::LocalStore> store;
    std::unique_ptr<TableIO> io;
  };

  Result<Env> OpenEnv() {
    Env env;
    SILT_ASSIGN_OR_RETURN(env.catalog, SqliteCatalog::Open(db_path_));
    env.store = std::make_unique<store::LocalStore>(dir_ + "/wh");
    env.io = std::make_unique<TableIO>(*env.store);
    return env;
  }

  TableMetadata NewMetadata(const TableIO& io) {
    iceberg::CreateTableOptions options;
    options.location = io.UriOf("logs/events");
    options.schema.fields = {{1, "id", true, iceberg::Type::Long(), ""},
                             {2, "day", false, iceberg::Type::Date(), ""}};
    options.partition_by = {{"day", iceberg::Transform::Identity(), ""}};
    auto m = iceberg::NewTableMetadata(options);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return *m;
  }

  static DataFile File(const TableIO& io, const std::string& name) {
    DataFile f;
    f.file_path = io.UriOf("logs/events/data/" + name + ".parquet");
    f.partition = {Literal::Date(19000)};
    f.record_count = 1;
    f.file_size_in_bytes = 100;
    return f;
  }

  static BuildCommit Append(const TableIO& io, const std::string& name) {
    return [&io, name](const TableMetadata& base) {
      return iceberg::AppendFiles(io, base, {File(io, name)}, {{"silt.input", name}});
    };
  }

  // Every object under the table's metadata/ folder is reachable from the current metadata.
  void ExpectNoGarbage(const Env& env, const CommitResult& current) {
    auto reach = iceberg::ListReachableFiles(*env.io, current.metadata);
    ASSERT_TRUE(reach.ok()) << reach.status().ToString();
    std::set<std::string> known = reach->metadata_files;
    known.insert(current.metadata_location);
    known.insert(reach->manifest_lists.begin(), reach->manifest_lists.end());
    known.insert(reach->manifests.begin(), reach->manifests.end());
    ASSERT_TRUE(store::ListAll(*env.store, "logs/events/metadata/", [&](const store::ObjectVersion& v) {
                  EXPECT_TRUE(known.contains(env.io->UriOf(v.key))) << "garbage: " << v.key;
                  return Status::OK();
                }).ok());
  }

  std::string dir_;
  std::string db_path_;
};

TEST_F(CommitterTest, CreateLoadAndCommit) {
  auto env = OpenEnv();
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  const TableIO& io = *env->io;
  EXPECT_EQ(CreateTable(*env->catalog, io, "logs.events", NewMetadata(io)).status().code(),
            StatusCode::kNotFound);  // no namespace yet
  ASSERT_TRUE(env->catalog->CreateNamespace("logs").ok());
  auto created = CreateTable(*env->catalog, io, "logs.events", NewMetadata(io));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(iceberg::MetadataFileVersion(created->metadata_location), 0);

  // A second create with the same name: AlreadyExists and its metadata file is removed.
  auto again = CreateTable(*env->catalog, io, "logs.events", NewMetadata(io));
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);

  auto c1 = CommitWithRetry(*env->catalog, io, "logs.events", Append(io, "a"));
  ASSERT_TRUE(c1.ok()) << c1.status().ToString();
  EXPECT_EQ(c1->attempts, 1);
  EXPECT_EQ(iceberg::MetadataFileVersion(c1->metadata_location), 1);
  auto loaded = LoadTable(*env->catalog, io, "logs.events");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->metadata_location, c1->metadata_location);
  EXPECT_EQ(loaded->metadata.CurrentSnapshot()->summary.at("silt.input"), "a");
  EXPECT_EQ(loaded->metadata.metadata_log.at(0).metadata_file, created->metadata_location);
  ExpectNoGarbage(*env, *loaded);

  // A failing build is returned as is and commits nothing.
  auto failed = CommitWithRetry(*env->catalog, io, "logs.events",
                                [](const TableMetadata&) -> Result<iceberg::PendingCommit> {
                                  return Status::InvalidArgument("no");
                                });
  EXPECT_EQ(failed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*env->catalog->LoadTable("logs.events"), c1->metadata_location);
  EXPECT_EQ(CommitWithRetry(*env->catalog, io, "logs.nope", Append(io, "x")).status().code(),
            StatusCode::kNotFound);
}

TEST_F(CommitterTest, LostRaceIsRetriedAndCleanedUp) {
  auto env = OpenEnv();
  ASSERT_TRUE(env.ok());
  const TableIO& io = *env->io;
  ASSERT_TRUE(env->catalog->CreateNamespace("logs").ok());
  ASSERT_TRUE(CreateTable(*env->catalog, io, "logs.events", NewMetadata(io)).ok());

  // The first attempt's build lets another writer commit in between.
  int builds = 0;
  auto racing = [&](const TableMetadata& base) -> Result<iceberg::PendingCommit> {
    if (++builds == 1) {
      auto other = CommitWithRetry(*env->catalog, io, "logs.events", Append(io, "other"));
      if (!other.ok()) return other.status();
    }
    return iceberg::AppendFiles(io, base, {File(io, "mine")});
  };
  auto r = CommitWithRetry(*env->catalog, io, "logs.events", racing);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(builds, 2);
  auto plan = iceberg::PlanFiles(io, r->metadata);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->data_files.size(), 2u);
  EXPECT_EQ(r->metadata.snapshots.size(), 2u);
  ExpectNoGarbage(*env, *r);

  // Always losing gives up with Unavailable, leaving nothing behind.
  CommitOptions two;
  two.max_attempts = 2;
  int n = 0;
  auto always_racing = [&](const TableMetadata& base) -> Result<iceberg::PendingCommit> {
    auto other = CommitWithRetry(*env->catalog, io, "logs.events",
                                 Append(io, "winner-" + std::to_string(n++)));
    if (!other.ok()) return other.status();
    return iceberg::AppendFiles(io, base, {File(io, "loser")});
  };
  auto gave_up = CommitWithRetry(*env->catalog, io, "logs.events", always_racing, two);
  EXPECT_EQ(gave_up.status().code(), StatusCode::kUnavailable);
  auto now = LoadTable(*env->catalog, io, "logs.events");
  ASSERT_TRUE(now.ok());
  ExpectNoGarbage(*env, *now);
}

// Two processes append to one table concurrently; every append lands exactly once.
TEST_F(CommitterTest, TwoProcessesAppendConcurrently) {
  constexpr int kPerProcess = 25;
  {
    auto env = OpenEnv();
    ASSERT_TRUE(env.ok());
    ASSERT_TRUE(env->catalog->CreateNamespace("logs").ok());
    ASSERT_TRUE(CreateTable(*env->catalog, *env->io, "logs.events", NewMetadata(*env->io)).ok());
  }  // closed before fork: children open their own connections

  std::vector<pid_t> children;
  for (int p = 0; p < 2; ++p) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int code = 0;
      int attempts = 0;
      auto env = OpenEnv();
      if (!env.ok()) {
        std::fprintf(stderr, "child %d: %s\n", p, env.status().ToString().c_str());
        ::_exit(2);
      }
      for (int i = 0; i < kPerProcess && code == 0; ++i) {
        const std::string name = "p" + std::to_string(p) + "-" + std::to_string(i);
        auto r = CommitWithRetry(*env->catalog, *env->io, "logs.events", Append(*env->io, name));
        if (!r.ok()) {
          std::fprintf(stderr, "child %d commit %d: %s\n", p, i, r.status().ToString().c_str());
          code = 1;
        } else {
          attempts += r->attempts;
        }
      }
      std::fprintf(stderr, "child %d: %d commits took %d attempts\n", p, kPerProcess, attempts);
      env->catalog.reset();
      ::_exit(code);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }

  auto env = OpenEnv();
  ASSERT_TRUE(env.ok());
  auto current = LoadTable(*env->catalog, *env->io, "logs.events");
  ASSERT_TRUE(current.ok()) << current.status().ToString();
  const TableMetadata& m = current->metadata;
  EXPECT_EQ(m.snapshots.size(), static_cast<size_t>(2 * kPerProcess));
  EXPECT_EQ(m.last_sequence_number, 2 * kPerProcess);
  EXPECT_EQ(iceberg::MetadataFileVersion(current->metadata_location), 2 * kPerProcess);

  // The snapshot chain from the current snapshot holds every append exactly once.
  std::multiset<std::string> inputs;
  int chain = 0;
  for (const iceberg::Snapshot* s = m.CurrentSnapshot(); s != nullptr;
       s = s->parent_snapshot_id ? m.SnapshotById(*s->parent_snapshot_id) : nullptr) {
    inputs.insert(s->summary.at("silt.input"));
    EXPECT_EQ(s->sequence_number, 2 * kPerProcess - chain);
    ++chain;
  }
  EXPECT_EQ(chain, 2 * kPerProcess);
  std::multiset<std::string> expected;
  for (int p = 0; p < 2; ++p) {
    for (int i = 0; i < kPerProcess; ++i) expected.insert("p" + std::to_string(p) + "-" + std::to_string(i));
  }
  EXPECT_EQ(inputs, expected);

  // And the current snapshot's files are exactly those appends.
  auto plan = iceberg::PlanFiles(*env->io, m);
  ASSERT_TRUE(plan.ok());
  std::multiset<std::string> files;
  for (const auto& pf : plan->data_files) files.insert(pf.file.file_path);
  std::multiset<std::string> expected_files;
  for (const auto& name : expected) expected_files.insert(env->io->UriOf("logs/events/data/" + name + ".parquet"));
  EXPECT_EQ(files, expected_files);
  EXPECT_EQ(m.CurrentSnapshot()->summary.at("total-data-files"), std::to_string(2 * kPerProcess));
  ExpectNoGarbage(*env, *current);
}

}  // namespace
}  // namespace silt::catalog
