#include "silt/iceberg/manifest.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "silt/common/civil_time.h"

namespace silt::iceberg {
namespace {

using Json = nlohmann::json;

Schema TestSchema() {
  Schema s;
  s.fields = {{1, "id", true, Type::Long(), ""},
              {2, "event", false, Type::String(), ""},
              {3, "ts", false, Type::TimestampTz(), ""},
              {4, "price", false, Type::Decimal(9, 2), ""},
              {5, "cost", false, Type::Decimal(9, 2), ""},
              {6, "uid", false, Type::Uuid(), ""},
              {7, "score", false, Type::Double(), ""}};
  return s;
}

PartitionSpec TestSpec(const Schema& schema) {
  int last = kFirstPartitionFieldId - 1;
  auto spec = BuildPartitionSpec(schema,
                                 {{"ts", Transform::Day(), ""},
                                  {"event", Transform::Identity(), ""},
                                  {"id", Transform::Bucket(4), ""},
                                  {"price", Transform::Identity(), ""},
                                  {"cost", Transform::Identity(), ""},
                                  {"uid", Transform::Identity(), ""},
                                  {"score", Transform::Identity(), ""}},
                                 3, &last);
  EXPECT_TRUE(spec.ok()) << spec.status().ToString();
  return *spec;
}

DataFile MakeFile(int i, bool null_partition = false) {
  DataFile f;
  f.file_path = "s3://bucket/t/data/file-" + std::to_string(i) + ".parquet";
  if (null_partition) {
    f.partition = {Literal::Null(Type::Date()),       Literal::Null(Type::String()),
                   Literal::Null(Type::Int()),        Literal::Null(Type::Decimal(9, 2)),
                   Literal::Null(Type::Decimal(9, 2)), Literal::Null(Type::Uuid()),
                   Literal::Null(Type::Double())};
  } else {
    f.partition = {Literal::Date(17000 + i),
                   Literal::String("ev" + std::to_string(i)),
                   Literal::Int(i % 4),
                   Literal::Decimal(-100 * i, 9, 2),
                   Literal::Decimal(99999999, 9, 2),
                   Literal::Uuid(std::string(16, static_cast<char>(i))),
                   Literal::Double(i == 2 ? std::nan("") : 0.5 * i)};
  }
  f.record_count = 100 + i;
  f.file_size_in_bytes = 4096 + i;
  f.column_sizes = {{1, 10}, {2, 20}};
  f.value_counts = {{1, 100 + i}};
  f.null_value_counts = {{2, 3}};
  f.nan_value_counts = {{7, 1}};
  f.lower_bounds = {{1, *ToBytes(Literal::Long(1))}, {2, "a"}};
  f.upper_bounds = {{1, *ToBytes(Literal::Long(1000))}, {2, "z"}};
  f.split_offsets = {4, 1000};
  f.sort_order_id = 0;
  return f;
}

TEST(ManifestTest, RoundTripWithInheritance) {
  const Schema schema = TestSchema();
  const PartitionSpec spec = TestSpec(schema);
  auto w = ManifestWriter::Make(schema, spec, ManifestContent::kData, 42, 7);
  ASSERT_TRUE(w.ok()) << w.status().ToString();

  std::vector<ManifestEntry> entries;
  for (int i = 1; i <= 3; ++i) {
    ManifestEntry e;
    e.status = EntryStatus::kAdded;
    e.data_file = MakeFile(i);
    entries.push_back(e);
  }
  ManifestEntry existing;
  existing.status = EntryStatus::kExisting;
  existing.snapshot_id = 5;
  existing.sequence_number = 3;
  existing.file_sequence_number = 4;
  existing.data_file = MakeFile(9, /*null_partition=*/true);
  entries.push_back(existing);
  ManifestEntry deleted = existing;
  deleted.status = EntryStatus::kDeleted;
  deleted.snapshot_id = 42;
  deleted.data_file = MakeFile(10);
  deleted.data_file.key_metadata = std::string("\x01\x02", 2);
  entries.push_back(deleted);
  for (const auto& e : entries) ASSERT_TRUE(w->Add(e).ok());

  auto finished = w->Finish("s3://bucket/t/metadata/m.avro");
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  const auto& [bytes, info] = *finished;
  EXPECT_EQ(info.manifest_path, "s3://bucket/t/metadata/m.avro");
  EXPECT_EQ(info.manifest_length, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(info.partition_spec_id, 3);
  EXPECT_EQ(info.sequence_number, 7);
  EXPECT_EQ(info.min_sequence_number, 3);  // the existing entry
  EXPECT_EQ(info.added_snapshot_id, 42);
  EXPECT_EQ(info.added_files_count, 3);
  EXPECT_EQ(info.existing_files_count, 1);
  EXPECT_EQ(info.deleted_files_count, 1);
  EXPECT_EQ(info.added_rows_count, 101 + 102 + 103);
  EXPECT_EQ(info.existing_rows_count, 109);
  EXPECT_EQ(info.deleted_rows_count, 110);
  ASSERT_EQ(info.partitions.size(), 7u);
  // day: lower 17001, upper 17010 (the deleted entry counts too), a null from the existing one.
  EXPECT_TRUE(info.partitions[0].contains_null);
  EXPECT_EQ(info.partitions[0].lower_bound, *ToBytes(Literal::Date(17001)));
  EXPECT_EQ(info.partitions[0].upper_bound, *ToBytes(Literal::Date(17010)));
  EXPECT_EQ(info.partitions[1].lower_bound, "ev1");
  EXPECT_EQ(info.partitions[1].upper_bound, "ev3");
  EXPECT_EQ(info.partitions[3].lower_bound, *ToBytes(Literal::Decimal(-1000, 9, 2)));
  EXPECT_EQ(info.partitions[3].upper_bound, *ToBytes(Literal::Decimal(-100, 9, 2)));
  EXPECT_EQ(info.partitions[6].contains_nan, true);
  EXPECT_EQ(info.partitions[6].upper_bound, *ToBytes(Literal::Double(5.0)));
  EXPECT_EQ(info.partitions[2].contains_nan, false);

  // Without the list entry: raw values (null sequence numbers of added entries).
  auto raw = ReadManifest(bytes);
  ASSERT_TRUE(raw.ok()) << raw.status().ToString();
  EXPECT_EQ(raw->partition_spec_id, 3);
  EXPECT_EQ(raw->content, ManifestContent::kData);
  ASSERT_EQ(raw->entries.size(), 5u);
  EXPECT_EQ(raw->entries[0].snapshot_id, 42);  // the writer fills in its snapshot id
  EXPECT_FALSE(raw->entries[0].sequence_number);
  EXPECT_FALSE(raw->entries[0].file_sequence_number);
  EXPECT_EQ(raw->entries[3], existing);
  EXPECT_EQ(raw->entries[4], deleted);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(raw->entries[static_cast<size_t>(i)].data_file, entries[static_cast<size_t>(i)].data_file) << i;
  }

  // With it: inheritance.
  auto inherited = ReadManifest(bytes, &info);
  ASSERT_TRUE(inherited.ok());
  EXPECT_EQ(inherited->entries[0].sequence_number, 7);
  EXPECT_EQ(inherited->entries[0].file_sequence_number, 7);
  EXPECT_EQ(inherited->entries[3].sequence_number, 3);  // explicit values stay
  EXPECT_EQ(inherited->entries[4].snapshot_id, 42);
}

TEST(ManifestTest, EmbeddedAvroSchemaKeepsEveryId) {
  const Schema schema = TestSchema();
  const PartitionSpec spec = TestSpec(schema);
  auto w = ManifestWriter::Make(schema, spec, ManifestContent::kData, 1, 1, avro::Codec::kNull);
  ASSERT_TRUE(w.ok());
  auto finished = w->Finish("file:///t/m.avro");
  ASSERT_TRUE(finished.ok());
  auto file = avro::ReadContainer(finished->first);
  ASSERT_TRUE(file.ok());

  EXPECT_EQ(file->metadata.at("format-version"), "2");
  EXPECT_EQ(file->metadata.at("content"), "data");
  EXPECT_EQ(file->metadata.at("partition-spec-id"), "3");
  EXPECT_EQ(file->metadata.at("schema-id"), "0");
  EXPECT_EQ(file->metadata.at("avro.codec"), "null");
  EXPECT_EQ(Json::parse(file->metadata.at("schema"))["fields"].size(), 7u);
  const Json spec_fields = Json::parse(file->metadata.at("partition-spec"));
  ASSERT_TRUE(spec_fields.is_array());
  EXPECT_EQ(spec_fields[0]["field-id"], 1000);
  EXPECT_EQ(spec_fields[0]["transform"], "day");

  const Json s = Json::parse(file->metadata.at("avro.schema"));
  EXPECT_EQ(s["name"], "manifest_entry");
  std::vector<std::pair<std::string, int>> top;
  for (const auto& f : s["fields"]) top.emplace_back(f["name"], f["field-id"]);
  EXPECT_EQ(top, (std::vector<std::pair<std::string, int>>{{"status", 0},
                                                           {"snapshot_id", 1},
                                                           {"sequence_number", 3},
                                                           {"file_sequence_number", 4},
                                                           {"data_file", 2}}));
  EXPECT_EQ(s["fields"][1]["type"], Json::parse(R"(["null","long"])"));
  EXPECT_TRUE(s["fields"][1].contains("default") && s["fields"][1]["default"].is_null());
  const Json& df = s["fields"][4]["type"];
  EXPECT_EQ(df["name"], "r2");
  std::vector<int> ids;
  for (const auto& f : df["fields"]) ids.push_back(f["field-id"]);
  EXPECT_EQ(ids, (std::vector<int>{134, 100, 101, 102, 103, 104, 108, 109, 110, 137, 125, 128,
                                   131, 132, 135, 140, 143}));
  const Json& partition = df["fields"][3]["type"];
  EXPECT_EQ(partition["name"], "r102");
  std::vector<int> pids;
  for (const auto& f : partition["fields"]) pids.push_back(f["field-id"]);
  EXPECT_EQ(pids, (std::vector<int>{1000, 1001, 1002, 1003, 1004, 1005, 1006}));
  EXPECT_EQ(partition["fields"][0]["name"], "ts_day");
  EXPECT_EQ(partition["fields"][0]["type"][1], Json::parse(R"({"type":"int","logicalType":"date"})"));
  EXPECT_EQ(partition["fields"][3]["type"][1],
            Json::parse(R"({"type":"fixed","name":"decimal_9_2","size":4,"logicalType":"decimal",
                            "precision":9,"scale":2})"));
  EXPECT_EQ(partition["fields"][4]["type"][1]["name"], "decimal_9_2_1004");  // no name reuse
  EXPECT_EQ(partition["fields"][5]["type"][1],
            Json::parse(R"({"type":"fixed","name":"uuid_fixed","size":16,"logicalType":"uuid"})"));
  const Json& column_sizes = df["fields"][6];
  EXPECT_EQ(column_sizes["name"], "column_sizes");
  EXPECT_EQ(column_sizes["type"][1],
            Json::parse(R"({"type":"array","items":{"type":"record","name":"k117_v118","fields":[
                {"name":"key","type":"int","field-id":117},
                {"name":"value","type":"long","field-id":118}]},"logicalType":"map"})"));
  EXPECT_EQ(df["fields"][13]["type"][1],
            Json::parse(R"({"type":"array","items":"long","element-id":133})"));
  EXPECT_EQ(df["fields"][14]["type"][1],
            Json::parse(R"({"type":"array","items":"int","element-id":136})"));
}

TEST(ManifestTest, TimestampPartitionTypesAndUnpartitioned) {
  Schema schema;
  schema.fields = {{1, "ts", false, Type::Timestamp(), ""}, {2, "tz", false, Type::TimestampTz(), ""}};
  int last = 999;
  auto spec = BuildPartitionSpec(schema, {{"ts", Transform::Identity(), ""},
                                          {"tz", Transform::Hour(), ""}}, 0, &last);
  ASSERT_TRUE(spec.ok());
  auto type = spec->PartitionType(schema);
  ASSERT_TRUE(type.ok());
  auto avro_schema = ManifestEntryAvroSchema(*type);
  ASSERT_TRUE(avro_schema.ok());
  const Json s = Json::parse(avro::SchemaToJson(**avro_schema));
  EXPECT_EQ(s["fields"][4]["type"]["fields"][3]["type"]["fields"][0]["type"][1],
            Json::parse(R"({"type":"long","logicalType":"timestamp-micros","adjust-to-utc":false})"));

  auto w = ManifestWriter::Make(schema, *spec, ManifestContent::kData, 1, 1);
  ASSERT_TRUE(w.ok());
  ManifestEntry e;
  e.data_file.file_path = "file:///x.parquet";
  e.data_file.partition = {Literal::Timestamp(1), Literal::Int(5)};
  ASSERT_TRUE(w->Add(e).ok());
  auto bytes = w->Finish("file:///m.avro");
  ASSERT_TRUE(bytes.ok());
  auto m = ReadManifest(bytes->first);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->entries[0].data_file.partition[0], Literal::Timestamp(1));
  EXPECT_EQ(m->entries[0].data_file.partition[1], Literal::Int(5));

  // Unpartitioned: r102 is an empty record, partitions summaries an empty list.
  auto uw = ManifestWriter::Make(schema, PartitionSpec{}, ManifestContent::kData, 1, 1);
  ASSERT_TRUE(uw.ok());
  ManifestEntry ue;
  ue.data_file.file_path = "file:///y.parquet";
  ASSERT_TRUE(uw->Add(ue).ok());
  auto ub = uw->Finish("file:///u.avro");
  ASSERT_TRUE(ub.ok());
  EXPECT_TRUE(ub->second.partitions.empty());
  auto um = ReadManifest(ub->first);
  ASSERT_TRUE(um.ok());
  EXPECT_TRUE(um->entries[0].data_file.partition.empty());
}

TEST(ManifestTest, WriterRefusesBadEntries) {
  const Schema schema = TestSchema();
  const PartitionSpec spec = TestSpec(schema);
  auto w = ManifestWriter::Make(schema, spec, ManifestContent::kData, 1, 1);
  ASSERT_TRUE(w.ok());
  ManifestEntry e;
  e.data_file = MakeFile(1);
  e.status = EntryStatus::kExisting;  // no sequence numbers
  EXPECT_EQ(w->Add(e).code(), StatusCode::kInvalidArgument);
  e.status = EntryStatus::kAdded;
  e.data_file.partition[0] = Literal::Int(3);  // day needs a date
  auto st = w->Add(e);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("ts_day"), std::string::npos) << st.message();
  e.data_file = MakeFile(1);
  e.data_file.partition.pop_back();
  EXPECT_EQ(w->Add(e).code(), StatusCode::kInvalidArgument);
  e.data_file = MakeFile(1);
  e.data_file.content = FileContent::kPositionDeletes;
  EXPECT_EQ(w->Add(e).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w->entry_count(), 0u);
  Schema missing = schema;
  missing.fields.pop_back();  // the spec's "score" source
  EXPECT_FALSE(ManifestWriter::Make(missing, spec, ManifestContent::kData, 1, 1).ok());
}

TEST(ManifestListTest, RoundTripAndSchema) {
  ManifestFile a;
  a.manifest_path = "s3://b/t/metadata/a-m0.avro";
  a.manifest_length = 1234;
  a.partition_spec_id = 0;
  a.sequence_number = 5;
  a.min_sequence_number = 2;
  a.added_snapshot_id = 77;
  a.added_files_count = 3;
  a.existing_files_count = 2;
  a.deleted_files_count = 1;
  a.added_rows_count = 300;
  a.existing_rows_count = 200;
  a.deleted_rows_count = 100;
  a.partitions = {FieldSummary{true, false, std::string("\x01\0\0\0", 4), std::string("\x09\0\0\0", 4)},
                  FieldSummary{false, std::nullopt, std::nullopt, std::nullopt}};
  ManifestFile b = a;
  b.manifest_path = "s3://b/t/metadata/b-m0.avro";
  b.content = ManifestContent::kDeletes;
  b.partitions.clear();
  b.key_metadata = "k";

  auto bytes = WriteManifestList(77, std::nullopt, 5, {a, b});
  ASSERT_TRUE(bytes.ok());
  auto back = ReadManifestList(*bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0], a);
  EXPECT_EQ((*back)[1], b);

  auto file = avro::ReadContainer(*bytes);
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->metadata.at("snapshot-id"), "77");
  EXPECT_EQ(file->metadata.at("parent-snapshot-id"), "null");
  EXPECT_EQ(file->metadata.at("sequence-number"), "5");
  EXPECT_EQ(file->metadata.at("format-version"), "2");
  const Json s = Json::parse(file->metadata.at("avro.schema"));
  EXPECT_EQ(s["name"], "manifest_file");
  std::vector<std::pair<std::string, int>> fields;
  for (const auto& f : s["fields"]) fields.emplace_back(f["name"], f["field-id"]);
  EXPECT_EQ(fields, (std::vector<std::pair<std::string, int>>{
                        {"manifest_path", 500},       {"manifest_length", 501},
                        {"partition_spec_id", 502},   {"content", 517},
                        {"sequence_number", 515},     {"min_sequence_number", 516},
                        {"added_snapshot_id", 503},   {"added_files_count", 504},
                        {"existing_files_count", 505}, {"deleted_files_count", 506},
                        {"added_rows_count", 512},    {"existing_rows_count", 513},
                        {"deleted_rows_count", 514},  {"partitions", 507},
                        {"key_metadata", 519}}));
  const Json& partitions = s["fields"][13]["type"][1];
  EXPECT_EQ(partitions["element-id"], 508);
  EXPECT_EQ(partitions["items"]["name"], "r508");
  std::vector<int> sids;
  for (const auto& f : partitions["items"]["fields"]) sids.push_back(f["field-id"]);
  EXPECT_EQ(sids, (std::vector<int>{509, 518, 510, 511}));

  auto with_parent = WriteManifestList(78, 77, 6, {});
  ASSERT_TRUE(with_parent.ok());
  EXPECT_EQ(avro::ReadContainer(*with_parent)->metadata.at("parent-snapshot-id"), "77");
}

TEST(ManifestListTest, MissingRequiredFieldIsCorruption) {
  // A list written with a schema lacking manifest_length (501).
  auto schema = avro::RecordOf("manifest_file",
                               {avro::RequiredField("manifest_path", avro::Primitive(avro::Type::kString), 500)});
  avro::ContainerWriter w(schema, {});
  ASSERT_TRUE(w.Append(avro::Value::Record({avro::Value::String("x")})).ok());
  auto r = ReadManifestList(*w.Finish());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("manifest_length"), std::string::npos);
}

TEST(AvroTypeMappingTest, EveryPrimitiveRoundTrips) {
  for (const TypePtr& t : {Type::Boolean(), Type::Int(), Type::Long(), Type::Float(), Type::Double(),
                           Type::Decimal(38, 5), Type::Date(), Type::Time(), Type::Timestamp(),
                           Type::TimestampTz(), Type::String(), Type::Uuid(), Type::Fixed(3),
                           Type::Binary()}) {
    auto a = AvroTypeFor(*t, "n");
    ASSERT_TRUE(a.ok()) << t->ToString();
    auto back = IcebergTypeFromAvro(**a);
    ASSERT_TRUE(back.ok()) << t->ToString();
    EXPECT_TRUE((*back)->Equals(*t)) << t->ToString() << " came back as " << (*back)->ToString();
  }
  EXPECT_FALSE(AvroTypeFor(*Type::Struct({}), "n").ok());
}

}  // namespace
}  // namespace silt::iceberg
