#include "silt/iceberg/metadata.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "silt/iceberg/table_ops.h"

namespace silt::iceberg {
namespace {

using Json = nlohmann::json;

TableMetadata SampleMetadata() {
  CreateTableOptions options;
  options.location = "s3://bucket/wh/db/events/";
  options.schema.fields = {{1, "id", true, Type::Long(), ""},
                           {2, "ts", false, Type::TimestampTz(), ""},
                           {3, "tags", false, Type::List(4, false, Type::String()), ""}};
  options.partition_by = {{"ts", Transform::Day(), ""}};
  options.properties = {{"write.format.default", "parquet"}};
  options.now_ms = 1700000000000;
  auto m = NewTableMetadata(options);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return *m;
}

TEST(MetadataTest, NewTableHasEveryRequiredField) {
  const TableMetadata m = SampleMetadata();
  const Json j = Json::parse(MetadataToJson(m));
  for (const char* key : {"format-version", "table-uuid", "location", "last-sequence-number",
                          "last-updated-ms", "last-column-id", "schemas", "current-schema-id",
                          "partition-specs", "default-spec-id", "last-partition-id",
                          "sort-orders", "default-sort-order-id"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_FALSE(j.contains("schema"));          // v1 only
  EXPECT_FALSE(j.contains("partition-spec"));  // v1 only
  EXPECT_EQ(j["format-version"], 2);
  EXPECT_EQ(j["location"], "s3://bucket/wh/db/events");
  EXPECT_EQ(j["table-uuid"].get<std::string>().size(), 36u);
  EXPECT_EQ(j["last-sequence-number"], 0);
  EXPECT_EQ(j["last-updated-ms"], 1700000000000);
  EXPECT_EQ(j["last-column-id"], 4);
  EXPECT_EQ(j["current-snapshot-id"], -1);
  EXPECT_EQ(j["last-partition-id"], 1000);
  EXPECT_EQ(j["partition-specs"], Json::parse(R"([{"spec-id":0,"fields":[{"name":"ts_day",
            "transform":"day","source-id":2,"field-id":1000}]}])"));
  EXPECT_EQ(j["sort-orders"], Json::parse(R"([{"order-id":0,"fields":[]}])"));
  EXPECT_EQ(j["default-sort-order-id"], 0);
  EXPECT_EQ(j["refs"], Json::object());
  EXPECT_EQ(j["properties"]["write.format.default"], "parquet");
  EXPECT_EQ(j["schemas"][0]["schema-id"], 0);
  EXPECT_EQ(j["schemas"][0]["fields"][2]["type"]["element-id"], 4);
}

TEST(MetadataTest, RoundTripWithSnapshots) {
  TableMetadata m = SampleMetadata();
  Snapshot s;
  s.snapshot_id = 8333752000000000001;  // beyond 2^53: must stay exact
  s.sequence_number = 1;
  s.timestamp_ms = 1700000000001;
  s.manifest_list = "s3://bucket/wh/db/events/metadata/snap-1.avro";
  s.summary = {{"operation", "append"}, {"added-data-files", "1"}, {"silt.inputs", "a,b"}};
  s.schema_id = 0;
  Snapshot s2 = s;
  s2.snapshot_id = 2;
  s2.parent_snapshot_id = s.snapshot_id;
  s2.sequence_number = 2;
  s2.summary["operation"] = "overwrite";
  m.snapshots = {s, s2};
  m.last_sequence_number = 2;
  m.current_snapshot_id = 2;
  m.refs["main"] = {2, "branch"};
  m.refs["v1"] = {s.snapshot_id, "tag"};
  m.snapshot_log = {{s.snapshot_id, 1}, {2, 2}};
  m.metadata_log = {{"s3://bucket/wh/db/events/metadata/00000-x.metadata.json", 5}};
  ASSERT_TRUE(m.Validate().ok()) << m.Validate().ToString();

  const std::string json = MetadataToJson(m);
  const Json j = Json::parse(json);
  EXPECT_EQ(j["current-snapshot-id"], 2);
  EXPECT_EQ(j["refs"]["main"], Json::parse(R"({"snapshot-id":2,"type":"branch"})"));
  EXPECT_EQ(j["snapshots"][0]["snapshot-id"].get<int64_t>(), 8333752000000000001);
  EXPECT_FALSE(j["snapshots"][0].contains("parent-snapshot-id"));
  EXPECT_EQ(j["snapshots"][1]["parent-snapshot-id"].get<int64_t>(), 8333752000000000001);
  EXPECT_EQ(j["snapshots"][0]["summary"]["operation"], "append");
  EXPECT_EQ(j["snapshots"][0]["summary"]["silt.inputs"], "a,b");
  EXPECT_EQ(j["snapshot-log"][1], Json::parse(R"({"timestamp-ms":2,"snapshot-id":2})"));
  EXPECT_EQ(j["metadata-log"][0]["metadata-file"],
            "s3://bucket/wh/db/events/metadata/00000-x.metadata.json");

  auto back = ParseMetadataJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(MetadataToJson(*back), json);
  EXPECT_EQ(back->snapshots, m.snapshots);
  EXPECT_EQ(back->refs, m.refs);
  EXPECT_EQ(back->CurrentSnapshot()->operation(), "overwrite");
  EXPECT_EQ(back->SnapshotById(8333752000000000001)->SummaryInt("added-data-files"), 1);
  EXPECT_EQ(back->SnapshotById(2)->SummaryInt("silt.inputs", -7), -7);
}

TEST(MetadataTest, ReadsWhatOtherWritersProduce) {
  Json j = Json::parse(MetadataToJson(SampleMetadata()));
  j.erase("current-snapshot-id");
  j.erase("refs");
  j.erase("snapshot-log");
  j.erase("properties");
  auto m = ParseMetadataJson(j.dump());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_FALSE(m->current_snapshot_id);

  // A current snapshot without refs: main is implied.
  j["snapshots"] = Json::parse(R"([{"snapshot-id":5,"sequence-number":0,"timestamp-ms":1,
      "manifest-list":"s3://x/l.avro","summary":{"operation":"append"}}])");
  j["current-snapshot-id"] = 5;
  m = ParseMetadataJson(j.dump());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->refs.at("main").snapshot_id, 5);
}

TEST(MetadataTest, RejectsBadMetadata) {
  const Json good = Json::parse(MetadataToJson(SampleMetadata()));
  Json v1 = good;
  v1["format-version"] = 1;
  EXPECT_EQ(ParseMetadataJson(v1.dump()).status().code(), StatusCode::kInvalidArgument);
  Json missing = good;
  missing.erase("last-column-id");
  auto r = ParseMetadataJson(missing.dump());
  EXPECT_EQ(r.status().code(), StatusCode::kParseError);
  EXPECT_NE(r.status().message().find("last-column-id"), std::string::npos) << r.status().message();
  Json bad_current = good;
  bad_current["current-schema-id"] = 3;
  EXPECT_EQ(ParseMetadataJson(bad_current.dump()).status().code(), StatusCode::kInvalidArgument);
  Json bad_snapshot = good;
  bad_snapshot["current-snapshot-id"] = 12;
  EXPECT_EQ(ParseMetadataJson(bad_snapshot.dump()).status().code(), StatusCode::kInvalidArgument);
  Json bad_ids = good;
  bad_ids["last-column-id"] = 2;
  EXPECT_EQ(ParseMetadataJson(bad_ids.dump()).status().code(), StatusCode::kInvalidArgument);
  Json no_op = good;
  no_op["snapshots"] = Json::parse(R"([{"snapshot-id":5,"sequence-number":0,"timestamp-ms":1,
      "manifest-list":"x","summary":{}}])");
  EXPECT_EQ(ParseMetadataJson(no_op.dump()).status().code(), StatusCode::kParseError);
  EXPECT_EQ(ParseMetadataJson("{").status().code(), StatusCode::kParseError);
  EXPECT_EQ(ParseMetadataJson("[]").status().code(), StatusCode::kParseError);
}

TEST(MetadataTest, FileNames) {
  EXPECT_EQ(MetadataFileName(1, "abc"), "00001-abc.metadata.json");
  EXPECT_EQ(MetadataFileName(123456, "abc"), "123456-abc.metadata.json");
  EXPECT_EQ(MetadataFileVersion("s3://b/t/metadata/00012-f79c3e09-677c.metadata.json"), 12);
  EXPECT_EQ(MetadataFileVersion("00000-x.metadata.json"), 0);
  EXPECT_EQ(MetadataFileVersion("s3://b/t/metadata/v3.metadata.json"), -1);
  EXPECT_EQ(MetadataFileVersion("s3://b/t/metadata/00012-x.json"), -1);
}

TEST(MetadataTest, SetCurrentSchemaAddsOrReuses) {
  const TableMetadata m = SampleMetadata();
  int last = m.last_column_id;
  auto evolved = AddColumn(*m.CurrentSchema(), &last, "extra", Type::String(), "", 99);
  ASSERT_TRUE(evolved.ok());
  auto next = SetCurrentSchema(m, *evolved);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->schemas.size(), 2u);
  EXPECT_EQ(next->current_schema_id, 1);
  EXPECT_EQ(next->last_column_id, 5);
  auto back = SetCurrentSchema(*next, *m.CurrentSchema());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->schemas.size(), 2u);
  EXPECT_EQ(back->current_schema_id, 0);
  Schema without_ts = *m.CurrentSchema();
  without_ts.fields.erase(without_ts.fields.begin() + 1);
  EXPECT_EQ(SetCurrentSchema(m, without_ts).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace silt::iceberg
