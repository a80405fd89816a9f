// Schema evolution: an append whose query has a new column or a wider type changes the schema
// in the same commit as its data (or is refused in error mode, committing nothing); silt table
// alter's add / rename / widen; old files read by field id under the new schema; time travel
// reads the old schema.
#include "silt/table/schema_evolution.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "silt/gen/s3_access_gen.h"
#include "silt/table/convert_table.h"
#include "silt/table/iceberg_writer.h"
#include "silt/table/table_sql.h"
#include "silt/table/table_test_util.h"

namespace silt::table {
namespace {

namespace fs = std::filesystem;

class SchemaEvolutionTest : public testing::WarehouseTest {
 protected:
  SchemaEvolutionTest() : WarehouseTest("evolve") {}

  void Create(const std::string& id, const std::string& columns, const std::string& partition_by = "") {
    CreateWithColumns(id, ParseColumnList(columns), partition_by);
  }
  Result<AppendResult> Append(const std::string& id, const std::string& sql,
                              SchemaMode mode = SchemaMode::kEvolve) {
    AppendRequest a;
    a.identifier = id;
    a.select_sql = sql;
    a.schema_mode = mode;
    return AppendQuery(*wh_, *db_, a);
  }
  iceberg::TableMetadata Meta(const std::string& id) {
    auto t = LoadIcebergTable(*wh_, id);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? t->metadata : iceberg::TableMetadata{};
  }
  // Binds and runs a query; its first row as "a|b|c" ("" and a test failure on error).
  std::string Row(const std::string& sql, BindOptions options = {}) {
    auto text = BindCatalogTables(*db_, *wh_, sql, options, nullptr);
    EXPECT_TRUE(text.ok()) << sql << ": " << text.status().ToString();
    if (!text.ok()) return "";
    auto r = db_->Query(*text);
    EXPECT_TRUE(r.ok()) << *text << ": " << r.status().ToString();
    if (!r.ok() || r->row_count() == 0) return "";
    std::string out;
    for (size_t c = 0; c < r->column_count(); ++c) {
      out += (c ? "|" : "") + (r->IsNull(c, 0) ? std::string("NULL") : r->Text(c, 0));
    }
    return out;
  }
  size_t DataFiles(const std::string& table_dir) {
    size_t n = 0;
    std::error_code ec;
    const fs::path d = dir_ / "wh" / table_dir / "data";
    if (!fs::exists(d)) return 0;
    for (const auto& e : fs::recursive_directory_iterator(d, ec)) n += e.is_regular_file() ? 1 : 0;
    return n;
  }

};

TEST_F(SchemaEvolutionTest, NewColumnIsAddedWithTheDataInOneCommit) {
  Create("t.e", "id BIGINT, name VARCHAR", "bucket(4, id)");
  auto a1 = Append("t.e", "SELECT i AS id, 'n' || i AS name FROM range(10) t(i)");
  ASSERT_TRUE(a1.ok()) << a1.status().ToString();
  EXPECT_TRUE(a1->added_columns.empty());
  const size_t logs_before = Meta("t.e").metadata_log.size();

  auto a2 = Append("t.e", "SELECT i AS id, 'n' || i AS name, i * 1.5::DOUBLE AS score, i % 2 = 0 AS even "
                          "FROM range(10, 15) t(i)");
  ASSERT_TRUE(a2.ok()) << a2.status().ToString();
  EXPECT_EQ(a2->added_columns, (std::vector<std::string>{"score", "even"}));
  EXPECT_TRUE(a2->widened_columns.empty());

  const iceberg::TableMetadata m = Meta("t.e");
  // One metadata commit: the schema change and the snapshot together.
  EXPECT_EQ(m.metadata_log.size(), logs_before + 1);
  ASSERT_EQ(m.schemas.size(), 2u);
  const iceberg::Schema* s = m.CurrentSchema();
  ASSERT_EQ(s->fields.size(), 4u);
  EXPECT_EQ(s->fields[2].name, "score");
  EXPECT_EQ(s->fields[2].id, 3);
  EXPECT_EQ(s->fields[2].type->ToString(), "double");
  EXPECT_FALSE(s->fields[2].required);
  EXPECT_EQ(s->fields[3].name, "even");
  EXPECT_EQ(s->fields[3].id, 4);
  EXPECT_EQ(m.last_column_id, 4);
  ASSERT_NE(m.CurrentSnapshot(), nullptr);
  EXPECT_EQ(m.CurrentSnapshot()->schema_id, s->schema_id);
  EXPECT_EQ(m.SnapshotById(a1->snapshot_id)->schema_id, 0);

  // Old rows read NULL for the new columns, new rows their values.
  EXPECT_EQ(Row("SELECT count(*), count(score), sum(score), count(even), "
                "count(*) FILTER (WHERE score IS NULL AND id < 10) FROM t.e"),
            "15|5|90.0|5|10");
  // The new files carry the new schema: field ids and the iceberg.schema entry.
  ASSERT_FALSE(a2->files.empty());
  const std::string path = a2->files[0].file_path.substr(std::string("file://").size());
  auto ids = db_->Query(fmt::format(
      "SELECT string_agg(name || '=' || field_id, ',' ORDER BY field_id) FROM parquet_schema('{}') "
      "WHERE field_id IS NOT NULL", path));
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(ids->Text(0, 0), "id=1,name=2,score=3,even=4");
  auto kv = db_->Query(fmt::format(
      "SELECT decode(value) FROM parquet_kv_metadata('{}') WHERE decode(key) = 'iceberg.schema'", path));
  ASSERT_TRUE(kv.ok()) << kv.status().ToString();
  ASSERT_EQ(kv->row_count(), 1u);
  auto parsed = iceberg::ParseSchemaJson(kv->Text(0, 0));
  ASSERT_TRUE(parsed.ok()) << kv->Text(0, 0);
  EXPECT_EQ(parsed->schema_id, s->schema_id);
  EXPECT_EQ(parsed->fields.size(), 4u);

  // Time travel to the snapshot before the change reads the old schema's columns.
  BindOptions before;
  before.snapshot_id = a1->snapshot_id;
  auto text = BindCatalogTables(*db_, *wh_, "SELECT * FROM t.e", before, nullptr);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  auto old = db_->Query(*text);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->column_count(), 2u);
  EXPECT_EQ(old->row_count(), 10u);
  EXPECT_EQ(Row(fmt::format("SELECT count(*), sum(id) FROM t.e AT (VERSION => {})", a1->snapshot_id)), "10|45");

  // The same columns again: nothing more changes.
  auto a3 = Append("t.e", "SELECT 99 AS id, 1.0::DOUBLE AS score");
  ASSERT_TRUE(a3.ok()) << a3.status().ToString();
  EXPECT_TRUE(a3->added_columns.empty());
  EXPECT_EQ(Meta("t.e").schemas.size(), 2u);
}

TEST_F(SchemaEvolutionTest, ErrorModeRefusesNewColumnsAndCommitsNothing) {
  Create("t.x", "id BIGINT");
  ASSERT_TRUE(Append("t.x", "SELECT 1 AS id").ok());
  const iceberg::TableMetadata before = Meta("t.x");
  const size_t files_before = DataFiles("t/x");
  auto r = Append("t.x", "SELECT 2 AS id, 'a' AS extra, 3 AS more", SchemaMode::kError);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
  const std::string msg = r.status().message();
  EXPECT_NE(msg.find("'extra', 'more'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--schema-mode evolve"), std::string::npos) << msg;
  EXPECT_NE(msg.find("add-column"), std::string::npos) << msg;
  const iceberg::TableMetadata after = Meta("t.x");
  EXPECT_EQ(after.schemas.size(), 1u);
  EXPECT_EQ(after.snapshots.size(), before.snapshots.size());
  EXPECT_EQ(after.metadata_log.size(), before.metadata_log.size());
  EXPECT_EQ(DataFiles("t/x"), files_before);
  // Error mode still casts values into the columns the table has.
  auto ok = Append("t.x", "SELECT CAST(5 AS INTEGER) AS id", SchemaMode::kError);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(Row("SELECT count(*), sum(id) FROM t.x"), "2|6");
}

TEST_F(SchemaEvolutionTest, WiderQueryTypesWidenTheColumn) {
  Create("t.w", "id BIGINT, n INTEGER, x FLOAT");
  ASSERT_TRUE(Append("t.w", "SELECT i AS id, CAST(i AS INTEGER) AS n, CAST(i AS FLOAT) AS x FROM range(5) t(i)").ok());
  auto r = Append("t.w", "SELECT i AS id, i * 1000000000000 AS n, i / 3 AS x FROM range(5, 8) t(i)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->widened_columns, (std::vector<std::string>{"n: int -> long", "x: float -> double"}));
  const iceberg::Schema* s = Meta("t.w").CurrentSchema();
  EXPECT_EQ(s->fields[1].type->ToString(), "long");
  EXPECT_EQ(s->fields[1].id, 2);
  EXPECT_EQ(s->fields[2].type->ToString(), "double");
  // Old files (INT32) and new files (INT64) read together as BIGINT.
  EXPECT_EQ(Row("SELECT count(*), sum(n), typeof(any_value(n)) FROM t.w"), "8|18000000000010|BIGINT");
  // A narrower query type is cast into the (wider) column: no change.
  auto narrow = Append("t.w", "SELECT 9 AS id, CAST(1 AS INTEGER) AS n");
  ASSERT_TRUE(narrow.ok()) << narrow.status().ToString();
  EXPECT_TRUE(narrow->widened_columns.empty());
  EXPECT_EQ(Meta("t.w").schemas.size(), 2u);
}

TEST_F(SchemaEvolutionTest, IncompatibleTypesAreAnErrorNamingBoth) {
  Create("t.i", "id BIGINT, flag BOOLEAN");
  auto r = Append("t.i", "SELECT 'abc' AS id");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  const std::string msg = r.status().message();
  EXPECT_NE(msg.find("'id'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("long"), std::string::npos) << msg;
  EXPECT_NE(msg.find("VARCHAR"), std::string::npos) << msg;
  EXPECT_NE(msg.find("CAST"), std::string::npos) << msg;
  EXPECT_FALSE(Append("t.i", "SELECT 1 AS flag").ok());
  EXPECT_EQ(Meta("t.i").snapshots.size(), 0u);
  // Kind-preserving casts still work: integers into long, anything into a string column.
  Create("t.s", "s VARCHAR, d DOUBLE, ts TIMESTAMPTZ");
  auto ok = Append("t.s", "SELECT 42 AS s, 1.25 AS d, DATE '2024-01-02' AS ts");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(Row("SELECT s, d FROM t.s"), "42|1.25");
}

TEST_F(SchemaEvolutionTest, IdentityPartitionColumnIsCastNotWidened) {
  Create("t.p", "id BIGINT, n INTEGER", "n");
  auto r = Append("t.p", "SELECT i AS id, i AS n FROM range(3) t(i)");  // n BIGINT
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->widened_columns.empty());
  EXPECT_EQ(Meta("t.p").CurrentSchema()->fields[1].type->ToString(), "int");
  AlterTableRequest alter{"t.p", AlterKind::kWidenColumn, "n", "", "BIGINT", ""};
  auto a = AlterIcebergTable(*wh_, alter);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("partition"), std::string::npos) << a.status().ToString();
}

TEST_F(SchemaEvolutionTest, RenameReadsOldAndNewFilesUnderTheNewName) {
  Create("t.r", "id BIGINT, msg VARCHAR", "truncate(2, msg)");
  auto a1 = Append("t.r", "SELECT i AS id, 'old' || i AS msg FROM range(4) t(i)");
  ASSERT_TRUE(a1.ok());
  const size_t logs = Meta("t.r").metadata_log.size();
  AlterTableRequest rename{"t.r", AlterKind::kRenameColumn, "MSG", "message", "", ""};
  auto ren = AlterIcebergTable(*wh_, rename);
  ASSERT_TRUE(ren.ok()) << ren.status().ToString();
  EXPECT_EQ(ren->change, "renamed column msg to message (id 2)");
  const iceberg::TableMetadata m = Meta("t.r");
  EXPECT_EQ(m.metadata_log.size(), logs + 1);  // one metadata commit
  EXPECT_EQ(m.snapshots.size(), 1u);           // no snapshot
  EXPECT_EQ(m.CurrentSchema()->fields[1].name, "message");
  EXPECT_EQ(m.CurrentSchema()->fields[1].id, 2);
  // The current snapshot reads under the table's current schema at once.
  EXPECT_EQ(Row("SELECT count(message), min(message) FROM t.r"), "4|old0");

  auto a2 = Append("t.r", "SELECT i AS id, 'new' || i AS message FROM range(4, 6) t(i)");
  ASSERT_TRUE(a2.ok()) << a2.status().ToString();
  EXPECT_TRUE(a2->added_columns.empty());
  EXPECT_EQ(Row("SELECT count(message), min(message), max(message) FROM t.r"), "6|new4|old3");
  EXPECT_EQ(Row("SELECT count(*) FROM t.r WHERE message = 'old2'"), "1");
  // The old name is now a new column to an append.
  auto a3 = Append("t.r", "SELECT 7 AS id, 'x' AS msg", SchemaMode::kError);
  EXPECT_FALSE(a3.ok());
  // The snapshot before the rename reads the old name.
  EXPECT_EQ(Row(fmt::format("SELECT count(msg) FROM t.r AT (VERSION => {})", a1->snapshot_id)), "4");
}

TEST_F(SchemaEvolutionTest, AlterAddAndWidenAreSingleMetadataCommits) {
  Create("t.a", "id INTEGER");
  ASSERT_TRUE(Append("t.a", "SELECT CAST(1 AS INTEGER) AS id").ok());
  AlterTableRequest add{"t.a", AlterKind::kAddColumn, "note", "", "VARCHAR", "free text"};
  auto r = AlterIcebergTable(*wh_, add);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->change, "added column note (id 2, string)");
  AlterTableRequest widen{"t.a", AlterKind::kWidenColumn, "id", "", "long", ""};
  r = AlterIcebergTable(*wh_, widen);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->change, "widened column id from int to long");
  const iceberg::TableMetadata m = Meta("t.a");
  EXPECT_EQ(m.schemas.size(), 3u);
  EXPECT_EQ(m.snapshots.size(), 1u);
  EXPECT_EQ(m.CurrentSchema()->fields[1].doc, "free text");
  EXPECT_EQ(Row("SELECT count(*), count(note), typeof(any_value(id)) FROM t.a"), "1|0|BIGINT");

  // Refused changes commit nothing.
  const size_t logs = m.metadata_log.size();
  auto bad = [&](AlterTableRequest req, StatusCode code, const std::string& needle) {
    auto x = AlterIcebergTable(*wh_, req);
    ASSERT_FALSE(x.ok()) << req.column;
    EXPECT_EQ(x.status().code(), code) << x.status().ToString();
    EXPECT_NE(x.status().message().find(needle), std::string::npos) << x.status().ToString();
  };
  bad({"t.a", AlterKind::kAddColumn, "NOTE", "", "BIGINT", ""}, StatusCode::kInvalidArgument, "already has");
  bad({"t.a", AlterKind::kAddColumn, "y", "", "HUGEINT", ""}, StatusCode::kInvalidArgument, "HUGEINT");
  bad({"t.a", AlterKind::kWidenColumn, "id", "", "INTEGER", ""}, StatusCode::kInvalidArgument, "cannot change");
  bad({"t.a", AlterKind::kWidenColumn, "note", "", "BIGINT", ""}, StatusCode::kInvalidArgument, "cannot change");
  bad({"t.a", AlterKind::kWidenColumn, "id", "", "BIGINT", ""}, StatusCode::kInvalidArgument, "already");
  bad({"t.a", AlterKind::kRenameColumn, "nope", "x", "", ""}, StatusCode::kNotFound, "no column");
  bad({"t.a", AlterKind::kRenameColumn, "note", "id", "", ""}, StatusCode::kInvalidArgument, "already has");
  bad({"t.a", AlterKind::kRenameColumn, "note", "a.b", "", ""}, StatusCode::kInvalidArgument, "'.'");
  bad({"t.nope", AlterKind::kAddColumn, "z", "", "BIGINT", ""}, StatusCode::kNotFound, "t.nope");
  EXPECT_EQ(Meta("t.a").metadata_log.size(), logs);
}

// Appends that add columns at the same time: each lost race re-plans against the schema the
// winner committed; files whose new column got another id are written again. Every append
// lands, every column gets its own id, and every value reads back under its column.
TEST_F(SchemaEvolutionTest, ConcurrentAppendsAddingColumnsAllLand) {
  Create("t.c", "id BIGINT");
  ASSERT_TRUE(Append("t.c", "SELECT 0 AS id").ok());
  constexpr int kWriters = 4;
  std::vector<Status> results(kWriters);
  std::atomic<int> rewrites{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto db = query::Database::Open(query::DatabaseOptions{.threads = 1, .memory_limit = {}, .path = ":memory:"});
      if (!db.ok()) {
        results[w] = db.status();
        return;
      }
      AppendRequest a;
      a.identifier = "t.c";
      // Writers 0 and 1 add the same column "shared"; each writer adds its own too.
      a.select_sql = fmt::format("SELECT i AS id, i AS own_{0}, 'w{0}' AS {1} FROM range(1, 11) t(i)", w,
                                 w < 2 ? "shared" : fmt::format("tag_{}", w));
      auto r = AppendQuery(*wh_, **db, a);
      results[w] = r.status();
      if (r.ok()) rewrites += r->schema_rewrites;
    });
  }
  for (auto& t : threads) t.join();
  for (int w = 0; w < kWriters; ++w) EXPECT_TRUE(results[w].ok()) << w << ": " << results[w].ToString();
  const iceberg::TableMetadata m = Meta("t.c");
  EXPECT_EQ(m.snapshots.size(), 1u + kWriters);
  const iceberg::Schema* s = m.CurrentSchema();
  ASSERT_EQ(s->fields.size(), 1u + kWriters + 1 + (kWriters - 2));  // id, own_*, shared, tag_2..3
  std::set<int> ids;
  for (const auto& f : s->fields) ids.insert(f.id);
  EXPECT_EQ(ids.size(), s->fields.size());
  EXPECT_EQ(m.last_column_id, *ids.rbegin());
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_EQ(Row(fmt::format("SELECT count(own_{0}), sum(own_{0}) FROM t.c", w)), "10|55") << w;
  }
  EXPECT_EQ(Row("SELECT count(shared), count(DISTINCT shared) FROM t.c"), "20|2");
  EXPECT_EQ(Row("SELECT count(*), count(tag_2), count(tag_3) FROM t.c"), "41|10|10");
  // (How many appends had to write their files again depends on the timing.)
  std::printf("schema rewrites: %d\n", rewrites.load());
}

// silt convert --table: a later run with a --key-pattern capture adds that column (evolve);
// with error mode the run is refused and commits nothing.
TEST_F(SchemaEvolutionTest, ConvertToTableAddsAKeyPatternColumn) {
  auto raw = store::OpenStore(*ParseUri((dir_ / "raw").string()), true);
  ASSERT_TRUE(raw.ok());
  gen::S3AccessGenOptions g;
  g.total_bytes = 256 << 10;
  g.objects = 2;
  g.prefix = "a/";
  auto first = gen::GenerateS3Access(g, **raw);
  ASSERT_TRUE(first.ok());
  ConvertOptions c;
  c.inputs = {(dir_ / "raw").string()};
  c.format = "s3_access";
  auto t1 = ConvertToTable(c, "logs.conv", *wh_);
  ASSERT_TRUE(t1.ok()) << t1.status().ToString();
  g.prefix = "b/";
  g.seed = 7;
  auto second = gen::GenerateS3Access(g, **raw);
  ASSERT_TRUE(second.ok());
  c.key_pattern = "{batch}/**";
  auto refused = ConvertToTable(c, "logs.conv", *wh_, SchemaMode::kError);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("'batch'"), std::string::npos) << refused.status().ToString();
  EXPECT_EQ(Meta("logs.conv").snapshots.size(), 1u);
  auto t2 = ConvertToTable(c, "logs.conv", *wh_);
  ASSERT_TRUE(t2.ok()) << t2.status().ToString();
  const iceberg::Schema* s = Meta("logs.conv").CurrentSchema();
  ASSERT_NE(s->FindFieldByName("batch"), nullptr);
  EXPECT_EQ(Row("SELECT count(*) = " + std::to_string(t1->rows + t2->rows) +
                ", count(batch) = " + std::to_string(t2->rows) + ", min(batch), max(batch) FROM logs.conv"),
            "true|true|b|b");
}

// A table another engine created with a decimal column: alter widens its precision (silt's
// appends do not write decimals, so this is the way to evolve one).
TEST_F(SchemaEvolutionTest, AlterWidensDecimalPrecision) {
  iceberg::CreateTableOptions o;
  o.location = wh_->uri() + "/t/dec";
  o.schema.fields.push_back({1, "amount", false, iceberg::Type::Decimal(9, 2), ""});
  auto md = iceberg::NewTableMetadata(o);
  ASSERT_TRUE(md.ok()) << md.status().ToString();
  ASSERT_TRUE(wh_->catalog().CreateNamespace("t").ok());
  ASSERT_TRUE(catalog::CreateTable(wh_->catalog(), wh_->io(), "t.dec", *md).ok());
  AlterTableRequest widen{"t.dec", AlterKind::kWidenColumn, "amount", "", "decimal(18, 2)", ""};
  auto r = AlterIcebergTable(*wh_, widen);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->change, "widened column amount from decimal(9,2) to decimal(18,2)");
  EXPECT_EQ(Meta("t.dec").CurrentSchema()->fields[0].type->ToString(), "decimal(18,2)");
  widen.type = "decimal(20,3)";  // another scale: not a promotion
  EXPECT_FALSE(AlterIcebergTable(*wh_, widen).ok());
}

TEST(SchemaPlanTest, PlansAndFits) {
  iceberg::Schema s = *SchemaFromColumns({{"a", "BIGINT", ""}, {"b", "INTEGER", ""}});
  iceberg::PartitionSpec unpartitioned;
  auto p = PlanAppendSchema(s, 5, unpartitioned,
                            {{"A", DUCKDB_TYPE_INTEGER}, {"b", DUCKDB_TYPE_HUGEINT}, {"c", DUCKDB_TYPE_VARCHAR}},
                            SchemaMode::kEvolve, "t.t");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->added, (std::vector<std::string>{"c"}));
  EXPECT_EQ(p->widened, (std::vector<std::string>{"b: int -> long"}));
  EXPECT_EQ(p->schema.FindFieldByName("c")->id, 6);  // after last-column-id, not reusing ids
  EXPECT_TRUE(FilesFitSchema(s, p->schema));          // old files read under the new schema
  EXPECT_TRUE(FilesFitSchema(p->schema, p->schema));
  EXPECT_FALSE(FilesFitSchema(p->schema, s));          // c is not in s; b narrower
  // Another writer added "c" with another id: the files do not fit.
  int last = 7;
  auto other = iceberg::AddColumn(s, &last, "c", iceberg::Type::String(), "", 1);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(FilesFitSchema(p->schema, *other));
  // A new column of a type silt does not write.
  auto bad = PlanAppendSchema(s, 2, unpartitioned, {{"l", DUCKDB_TYPE_LIST}}, SchemaMode::kEvolve, "t.t");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("CAST"), std::string::npos);
  EXPECT_TRUE(ParseSchemaMode("Error").ok());
  EXPECT_FALSE(ParseSchemaMode("merge").ok());
}

}  // namespace
}  // namespace silt::table
