// Test-only: a scratch folder holding a warehouse and a DuckDB connection, shared by the
// table module's tests (tables in SQL, rewrites, schema evolution, maintenance).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "silt/common/uri.h"
#include "silt/gen/s3_access_gen.h"
#include "silt/query/database.h"
#include "silt/store/store.h"
#include "silt/table/iceberg_writer.h"
#include "silt/table/table_sql.h"
#include "silt/table/warehouse.h"

namespace silt::table::testing {

class WarehouseTest : public ::testing::Test {
 protected:
  // `name` tells the scratch folders of different suites apart.
  explicit WarehouseTest(std::string name) : name_(std::move(name)) {}

  void SetUp() override {
    static int counter = 0;
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("silt-{}-{}-{}", name_, ::getpid(), counter++);
    std::filesystem::create_directories(dir_);
    WarehouseOptions wo;
    wo.location = (dir_ / "wh").string();
    auto wh = Warehouse::Open(wo);
    ASSERT_TRUE(wh.ok()) << wh.status().ToString();
    wh_ = std::move(wh).value();
    db_ = OpenDb();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::unique_ptr<query::Database> OpenDb() {
    auto db = query::Database::Open(
        query::DatabaseOptions{.threads = 2, .memory_limit = {}, .path = ":memory:"});
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  // Deterministic S3 access logs in <dir>/<sub> (days from 2024-03-01).
  void GenerateLogs(const std::string& sub, uint64_t bytes, int objects, int days, uint64_t seed) {
    auto st = store::OpenStore(*ParseUri((dir_ / sub).string()), true);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    gen::S3AccessGenOptions o;
    o.total_bytes = bytes;
    o.objects = objects;
    o.days = days;
    o.seed = seed;
    o.prefix = "";
    ASSERT_TRUE(gen::GenerateS3Access(o, **st).ok());
  }

  // Creates `identifier` with `cols` (ColumnsOfFormat, ParseColumnList), partitioned as given.
  void CreateWithColumns(const std::string& identifier, const Result<std::vector<ColumnDecl>>& cols,
                         const std::string& partition_by) {
    ASSERT_TRUE(cols.ok()) << cols.status().ToString();
    CreateTableRequest create;
    create.identifier = identifier;
    create.schema = *SchemaFromColumns(*cols);
    create.partition_by = *ParsePartitionBy(partition_by);
    auto c = CreateIcebergTable(*wh_, create);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
  }
  // Creates `identifier` with the columns of a log format, partitioned as given.
  void CreateFromFormat(const std::string& identifier, const std::string& format,
                        const std::string& partition_by) {
    CreateWithColumns(identifier, ColumnsOfFormat(format), partition_by);
  }

  // Binds catalog tables, runs the query and returns its first value ("" and a test failure
  // on error).
  std::string One(const std::string& sql, std::vector<BoundTable>* bound = nullptr,
                  BindOptions options = {}) {
    auto text = BindCatalogTables(*db_, *wh_, sql, options, bound);
    EXPECT_TRUE(text.ok()) << sql << ": " << text.status().ToString();
    if (!text.ok()) return "";
    auto r = db_->Query(*text);
    EXPECT_TRUE(r.ok()) << *text << ": " << r.status().ToString();
    return r.ok() && r->row_count() > 0 ? r->Text(0, 0) : "";
  }

  std::string name_;
  std::filesystem::path dir_;
  std::unique_ptr<Warehouse> wh_;
  std::unique_ptr<query::Database> db_;
};

}  // namespace silt::table::testing
