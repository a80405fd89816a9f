// Catalog tables in SQL: views over the pruned files of a snapshot, AT clauses, answers equal
// to the raw logs'.
#include "silt/table/table_sql.h"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "silt/gen/s3_access_gen.h"
#include "silt/table/iceberg_writer.h"

namespace silt::table {
namespace {

namespace fs = std::filesystem;

class TableSqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("silt-tablesql-{}-{}", ::getpid(), counter_++);
    fs::create_directories(dir_);
    // Five days of logs.
    auto st = store::OpenStore(*ParseUri((dir_ / "raw").string()), true);
    ASSERT_TRUE(st.ok());
    gen::S3AccessGenOptions o;
    o.total_bytes = 3 << 20;
    o.objects = 10;
    o.days = 5;
    o.seed = 5;
    o.prefix = "";
    ASSERT_TRUE(gen::GenerateS3Access(o, **st).ok());
    WarehouseOptions wo;
    wo.location = (dir_ / "wh").string();
    auto wh = Warehouse::Open(wo);
    ASSERT_TRUE(wh.ok()) << wh.status().ToString();
    wh_ = std::move(wh).value();
    auto db = query::Database::Open(query::DatabaseOptions{.threads = 2, .memory_limit = {}, .path = ":memory:"});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
    CreateTableRequest create;
    create.identifier = "logs.access";
    auto cols = ColumnsOfFormat("s3_access");
    ASSERT_TRUE(cols.ok());
    create.schema = *SchemaFromColumns(*cols);
    create.partition_by = *ParsePartitionBy("day(request_time)");
    ASSERT_TRUE(CreateIcebergTable(*wh_, create).ok());
  }
  void TearDown() override { fs::remove_all(dir_); }

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
  // Binds and runs a one-value query.
  std::string One(const std::string& sql, std::vector<BoundTable>* bound = nullptr,
                  BindOptions options = {}) {
    auto text = BindCatalogTables(*db_, *wh_, sql, options, bound);
    EXPECT_TRUE(text.ok()) << sql << ": " << text.status().ToString();
    if (!text.ok()) return "";
    auto r = db_->Query(*text);
    EXPECT_TRUE(r.ok()) << *text << ": " << r.status().ToString();
    return r.ok() && r->row_count() > 0 ? r->Text(0, 0) : "";
  }

  static inline int counter_ = 0;
  fs::path dir_;
  std::unique_ptr<Warehouse> wh_;
  std::unique_ptr<query::Database> db_;
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
