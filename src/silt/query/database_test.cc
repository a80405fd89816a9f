#include "silt/query/database.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace silt::query {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<Database> OpenWorkersOnly() {
  auto db = Database::Open(DatabaseOptions{.threads = 2, .memory_limit = {}, .path = ":memory:",
                                           .workers_only = true});
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

// Two statements started side by side both run to the end on DuckDB's own threads, with the
// session settings of the main connection (UTC) and silt's functions available.
TEST(DatabaseStart, StatementsInFlightTogetherBothComplete) {
  char tmpl[] = "/tmp/silt-db-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  auto db = OpenWorkersOnly();
  ASSERT_NE(db, nullptr);
  auto a = db->Start("COPY (SELECT range AS i, TIMESTAMPTZ '2024-03-01 00:00:00+00' AS t FROM "
                     "range(300000)) TO '" + dir + "/a.parquet' (FORMAT parquet)");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = db->Start("COPY (SELECT range * 2 AS i, strftime(TIMESTAMPTZ '2024-03-01 00:00:00+00', "
                     "'%H') AS h FROM range(200000)) TO '" + dir + "/b.parquet' (FORMAT parquet)");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_TRUE((*b)->Wait().ok());
  EXPECT_TRUE((*a)->Wait().ok());
  EXPECT_TRUE((*a)->Done());
  auto n = db->Query("SELECT (SELECT count(*) FROM '" + dir + "/a.parquet') + (SELECT sum(i) FROM '" +
                     dir + "/b.parquet'), (SELECT any_value(h) FROM '" + dir + "/b.parquet')");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->Int64(0, 0), 300000 + 2 * (199999LL * 200000 / 2));
  EXPECT_EQ(n->Text(1, 0), "00");  // the started statement's session is in UTC too
  fs::remove_all(dir);
}

// A statement dropped while it runs is cancelled (what an error elsewhere does to the COPY in
// flight beside it); the database stays usable.
TEST(DatabaseStart, DroppingARunningStatementCancelsIt) {
  char tmpl[] = "/tmp/silt-db-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  auto db = OpenWorkersOnly();
  ASSERT_NE(db, nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  {
    auto run = db->Start("COPY (SELECT md5(range::VARCHAR) AS h FROM range(200000000)) TO '" +
                         dir + "/big.parquet' (FORMAT parquet)");
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    EXPECT_FALSE((*run)->Done());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
  auto n = db->Query("SELECT 42");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->Int64(0, 0), 42);
  fs::remove_all(dir);
}

TEST(DatabaseStart, ErrorsComeBackFromStartOrWait) {
  auto db = OpenWorkersOnly();
  ASSERT_NE(db, nullptr);
  // Found when binding: Start says so.
  auto bad = db->Start("COPY (SELECT * FROM no_such_table) TO '/tmp/x.parquet'");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("no_such_table"), std::string::npos);
  // Found while running: Wait says so.
  char tmpl[] = "/tmp/silt-db-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  auto failing = db->Start("COPY (SELECT CAST('x' || range AS INTEGER) AS v FROM range(10)) TO '" +
                           dir + "/v.parquet' (FORMAT parquet)");
  ASSERT_TRUE(failing.ok()) << failing.status().ToString();
  Status st = (*failing)->Wait();
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("x0"), std::string::npos) << st.ToString();
  // DuckDB's own message and kind, as a blocking query would give them.
  EXPECT_EQ(st.message().rfind("Conversion Error:", 0), 0u) << st.ToString();
  auto unwritable = db->Start("COPY (SELECT 1 AS v) TO '" + dir + "/no/such/dir/v.parquet' (FORMAT parquet)");
  ASSERT_TRUE(unwritable.ok()) << unwritable.status().ToString();
  st = (*unwritable)->Wait();
  EXPECT_EQ(st.code(), StatusCode::kIoError) << st.ToString();
  EXPECT_EQ(st.message().rfind("IO Error:", 0), 0u) << st.ToString();
  fs::remove_all(dir);
}

// DuckDB 1.4 repeats the "LINE 1: ..." context of a parser error; silt shows it once.
TEST(DatabaseErrors, TheContextOfAnErrorIsShownOnce) {
  auto db = Database::Open(DatabaseOptions{.threads = 1, .memory_limit = {}, .path = ":memory:"});
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  for (const char* sql : {"SELEC 1", "SELECT nosuchcol FROM range(1)"}) {
    auto r = (*db)->Query(sql);
    ASSERT_FALSE(r.ok());
    const std::string& m = r.status().message();
    const size_t first = m.find("LINE 1:");
    ASSERT_NE(first, std::string::npos) << m;
    EXPECT_EQ(m.find("LINE 1:", first + 1), std::string::npos) << m;
  }
}

}  // namespace
}  // namespace silt::query
