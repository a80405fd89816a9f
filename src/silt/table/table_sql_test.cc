// Catalog tables in SQL: views over the pruned files of a snapshot, AT clauses, answers equal
// to the raw logs'.
#include "silt/table/table_sql.h"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "silt/gen/s3_access_gen.h"
#include "silt/table/iceberg_writer.h"
#include "silt/table/table_test_util.h"

namespace silt::table {
namespace {

namespace fs = std::filesystem;

class TableSqlTest : public testing::WarehouseTest {
 protected:
  TableSqlTest() : WarehouseTest("tablesql") {}
  void SetUp() override {
    WarehouseTest::SetUp();
    GenerateLogs("raw", 3 << 20, 10, 5, 5);  // five days
    CreateFromFormat("logs.access", "s3_access", "day(request_time)");
  }

  int64_t Append(const std::string& where) {
    AppendRequest a;
    a.identifier = "logs.access";
    a.select_sql = Raw() + where;
    auto r = AppendQuery(*wh_, *db_, a);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->snapshot_id : 0;
  }
  std::string Raw() {
    return fmt::format("SELECT * FROM read_log('{}', format => 's3_access')", (dir_ / "raw").string());
  }
};

TEST_F(TableSqlTest, TablesAnswerLikeTheRawLogs) {
  Append("");
  const std::string q = "SELECT count(*) || '/' || sum(bytes_sent) || '/' || count(DISTINCT request_id)";
  std::vector<BoundTable> bound;
  EXPECT_EQ(One(q + " FROM logs.access", &bound), One(q + " FROM (" + Raw() + ")"));
  ASSERT_EQ(bound.size(), 1u);
  EXPECT_EQ(bound[0].table, "logs.access");
  EXPECT_EQ(bound[0].files_total, 5u);  // one per day
  EXPECT_EQ(bound[0].files_scanned, 5u);
  // Names are case-insensitive, as in SQL; statements without tables are left alone.
  EXPECT_EQ(One("SELECT count(*) FROM LOGS.Access"), One("SELECT count(*) FROM (" + Raw() + ")"));
  auto same = BindCatalogTables(*db_, *wh_, "SELECT 42", {}, nullptr);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, "SELECT 42");
}

TEST_F(TableSqlTest, ADayReadsOnlyThatDaysFiles) {
  Append("");
  const std::string day = " WHERE request_time >= '2024-03-02' AND request_time < '2024-03-03'";
  std::vector<BoundTable> bound;
  EXPECT_EQ(One("SELECT count(*) FROM logs.access" + day, &bound),
            One("SELECT count(*) FROM (" + Raw() + ")" + day));
  ASSERT_EQ(bound.size(), 1u);
  EXPECT_EQ(bound[0].files_total, 5u);
  EXPECT_EQ(bound[0].files_scanned, 1u);
  // Equality, BETWEEN, constants on the left, other columns' bounds.
  bound.clear();
  One("SELECT count(*) FROM logs.access WHERE request_time BETWEEN '2024-03-04 00:00:00' AND '2024-03-04 12:00:00'", &bound);
  EXPECT_EQ(bound[0].files_scanned, 1u);
  bound.clear();
  One("SELECT count(*) FROM logs.access WHERE '2024-03-04' <= request_time", &bound);
  EXPECT_EQ(bound[0].files_scanned, 2u);
  bound.clear();
  EXPECT_EQ(One("SELECT count(*) FROM logs.access WHERE bytes_sent < -5", &bound), "0");
  EXPECT_EQ(bound[0].files_scanned, 0u);  // no file holds a negative size
  // OR is not used for pruning (every file stays), answers stay right.
  bound.clear();
  const std::string either = " WHERE request_time < '2024-03-02' OR http_status = 404";
  EXPECT_EQ(One("SELECT count(*) FROM logs.access" + either, &bound),
            One("SELECT count(*) FROM (" + Raw() + ")" + either));
  EXPECT_EQ(bound[0].files_scanned, 5u);
}

// A number with a decimal point is a DECIMAL constant to DuckDB (399.5 is 3995 at scale 1):
// files are chosen by its value, and a value the column's type cannot hold exactly prunes
// nothing rather than the wrong files. Every answer equals the unpruned one (OR false).
TEST_F(TableSqlTest, NumbersWithADecimalPointPruneByTheirValue) {
  Append("");
  CreateWithColumns("logs.nums", ParseColumnList("f FLOAT, d DOUBLE, n BIGINT"), "");
  for (int part = 0; part < 4; ++part) {  // four files with different bounds
    AppendRequest a;
    a.identifier = "logs.nums";
    a.select_sql = fmt::format(
        "SELECT (i / 10)::FLOAT AS f, (i / 10)::DOUBLE AS d, i AS n FROM range({}, {}) t(i)",
        part * 100, part * 100 + 100);
    ASSERT_TRUE(AppendQuery(*wh_, *db_, a).ok());
  }
  const char* checks[][2] = {
      {"logs.access", "http_status >= 399.5"}, {"logs.access", "http_status >= 400.0"},
      {"logs.access", "http_status = 404.00"}, {"logs.access", "http_status < 200.5"},
      {"logs.access", "bytes_sent <= 1024.75"}, {"logs.access", "http_status > 18446744073709551615"},
      {"logs.nums", "f > 14.0"}, {"logs.nums", "f < 16.3"}, {"logs.nums", "f >= 16.3"},
      {"logs.nums", "d > 16.3"}, {"logs.nums", "d <= 16.3"}, {"logs.nums", "d = 25.5"},
      {"logs.nums", "n >= 150.0"}, {"logs.nums", "n < 150.5"}, {"logs.nums", "f > 14.0::DOUBLE"},
  };
  for (const auto& [table, where] : checks) {
    SCOPED_TRACE(where);
    const std::string q = fmt::format("SELECT count(*) FROM {} WHERE {}", table, where);
    EXPECT_EQ(One(q), One(q + " OR false"));
  }
  // Whole values still prune.
  std::vector<BoundTable> bound;
  One("SELECT count(*) FROM logs.nums WHERE d >= 30.0", &bound);
  ASSERT_EQ(bound.size(), 1u);
  EXPECT_EQ(bound[0].files_scanned, 1u);
}

TEST_F(TableSqlTest, TimeTravelByVersionAndOption) {
  const int64_t first = Append(" WHERE http_status = 200");
  const int64_t second = Append(" WHERE http_status IS DISTINCT FROM 200");
  ASSERT_NE(first, 0);
  ASSERT_NE(second, 0);
  const std::string ok200 = One("SELECT count(*) FROM (" + Raw() + ") WHERE http_status = 200");
  const std::string all = One("SELECT count(*) FROM (" + Raw() + ")");
  EXPECT_EQ(One("SELECT count(*) FROM logs.access"), all);
  EXPECT_EQ(One(fmt::format("SELECT count(*) FROM logs.access AT (VERSION => {})", first)), ok200);
  EXPECT_EQ(One(fmt::format("SELECT count(*) FROM logs.access t AT (VERSION => {}) WHERE t.http_status = 200", first)), ok200);
  // A column qualified by the table's own name still resolves after the rewrite.
  EXPECT_EQ(One(fmt::format("SELECT count(access.request_id) FROM logs.access AT (VERSION => {})", first)), ok200);
  BindOptions at_first;
  at_first.snapshot_id = first;
  EXPECT_EQ(One("SELECT count(*) FROM logs.access", nullptr, at_first), ok200);
  // Both snapshots in one statement.
  EXPECT_EQ(One(fmt::format("SELECT (SELECT count(*) FROM logs.access) - (SELECT count(*) FROM logs.access AT (VERSION => {}))", first)),
            One("SELECT count(*) FROM (" + Raw() + ") WHERE http_status IS DISTINCT FROM 200"));
  auto unknown = BindCatalogTables(*db_, *wh_, "SELECT * FROM logs.access AT (VERSION => 42)", {}, nullptr);
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(unknown.status().IsNotFound());
  EXPECT_NE(unknown.status().message().find(std::to_string(first)), std::string::npos);
}

TEST_F(TableSqlTest, EmptyTablesAndOtherStatements) {
  EXPECT_EQ(One("SELECT count(*) FROM logs.access"), "0");
  Append("");
  // Not a SELECT: every file, no pruning, still the right rows.
  const std::string out = (dir_ / "copy.parquet").string();
  auto text = BindCatalogTables(*db_, *wh_, "COPY (SELECT * FROM logs.access) TO '" + out + "'", {}, nullptr);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  ASSERT_TRUE(db_->Exec(*text).ok());
  EXPECT_EQ(One("SELECT count(*) FROM '" + out + "'"), One("SELECT count(*) FROM (" + Raw() + ")"));
}

}  // namespace
}  // namespace silt::table
