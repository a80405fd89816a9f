#include "silt/table/iceberg_writer.h"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "silt/gen/s3_access_gen.h"
#include "silt/iceberg/literal.h"
#include "silt/iceberg/table_ops.h"

namespace silt::table {
namespace {

namespace fs = std::filesystem;
using iceberg::Literal;
using iceberg::TypeId;

// ---- pure helpers ----

TEST(IcebergTypes, SqlNamesMapToIcebergTypes) {
  EXPECT_EQ((*IcebergTypeFromSql("BIGINT"))->id, TypeId::kLong);
  EXPECT_EQ((*IcebergTypeFromSql("integer"))->id, TypeId::kInt);
  EXPECT_EQ((*IcebergTypeFromSql("DOUBLE"))->id, TypeId::kDouble);
  EXPECT_EQ((*IcebergTypeFromSql("VARCHAR"))->id, TypeId::kString);
  EXPECT_EQ((*IcebergTypeFromSql("BOOLEAN"))->id, TypeId::kBoolean);
  EXPECT_EQ((*IcebergTypeFromSql("TIMESTAMPTZ"))->id, TypeId::kTimestampTz);
  EXPECT_EQ((*IcebergTypeFromSql("timestamp  with time zone"))->id, TypeId::kTimestampTz);
  EXPECT_EQ((*IcebergTypeFromSql("TIMESTAMP"))->id, TypeId::kTimestamp);
  EXPECT_EQ((*IcebergTypeFromSql("DATE"))->id, TypeId::kDate);
  EXPECT_EQ(IcebergTypeFromSql("HUGEINT").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*SqlTypeForIceberg(*iceberg::Type::TimestampTz()), "TIMESTAMPTZ");
  EXPECT_EQ(TrinoTypeName(*iceberg::Type::TimestampTz()), "timestamp(6) with time zone");
  EXPECT_EQ(TrinoTypeName(*iceberg::Type::Long()), "bigint");
}

TEST(IcebergTypes, ColumnLists) {
  auto cols = ParseColumnList("a BIGINT, \"odd name\" varchar ,ts TIMESTAMP WITH TIME ZONE");
  ASSERT_TRUE(cols.ok()) << cols.status().ToString();
  ASSERT_EQ(cols->size(), 3u);
  EXPECT_EQ((*cols)[1].name, "odd name");
  EXPECT_EQ((*cols)[2].sql_type, "TIMESTAMP WITH TIME ZONE");
  auto schema = SchemaFromColumns(*cols);
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(schema->fields[0].id, 1);
  EXPECT_EQ(schema->fields[2].id, 3);
  EXPECT_FALSE(schema->fields[2].required);
  EXPECT_FALSE(ParseColumnList("a").ok());
  EXPECT_FALSE(ParseColumnList("a BIGINT,").ok());
  EXPECT_FALSE(ParseColumnList("a UUIDX").ok());
  EXPECT_FALSE(SchemaFromColumns(*ParseColumnList("a BIGINT, A VARCHAR")).ok());
  auto fmt_cols = ColumnsOfFormat("s3_access");
  ASSERT_TRUE(fmt_cols.ok());
  EXPECT_EQ((*fmt_cols)[2].name, "request_time");
  EXPECT_EQ((*fmt_cols)[2].sql_type, "TIMESTAMPTZ");
  EXPECT_FALSE(ColumnsOfFormat("csv").ok());
  EXPECT_FALSE(ColumnsOfFormat("nope").ok());
}

TEST(IcebergPartitioning, ParsesSparkAndTrinoSpellings) {
  auto p = ParsePartitionBy("day(request_time), bucket(16, key), truncate(key, 4), status, hour(ts)");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 5u);
  EXPECT_EQ((*p)[0].transform, iceberg::Transform::Day());
  EXPECT_EQ((*p)[0].source_name, "request_time");
  EXPECT_EQ((*p)[1].transform, iceberg::Transform::Bucket(16));
  EXPECT_EQ((*p)[1].source_name, "key");
  EXPECT_EQ((*p)[2].transform, iceberg::Transform::Truncate(4));
  EXPECT_EQ((*p)[3].transform, iceberg::Transform::Identity());
  EXPECT_EQ((*p)[4].transform, iceberg::Transform::Hour());
  EXPECT_TRUE(ParsePartitionBy("")->empty());
  EXPECT_FALSE(ParsePartitionBy("week(ts)").ok());
  EXPECT_FALSE(ParsePartitionBy("bucket(key)").ok());
  EXPECT_FALSE(ParsePartitionBy("day(ts").ok());
  EXPECT_FALSE(ParsePartitionBy("bucket(0, key)").ok());
}

// ---- with a warehouse ----

class IcebergWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/silt-iceberg-writer-XXXXXX";
    dir_ = mkdtemp(tmpl);
    WarehouseOptions wo;
    wo.location = dir_ + "/wh";
    auto w = Warehouse::Open(wo);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    wh_ = std::move(w).value();
    auto db = query::Database::Open(query::DatabaseOptions{.threads = 2, .memory_limit = {}, .path = ":memory:"});
    ASSERT_TRUE(db.ok());
    db_ = std::move(db).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Generate(const std::string& sub, int days, uint64_t seed) {
    auto st = store::OpenStore(*ParseUri(dir_ + "/" + sub), true);
    ASSERT_TRUE(st.ok());
    gen::S3AccessGenOptions o;
    o.total_bytes = 2 << 20;
    o.objects = 3;
    o.days = days;
    o.seed = seed;
    o.prefix = "";
    ASSERT_TRUE(gen::GenerateS3Access(o, **st).ok());
  }

  std::string One(const std::string& sql) {
    auto r = db_->Query(sql);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    return r.ok() && r->row_count() > 0 ? r->Text(0, 0) : "";
  }

  iceberg::FilePlan Plan(const std::string& table) {
    auto t = LoadIcebergTable(*wh_, table);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    auto plan = iceberg::PlanFiles(wh_->io(), t->metadata);
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    return plan.ok() ? *plan : iceberg::FilePlan{};
  }

  // 'a', 'b' list of the local paths of planned files.
  std::string FileList(const iceberg::FilePlan& plan) {
    std::string list;
    for (const auto& f : plan.data_files) {
      auto key = wh_->io().KeyOf(f.file.file_path);
      EXPECT_TRUE(key.ok());
      list += (list.empty() ? "" : ", ") + query::SqlQuote(wh_->store().LocalPath(*key));
    }
    return "[" + list + "]";
  }

  std::string dir_;
  std::unique_ptr<Warehouse> wh_;
  std::unique_ptr<query::Database> db_;
};

TEST_F(IcebergWriterTest, WarehouseLayoutAndErrors) {
  EXPECT_TRUE(fs::exists(dir_ + "/wh/catalog.db"));
  EXPECT_EQ(wh_->uri(), "file://" + dir_ + "/wh");
  EXPECT_EQ(wh_->TableLocation({"a.b", "t"}), "file://" + dir_ + "/wh/a/b/t");
  WarehouseOptions missing;
  missing.location = dir_ + "/nope";
  missing.create = false;
  EXPECT_EQ(Warehouse::Open(missing).status().code(), StatusCode::kNotFound);
  unsetenv("SILT_CATALOG");
  WarehouseOptions s3;
  s3.location = "s3://bucket/wh";
  auto r = Warehouse::Open(s3);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("--catalog"), std::string::npos);
  setenv("SILT_WAREHOUSE", (dir_ + "/env-wh").c_str(), 1);
  auto env = Warehouse::Open({});
  unsetenv("SILT_WAREHOUSE");
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  EXPECT_EQ((*env)->uri(), "file://" + dir_ + "/env-wh");
}

// A table keeps data/, metadata/ and silt/ in its folder: a name that would put another
// table there is refused (remove-orphans of one would delete the other's files).
TEST_F(IcebergWriterTest, NamesThatWouldNestInATablesOwnFoldersAreRefused) {
  CreateTableRequest req;
  req.schema = *SchemaFromColumns(*ParseColumnList("v BIGINT"));
  for (const char* bad : {"x.t.metadata", "x.t.data", "x.t.Silt", "x.t.data.y", "a.b.c.metadata"}) {
    req.identifier = bad;
    auto r = CreateIcebergTable(*wh_, req);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("choose another name"), std::string::npos) << bad;
  }
  for (const char* good : {"x.t", "x.data", "metadata.t", "x.t.u", "x.t.datasets"}) {
    req.identifier = good;
    auto r = CreateIcebergTable(*wh_, req);
    EXPECT_TRUE(r.ok()) << good << ": " << r.status().ToString();
  }
}

TEST_F(IcebergWriterTest, BucketFunctionsMatchTheSpecTransform) {
  ASSERT_TRUE(RegisterIcebergFunctions(*db_).ok());
  ASSERT_TRUE(RegisterIcebergFunctions(*db_).ok());  // idempotent
  // The spec's vectors: 34 -> 2017239379, "iceberg" -> 1210000089.
  EXPECT_EQ(One("SELECT __silt_bucket_long(34, 2147483647)"), std::to_string(2017239379 % 2147483647));
  EXPECT_EQ(One("SELECT __silt_bucket_string('iceberg', 2147483647)"),
            std::to_string(1210000089 % 2147483647));
  EXPECT_EQ(One("SELECT __silt_bucket_long(NULL, 16) IS NULL"), "true");
  auto r = db_->Query(
      "SELECT i, __silt_bucket_long(i * 7919 - 500000, 16), 'k' || i, __silt_bucket_string('k' || i, 7) "
      "FROM range(5000) t(i)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (uint64_t row = 0; row < r->row_count(); ++row) {
    const int64_t i = r->Int64(0, row);
    EXPECT_EQ(*iceberg::Transform::Bucket(16).Apply(Literal::Long(i * 7919 - 500000)),
              Literal::Int(static_cast<int32_t>(r->Int64(1, row))));
    EXPECT_EQ(*iceberg::Transform::Bucket(7).Apply(Literal::String(r->Text(2, row))),
              Literal::Int(static_cast<int32_t>(r->Int64(3, row))));
  }
}

TEST_F(IcebergWriterTest, CreateAppendTwiceAndReadBack) {
  Generate("raw1", 2, 1);
  Generate("raw2", 1, 2);
  auto cols = ColumnsOfFormat("s3_access");
  ASSERT_TRUE(cols.ok());
  CreateTableRequest req;
  req.identifier = "logs.access";
  req.schema = *SchemaFromColumns(*cols);
  req.partition_by = *ParsePartitionBy("day(request_time)");
  auto created = CreateIcebergTable(*wh_, req);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(CreateIcebergTable(*wh_, req).status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(fs::exists(dir_ + "/wh/logs/access/metadata"));

  const std::string q1 = "SELECT * FROM read_log('" + dir_ + "/raw1', format => 's3_access')";
  const std::string q2 = "SELECT * FROM read_log('" + dir_ + "/raw2', format => 's3_access')";
  AppendRequest a;
  a.identifier = "logs.access";
  a.select_sql = q1;
  a.inputs = dir_ + "/raw1";
  auto r1 = AppendQuery(*wh_, *db_, a);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  a.select_sql = q2;
  a.inputs = dir_ + "/raw2";
  auto r2 = AppendQuery(*wh_, *db_, a);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_NE(r1->snapshot_id, r2->snapshot_id);
  EXPECT_FALSE(fs::exists(dir_ + "/wh/.silt-staging"));  // staging cleaned up

  const int64_t n1 = std::stoll(One("SELECT count(*) FROM (" + q1 + ")"));
  const int64_t n2 = std::stoll(One("SELECT count(*) FROM (" + q2 + ")"));
  EXPECT_EQ(r1->records, n1);
  EXPECT_EQ(r2->records, n2);
  EXPECT_GE(r1->files.size(), 2u);  // two days

  auto table = LoadIcebergTable(*wh_, "logs.access");
  ASSERT_TRUE(table.ok());
  const iceberg::Snapshot* snap = table->metadata.CurrentSnapshot();
  ASSERT_NE(snap, nullptr);
  EXPECT_EQ(snap->operation(), "append");
  EXPECT_EQ(snap->SummaryInt("total-records"), n1 + n2);
  EXPECT_EQ(snap->summary.at("silt.inputs"), dir_ + "/raw2");
  EXPECT_FALSE(snap->summary.at("silt.run").empty());
  EXPECT_EQ(table->metadata.snapshots.size(), 2u);

  iceberg::FilePlan plan = Plan("logs.access");
  ASSERT_EQ(plan.data_files.size(), r1->files.size() + r2->files.size());
  int64_t records = 0;
  const iceberg::Schema& schema = *table->metadata.CurrentSchema();
  const int ts_id = schema.FindFieldByName("request_time")->id;
  const int status_id = schema.FindFieldByName("http_status")->id;
  const int op_id = schema.FindFieldByName("operation")->id;
  for (const auto& pf : plan.data_files) {
    const iceberg::DataFile& f = pf.file;
    records += f.record_count;
    EXPECT_TRUE(f.file_path.starts_with("file://" + dir_ + "/wh/logs/access/data/request_time_day="))
        << f.file_path;
    ASSERT_EQ(f.partition.size(), 1u);
    EXPECT_EQ(f.partition[0].type_id(), TypeId::kDate);
    // Every row's day is the partition's: the bounds of request_time fall into it.
    auto lo = iceberg::FromBytes(iceberg::Type::TimestampTz(), f.lower_bounds.at(ts_id));
    auto hi = iceberg::FromBytes(iceberg::Type::TimestampTz(), f.upper_bounds.at(ts_id));
    ASSERT_TRUE(lo.ok() && hi.ok());
    EXPECT_EQ(*iceberg::Transform::Day().Apply(*lo), f.partition[0]);
    EXPECT_EQ(*iceberg::Transform::Day().Apply(*hi), f.partition[0]);
    // The file's own answers match its metrics.
    const std::string path = wh_->store().LocalPath(*wh_->io().KeyOf(f.file_path));
    EXPECT_EQ(static_cast<uint64_t>(f.file_size_in_bytes), fs::file_size(path));
    const std::string rp = "read_parquet(" + query::SqlQuote(path) + ")";
    EXPECT_EQ(One("SELECT count(*) FROM " + rp), std::to_string(f.record_count));
    EXPECT_EQ(One("SELECT epoch_us(min(request_time)) FROM " + rp),
              std::to_string(lo->as_long()));
    EXPECT_EQ(One("SELECT epoch_us(max(request_time)) FROM " + rp),
              std::to_string(hi->as_long()));
    EXPECT_EQ(One("SELECT min(http_status) FROM " + rp),
              std::to_string(iceberg::FromBytes(iceberg::Type::Int(), f.lower_bounds.at(status_id))->as_int()));
    EXPECT_EQ(One("SELECT count(*) - count(error_code) FROM " + rp),
              std::to_string(f.null_value_counts.at(schema.FindFieldByName("error_code")->id)));
    EXPECT_EQ(f.value_counts.at(op_id), f.record_count);
    EXPECT_GT(f.column_sizes.at(op_id), 0);
    const std::string op_min = One("SELECT min(operation) FROM " + rp);
    EXPECT_EQ(f.lower_bounds.at(op_id), iceberg::TruncateStringLower(op_min, 16));
    EXPECT_FALSE(f.split_offsets.empty());
    EXPECT_EQ(f.split_offsets.front(), 4);
    // Field ids and the schema entry.
    EXPECT_EQ(One("SELECT field_id FROM parquet_schema(" + query::SqlQuote(path) +
                  ") WHERE name = 'request_time'"),
              std::to_string(ts_id));
    EXPECT_EQ(One("SELECT count(*) FROM parquet_schema(" + query::SqlQuote(path) +
                  ") WHERE field_id IS NOT NULL"),
              std::to_string(schema.fields.size()));
    EXPECT_EQ(One("SELECT decode(value) FROM parquet_kv_metadata(" + query::SqlQuote(path) +
                  ") WHERE decode(key) = 'iceberg.schema'"),
              iceberg::SchemaToJson(schema));
  }
  EXPECT_EQ(records, n1 + n2);
  // The same answers from the table's files as from the raw logs.
  const std::string files = FileList(plan);
  EXPECT_EQ(One("SELECT count(*) FROM read_parquet(" + files + ")"), std::to_string(n1 + n2));
  EXPECT_EQ(One("SELECT sum(bytes_sent), sum(http_status), count(DISTINCT request_id) FROM read_parquet(" + files + ")"),
            One("SELECT sum(bytes_sent), sum(http_status), count(DISTINCT request_id) FROM (" + q1 +
                " UNION ALL " + q2 + ")"));
}

TEST_F(IcebergWriterTest, TransformsOfEveryKindMatchTheSpec) {
  CreateTableRequest req;
  req.identifier = "t.kinds";
  req.schema = *SchemaFromColumns(*ParseColumnList(
      "id BIGINT, name VARCHAR, n INTEGER, ts TIMESTAMP, d DATE, tz TIMESTAMPTZ, flag BOOLEAN, x DOUBLE"));
  req.partition_by = *ParsePartitionBy(
      "bucket(4, id), truncate(2, name), truncate(10, n), hour(ts), month(d), year(tz), flag");
  ASSERT_TRUE(CreateIcebergTable(*wh_, req).ok());
  AppendRequest a;
  a.identifier = "t.kinds";
  // year(tz) is the UTC year whatever the session's time zone.
  ASSERT_TRUE(db_->Exec("SET TimeZone = 'America/New_York'").ok());
  // Multi-byte names, nulls, negative numbers and pre-1970 times.
  a.select_sql =
      "SELECT i AS id, CASE WHEN i % 5 = 0 THEN NULL ELSE ['ab', 'äöü', 'x', '日本語', 'a/b=c'][i % 5 + 1] || i END AS name, "
      "CAST(i * 3 - 20 AS INTEGER) AS n, TIMESTAMP '1969-12-31 22:00:00' + i * INTERVAL 37 MINUTE AS ts, "
      "DATE '1969-11-15' + CAST(i * 11 AS INTEGER) AS d, "
      "CASE WHEN i = 3 THEN NULL ELSE TIMESTAMPTZ '1969-12-31 22:00:00+00' + i * INTERVAL 1 HOUR + "
      "(i // 8) * INTERVAL 365 DAY END AS tz, "
      "i % 3 = 0 AS flag, CASE WHEN i = 7 THEN 'NaN'::DOUBLE ELSE i / 4.0 - 3 END AS x FROM range(40) t(i)";
  auto r = AppendQuery(*wh_, *db_, a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->records, 40);
  ASSERT_TRUE(db_->Exec("SET TimeZone = 'UTC'").ok());
  iceberg::FilePlan plan = Plan("t.kinds");
  auto table = LoadIcebergTable(*wh_, "t.kinds");
  const iceberg::PartitionSpec& spec = *table->metadata.DefaultSpec();
  int64_t records = 0;
  for (const auto& pf : plan.data_files) {
    const iceberg::DataFile& f = pf.file;
    records += f.record_count;
    const std::string path = wh_->store().LocalPath(*wh_->io().KeyOf(f.file_path));
    auto rows = db_->Query(
        "SELECT id, name, n, epoch_us(ts), d - DATE '1970-01-01', epoch_us(tz), flag FROM read_parquet(" +
        query::SqlQuote(path) + ")");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    for (uint64_t row = 0; row < rows->row_count(); ++row) {
      std::vector<Literal> src = {
          Literal::Long(rows->Int64(0, row)),
          rows->IsNull(1, row) ? Literal::Null(iceberg::Type::String()) : Literal::String(rows->Text(1, row)),
          Literal::Int(static_cast<int32_t>(rows->Int64(2, row))),
          Literal::Timestamp(rows->Int64(3, row)),
          Literal::Date(static_cast<int32_t>(rows->Int64(4, row))),
          rows->IsNull(5, row) ? Literal::Null(iceberg::Type::TimestampTz()) : Literal::TimestampTz(rows->Int64(5, row)),
          Literal::Boolean(rows->Text(6, row) == "true")};
      for (size_t i = 0; i < spec.fields.size(); ++i) {
        auto want = spec.fields[i].transform.Apply(src[i]);
        ASSERT_TRUE(want.ok());
        EXPECT_EQ(*want, f.partition[i]) << "field " << spec.fields[i].name << " row id "
                                         << rows->Int64(0, row) << " in " << f.file_path;
      }
    }
    // The double column has no bound when a file holds NaN... or the bound excludes it.
    const int x_id = table->metadata.CurrentSchema()->FindFieldByName("x")->id;
    if (f.upper_bounds.count(x_id)) {
      auto hi = iceberg::FromBytes(iceberg::Type::Double(), f.upper_bounds.at(x_id));
      ASSERT_TRUE(hi.ok());
      EXPECT_FALSE(std::isnan(hi->as_double()));
    }
  }
  EXPECT_EQ(records, 40);
}

TEST_F(IcebergWriterTest, IdentityPartitionsOfEdgeValues) {
  CreateTableRequest req;
  req.identifier = "t.edges";
  req.schema = *SchemaFromColumns(*ParseColumnList("s VARCHAR, x DOUBLE, ts TIMESTAMPTZ, b BOOLEAN"));
  req.partition_by = *ParsePartitionBy("s, x, ts, b");
  ASSERT_TRUE(CreateIcebergTable(*wh_, req).ok());
  AppendRequest a;
  a.identifier = "t.edges";
  a.select_sql =
      "SELECT * FROM (VALUES ('', 1.5, TIMESTAMPTZ '2024-01-01 00:00:00+00', true), "
      "(NULL, NULL, NULL, NULL), ('a/b c%=\"', -2.25, TIMESTAMPTZ '1960-01-01 00:00:00.5+00', false), "
      "('NULL', 1e300, TIMESTAMPTZ '2024-01-01 00:00:00.000001+00', true), "
      "('__HIVE_DEFAULT_PARTITION__', 0.1, TIMESTAMPTZ '2024-01-01 00:00:00+00', true)) t(s, x, ts, b)";
  auto r = AppendQuery(*wh_, *db_, a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->files.size(), 5u);
  iceberg::FilePlan plan = Plan("t.edges");
  auto table = LoadIcebergTable(*wh_, "t.edges");
  const iceberg::PartitionSpec& spec = *table->metadata.DefaultSpec();
  int rows_seen = 0;
  for (const auto& pf : plan.data_files) {
    const iceberg::DataFile& f = pf.file;
    const std::string path = wh_->store().LocalPath(*wh_->io().KeyOf(f.file_path));
    auto rows = db_->Query("SELECT s, x, epoch_us(ts), b FROM read_parquet(" + query::SqlQuote(path) + ", hive_partitioning = false)");
    ASSERT_TRUE(rows.ok());
    for (uint64_t row = 0; row < rows->row_count(); ++row, ++rows_seen) {
      std::vector<Literal> src = {
          rows->IsNull(0, row) ? Literal::Null(iceberg::Type::String()) : Literal::String(rows->Text(0, row)),
          rows->IsNull(1, row) ? Literal::Null(iceberg::Type::Double())
                               : Literal::Double(duckdb_value_double(rows->raw(), 1, row)),
          rows->IsNull(2, row) ? Literal::Null(iceberg::Type::TimestampTz()) : Literal::TimestampTz(rows->Int64(2, row)),
          rows->IsNull(3, row) ? Literal::Null(iceberg::Type::Boolean()) : Literal::Boolean(rows->Text(3, row) == "true")};
      for (size_t i = 0; i < spec.fields.size(); ++i) {
        EXPECT_EQ(*spec.fields[i].transform.Apply(src[i]), f.partition[i])
            << spec.fields[i].name << " = " << src[i].ToString() << " in " << f.file_path;
      }
    }
  }
  EXPECT_EQ(rows_seen, 5);
}

TEST_F(IcebergWriterTest, ConcurrentAppendsAllLand) {
  CreateTableRequest req;
  req.identifier = "t.busy";
  req.schema = *SchemaFromColumns(*ParseColumnList("w BIGINT, i BIGINT"));
  req.partition_by = *ParsePartitionBy("w");
  ASSERT_TRUE(CreateIcebergTable(*wh_, req).ok());
  constexpr int kWriters = 4, kAppends = 3;
  std::vector<std::thread> threads;
  std::vector<Status> errors(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto db = query::Database::Open(query::DatabaseOptions{.threads = 1, .memory_limit = {}, .path = ":memory:"});
      if (!db.ok()) {
        errors[w] = db.status();
        return;
      }
      for (int k = 0; k < kAppends; ++k) {
        AppendRequest a;
        a.identifier = "t.busy";
        a.select_sql = fmt::format("SELECT {} AS w, range AS i FROM range(100)", w);
        auto r = AppendQuery(*wh_, **db, a);
        if (!r.ok()) {
          errors[w] = r.status();
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& e : errors) EXPECT_TRUE(e.ok()) << e.ToString();
  auto table = LoadIcebergTable(*wh_, "t.busy");
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->metadata.snapshots.size(), static_cast<size_t>(kWriters * kAppends));
  EXPECT_EQ(table->metadata.CurrentSnapshot()->SummaryInt("total-records"), kWriters * kAppends * 100);
  iceberg::FilePlan plan = Plan("t.busy");
  EXPECT_EQ(plan.data_files.size(), static_cast<size_t>(kWriters * kAppends));
  EXPECT_EQ(One("SELECT count(*) || '/' || sum(w) FROM read_parquet(" + FileList(plan) + ", hive_partitioning = false)"),
            fmt::format("{}/{}", kWriters * kAppends * 100, kAppends * 100 * (0 + 1 + 2 + 3)));
  // The session setting the append changes comes back.
  EXPECT_EQ(One("SELECT current_setting('preserve_insertion_order')::VARCHAR"), "true");
}

TEST_F(IcebergWriterTest, ColumnsAreMatchedByNameAndMistakesCommitNothing) {
  CreateTableRequest req;
  req.identifier = "t.small";
  req.schema = *SchemaFromColumns(*ParseColumnList("a BIGINT, b VARCHAR, c DOUBLE"));
  ASSERT_TRUE(CreateIcebergTable(*wh_, req).ok());
  AppendRequest a;
  a.identifier = "t.small";
  // Another order, a missing column, other types that cast.
  a.select_sql = "SELECT 'x' || i AS B, CAST(i AS INTEGER) AS a FROM range(10) t(i)";
  auto r = AppendQuery(*wh_, *db_, a);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  iceberg::FilePlan plan = Plan("t.small");
  ASSERT_EQ(plan.data_files.size(), 1u);
  const std::string files = FileList(plan);
  EXPECT_EQ(One("SELECT sum(a) || ',' || count(c) || ',' || max(b) FROM read_parquet(" + files + ")"), "45,0,x9");
  const auto& f = plan.data_files[0].file;
  EXPECT_EQ(f.null_value_counts.at(3), 10);
  EXPECT_EQ(f.lower_bounds.count(3), 0u);
  EXPECT_TRUE(f.partition.empty());

  a.select_sql = "SELECT 1 AS a, 2 AS zzz";
  a.schema_mode = SchemaMode::kError;  // (the default, kEvolve, adds the column)
  auto bad = AppendQuery(*wh_, *db_, a);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("zzz"), std::string::npos);
  a.select_sql = "SELECT error('boom') AS a FROM range(3)";
  EXPECT_FALSE(AppendQuery(*wh_, *db_, a).ok());
  a.select_sql = "SELECT 1 AS a WHERE false";
  auto empty = AppendQuery(*wh_, *db_, a);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->snapshot_id, 0);
  auto table = LoadIcebergTable(*wh_, "t.small");
  EXPECT_EQ(table->metadata.snapshots.size(), 1u);
  // Only the one committed data file is in the table folder.
  int parquet = 0;
  for (auto& e : fs::recursive_directory_iterator(dir_ + "/wh")) parquet += e.path().extension() == ".parquet";
  EXPECT_EQ(parquet, 1);

  a.identifier = "t.nope";
  auto missing = AppendQuery(*wh_, *db_, a);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("t.small"), std::string::npos) << missing.status().message();
}

TEST_F(IcebergWriterTest, AFailedPlacementDeletesThePlacedFiles) {
  CreateTableRequest req;
  req.identifier = "t.blocked";
  req.schema = *SchemaFromColumns(*ParseColumnList("d DATE, v BIGINT"));
  req.partition_by = *ParsePartitionBy("day(d)");
  ASSERT_TRUE(CreateIcebergTable(*wh_, req).ok());
  // A file where the second partition's folder must go: placing its data file fails after the
  // first partition's file was placed.
  fs::create_directories(dir_ + "/wh/t/blocked/data");
  { std::ofstream(dir_ + "/wh/t/blocked/data/d_day=2024-03-02") << "in the way"; }
  AppendRequest a;
  a.identifier = "t.blocked";
  a.select_sql = "SELECT * FROM (VALUES (DATE '2024-03-01', 1), (DATE '2024-03-02', 2)) t(d, v)";
  auto r = AppendQuery(*wh_, *db_, a);
  EXPECT_EQ(r.status().code(), StatusCode::kIoError) << r.status().ToString();
  int parquet = 0;
  for (auto& e : fs::recursive_directory_iterator(dir_ + "/wh")) parquet += e.path().extension() == ".parquet";
  EXPECT_EQ(parquet, 0);
  EXPECT_FALSE(fs::exists(dir_ + "/wh/.silt-staging"));
  EXPECT_TRUE(LoadIcebergTable(*wh_, "t.blocked")->metadata.snapshots.empty());
  // Out of the way, the same append lands.
  fs::remove(dir_ + "/wh/t/blocked/data/d_day=2024-03-02");
  auto again = AppendQuery(*wh_, *db_, a);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->files.size(), 2u);
}

TEST_F(IcebergWriterTest, RequiredColumnsGetNoNulls) {
  // A table another engine created with a required column.
  CreateTableRequest req;
  req.identifier = "t.strict";
  req.schema = *SchemaFromColumns(*ParseColumnList("id BIGINT, note VARCHAR"));
  req.schema.fields[0].required = true;
  ASSERT_TRUE(CreateIcebergTable(*wh_, req).ok());
  AppendRequest a;
  a.identifier = "t.strict";
  a.select_sql = "SELECT 'x' AS note";
  auto missing = AppendQuery(*wh_, *db_, a);
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("requires"), std::string::npos) << missing.status().message();
  a.select_sql = "SELECT CASE WHEN range = 3 THEN NULL ELSE range END AS id FROM range(5)";
  auto nulls = AppendQuery(*wh_, *db_, a);
  EXPECT_EQ(nulls.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(nulls.status().message().find("NULL values"), std::string::npos) << nulls.status().message();
  a.select_sql = "SELECT range AS id FROM range(5)";
  ASSERT_TRUE(AppendQuery(*wh_, *db_, a).ok());
  EXPECT_EQ(LoadIcebergTable(*wh_, "t.strict")->metadata.snapshots.size(), 1u);
  int parquet = 0;
  for (auto& e : fs::recursive_directory_iterator(dir_ + "/wh")) parquet += e.path().extension() == ".parquet";
  EXPECT_EQ(parquet, 1);
}

TEST_F(IcebergWriterTest, ShowCreateTableLooksLikeTrino) {
  CreateTableRequest req;
  req.identifier = "logs.access";
  req.schema = *SchemaFromColumns(*ColumnsOfFormat("s3_access"));
  req.partition_by = *ParsePartitionBy("day(request_time), bucket(8, bucket)");
  auto created = CreateIcebergTable(*wh_, req);
  ASSERT_TRUE(created.ok());
  const std::string ddl = ShowCreateTable("silt", "logs.access", created->metadata);
  EXPECT_NE(ddl.find("CREATE TABLE silt.logs.access ("), std::string::npos) << ddl;
  EXPECT_NE(ddl.find("request_time timestamp(6) with time zone,"), std::string::npos) << ddl;
  EXPECT_NE(ddl.find("-- id 3, timestamptz"), std::string::npos) << ddl;
  EXPECT_NE(ddl.find("partitioning = ARRAY['day(request_time)', 'bucket(bucket, 8)']"), std::string::npos) << ddl;
  EXPECT_NE(ddl.find("location = 'file://" + dir_ + "/wh/logs/access'"), std::string::npos) << ddl;
}

}  // namespace
}  // namespace silt::table
