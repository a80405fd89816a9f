#include "silt/catalog/sqlite_catalog.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

namespace silt::catalog {
namespace {

class SqliteCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/silt-catalog-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/catalog.db";
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::unique_ptr<SqliteCatalog> Open(std::string name = "silt") {
    SqliteCatalogOptions options;
    options.catalog_name = std::move(name);
    auto c = SqliteCatalog::Open(path_, options);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }

  // Runs a query with sqlite3 directly and returns the rows as "a|b|c" strings.
  std::vector<std::string> Query(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    std::vector<std::string> rows;
    sqlite3_exec(
        db, sql.c_str(),
        [](void* out, int n, char** values, char**) {
          std::string row;
          for (int i = 0; i < n; ++i) {
            if (i) row += '|';
            row += values[i] ? values[i] : "NULL";
          }
          static_cast<std::vector<std::string>*>(out)->push_back(row);
          return 0;
        },
        &rows, nullptr);
    sqlite3_close(db);
    return rows;
  }

  std::string dir_;
  std::string path_;
};

TEST(TableIdentifierTest, ParsesAndValidates) {
  auto id = ParseTableIdentifier("logs.access");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->ns, "logs");
  EXPECT_EQ(id->name, "access");
  auto nested = ParseTableIdentifier("a.b.t");
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ(nested->ns, "a.b");
  EXPECT_EQ(nested->ToString(), "a.b.t");
  for (const char* bad : {"t", ".t", "ns.", "a..t", "ns.t/x", "ns.t x", "n s.t", ""}) {
    auto r = ParseTableIdentifier(bad);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_NE(ParseTableIdentifier("t").status().message().find("namespace.table"), std::string::npos);
  EXPECT_TRUE(ValidateNamespace("a-b_c.D9").ok());
  EXPECT_FALSE(ValidateNamespace(std::string(256, 'a')).ok());
}

TEST_F(SqliteCatalogTest, CreatesTheJdbcCatalogLayout) {
  auto c = Open();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(Query("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  // Column names, order and primary keys as Java's JdbcUtil (V1) / PyIceberg's SqlCatalog.
  EXPECT_EQ(Query("SELECT name, pk FROM pragma_table_info('iceberg_tables') ORDER BY cid"),
            (std::vector<std::string>{"catalog_name|1", "table_namespace|2", "table_name|3",
                                      "metadata_location|0", "previous_metadata_location|0",
                                      "iceberg_type|0"}));
  EXPECT_EQ(
      Query("SELECT name, pk FROM pragma_table_info('iceberg_namespace_properties') ORDER BY cid"),
      (std::vector<std::string>{"catalog_name|1", "namespace|2", "property_key|3",
                                "property_value|0"}));
}

TEST_F(SqliteCatalogTest, NamespacesAndTables) {
  auto c = Open();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name(), "silt");
  ASSERT_TRUE(c->CreateNamespace("logs", {{"owner", "ops"}}).ok());
  EXPECT_EQ(c->CreateNamespace("logs").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(c->CreateNamespace("bad ns").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(*c->NamespaceExists("logs"));
  EXPECT_FALSE(*c->NamespaceExists("other"));
  EXPECT_EQ(c->NamespaceProperties("logs")->at("exists"), "true");
  EXPECT_EQ(c->NamespaceProperties("logs")->at("owner"), "ops");
  EXPECT_EQ(c->NamespaceProperties("other").status().code(), StatusCode::kNotFound);

  auto no_ns = c->CreateTable("other.t", "file:///m0.json");
  EXPECT_EQ(no_ns.code(), StatusCode::kNotFound);
  EXPECT_NE(no_ns.message().find("namespace other"), std::string::npos);

  ASSERT_TRUE(c->CreateTable("logs.access", "file:///wh/logs/access/metadata/00000-a.metadata.json").ok());
  ASSERT_TRUE(c->CreateTable("logs.cdn", "file:///m-cdn.json").ok());
  EXPECT_EQ(c->CreateTable("logs.access", "file:///other.json").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(*c->LoadTable("logs.access"), "file:///wh/logs/access/metadata/00000-a.metadata.json");
  auto missing = c->LoadTable("logs.nope");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("logs.nope"), std::string::npos);
  EXPECT_EQ(*c->ListTables("logs"), (std::vector<std::string>{"access", "cdn"}));
  EXPECT_TRUE(c->ListTables("other")->empty());

  // The rows as other engines see them.
  EXPECT_EQ(Query("SELECT catalog_name, table_namespace, table_name, metadata_location, "
                  "previous_metadata_location, iceberg_type FROM iceberg_tables "
                  "WHERE table_name = 'access'"),
            std::vector<std::string>{
                "silt|logs|access|file:///wh/logs/access/metadata/00000-a.metadata.json|NULL|TABLE"});

  // A view row with another name is not a table.
  Query("INSERT INTO iceberg_tables VALUES ('silt', 'logs', 'v', 'file:///v.json', NULL, 'VIEW')");
  EXPECT_EQ(*c->ListTables("logs"), (std::vector<std::string>{"access", "cdn"}));
  EXPECT_EQ(c->LoadTable("logs.v").status().code(), StatusCode::kNotFound);

  // A namespace that only has tables (created by another engine) is listed too.
  Query("INSERT INTO iceberg_tables VALUES ('silt', 'raw', 't', 'file:///r.json', NULL, 'TABLE')");
  EXPECT_EQ(*c->ListNamespaces(), (std::vector<std::string>{"logs", "raw"}));
  EXPECT_TRUE(*c->NamespaceExists("raw"));

  ASSERT_TRUE(c->DropTable("logs.cdn").ok());
  EXPECT_EQ(c->DropTable("logs.cdn").code(), StatusCode::kNotFound);
  EXPECT_EQ(*c->ListTables("logs"), (std::vector<std::string>{"access"}));
}

TEST_F(SqliteCatalogTest, CommitIsCompareAndSwap) {
  auto c = Open();
  ASSERT_TRUE(c->CreateNamespace("ns").ok());
  ASSERT_TRUE(c->CreateTable("ns.t", "m0").ok());
  ASSERT_TRUE(c->CommitTable("ns.t", "m0", "m1").ok());
  EXPECT_EQ(*c->LoadTable("ns.t"), "m1");
  EXPECT_EQ(Query("SELECT previous_metadata_location FROM iceberg_tables"),
            std::vector<std::string>{"m0"});
  // A writer still holding m0 lost.
  Status lost = c->CommitTable("ns.t", "m0", "m2");
  EXPECT_EQ(lost.code(), StatusCode::kPreconditionFailed);
  EXPECT_NE(lost.message().find("now m1"), std::string::npos) << lost.message();
  EXPECT_EQ(*c->LoadTable("ns.t"), "m1");
  EXPECT_EQ(c->CommitTable("ns.nope", "m0", "m1").code(), StatusCode::kNotFound);
}

TEST_F(SqliteCatalogTest, CatalogNamesSeparateTables) {
  auto a = Open("a");
  auto b = Open("b");
  ASSERT_TRUE(a->CreateNamespace("ns").ok());
  ASSERT_TRUE(a->CreateTable("ns.t", "ma").ok());
  EXPECT_FALSE(*b->NamespaceExists("ns"));
  EXPECT_EQ(b->LoadTable("ns.t").status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(b->CreateNamespace("ns").ok());
  ASSERT_TRUE(b->CreateTable("ns.t", "mb").ok());
  EXPECT_EQ(*a->LoadTable("ns.t"), "ma");
  EXPECT_EQ(*b->LoadTable("ns.t"), "mb");
}

TEST_F(SqliteCatalogTest, WorksWithJavasV0Layout) {
  // Java's JdbcCatalog creates this layout unless jdbc.schema-version=V1.
  Query("CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, table_namespace "
        "VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL, metadata_location "
        "VARCHAR(1000), previous_metadata_location VARCHAR(1000), PRIMARY KEY (catalog_name, "
        "table_namespace, table_name))");
  auto c = Open();
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->CreateNamespace("ns").ok());
  ASSERT_TRUE(c->CreateTable("ns.t", "m0").ok());
  ASSERT_TRUE(c->CommitTable("ns.t", "m0", "m1").ok());
  EXPECT_EQ(*c->LoadTable("ns.t"), "m1");
  EXPECT_EQ(*c->ListTables("ns"), std::vector<std::string>{"t"});
  ASSERT_TRUE(c->DropTable("ns.t").ok());
}

TEST_F(SqliteCatalogTest, ErrorsNameTheFile) {
  SqliteCatalogOptions options;
  auto r = SqliteCatalog::Open(dir_ + "/no/such/dir/catalog.db", options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(dir_ + "/no/such/dir/catalog.db"), std::string::npos);
  {
    FILE* f = std::fopen(path_.c_str(), "w");
    std::fputs("this is not a database, just text that is long enough to have a header.......", f);
    std::fclose(f);
  }
  auto garbage = SqliteCatalog::Open(path_, options);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), StatusCode::kCorruption);
  EXPECT_NE(garbage.status().message().find(path_), std::string::npos);
  options.catalog_name = "";
  EXPECT_EQ(SqliteCatalog::Open(dir_ + "/x.db", options).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(SqliteCatalogTest, ThreadsCommitWithoutLosingUpdates) {
  auto c = Open();
  ASSERT_TRUE(c->CreateNamespace("ns").ok());
  ASSERT_TRUE(c->CreateTable("ns.t", "0").ok());
  // Each thread bumps a counter stored as the location; CAS makes every bump land once.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50;) {
        auto cur = c->LoadTable("ns.t");
        ASSERT_TRUE(cur.ok());
        Status st = c->CommitTable("ns.t", *cur, std::to_string(std::stoi(*cur) + 1));
        if (st.ok()) {
          ++i;
        } else {
          ASSERT_EQ(st.code(), StatusCode::kPreconditionFailed) << st.ToString();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(*c->LoadTable("ns.t"), "200");
}

}  // namespace
}  // namespace silt::catalog
