#include "silt/iceberg/avro.h"

#include <gtest/gtest.h>

#include <string>

namespace silt::iceberg::avro {
namespace {

std::string Hex(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    if (!out.empty()) out += ' ';
    out += kHex[static_cast<uint8_t>(c) >> 4];
    out += kHex[static_cast<uint8_t>(c) & 0xF];
  }
  return out;
}

std::string LongBytes(int64_t v) {
  std::string out;
  EncodeLong(v, &out);
  return Hex(out);
}

// The Avro specification's table of zigzag examples.
TEST(AvroEncodingTest, ZigzagVarintsFromTheSpec) {
  EXPECT_EQ(LongBytes(0), "00");
  EXPECT_EQ(LongBytes(-1), "01");
  EXPECT_EQ(LongBytes(1), "02");
  EXPECT_EQ(LongBytes(-2), "03");
  EXPECT_EQ(LongBytes(2), "04");
  EXPECT_EQ(LongBytes(-64), "7f");
  EXPECT_EQ(LongBytes(64), "80 01");
  EXPECT_EQ(LongBytes(INT64_MIN), "ff ff ff ff ff ff ff ff ff 01");
}

TEST(AvroEncodingTest, VarintRoundTripAtTheEdges) {
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{63}, int64_t{-65},
                    int64_t{INT32_MAX}, int64_t{INT32_MIN}, INT64_MAX, INT64_MIN}) {
    std::string buf;
    EncodeLong(v, &buf);
    Decoder d(buf);
    auto r = d.ReadLong();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*r, v);
    EXPECT_EQ(d.remaining(), 0u);
  }
}

TEST(AvroEncodingTest, PrimitivesFromTheSpec) {
  std::string out;
  // "the string "foo" is encoded as 06 66 6f 6f"
  ASSERT_TRUE(Encode(*Primitive(Type::kString), Value::String("foo"), &out).ok());
  EXPECT_EQ(Hex(out), "06 66 6f 6f");
  out.clear();
  ASSERT_TRUE(Encode(*Primitive(Type::kBoolean), Value::Boolean(true), &out).ok());
  EXPECT_EQ(Hex(out), "01");
  out.clear();
  ASSERT_TRUE(Encode(*Primitive(Type::kFloat), Value::Float(1.0f), &out).ok());
  EXPECT_EQ(Hex(out), "00 00 80 3f");
  out.clear();
  ASSERT_TRUE(Encode(*Primitive(Type::kDouble), Value::Double(-2.0), &out).ok());
  EXPECT_EQ(Hex(out), "00 00 00 00 00 00 00 c0");
  out.clear();
  ASSERT_TRUE(Encode(*FixedOf("f2", 2), Value::Fixed(std::string("\x01\x02", 2)), &out).ok());
  EXPECT_EQ(Hex(out), "01 02");
}

TEST(AvroEncodingTest, ComplexValuesFromTheSpec) {
  // record test {a: long = 27, b: string = "foo"} -> 36 06 66 6f 6f
  auto rec = RecordOf("test", {RequiredField("a", Primitive(Type::kLong), std::nullopt),
                               RequiredField("b", Primitive(Type::kString), std::nullopt)});
  std::string out;
  ASSERT_TRUE(Encode(*rec, Value::Record({Value::Long(27), Value::String("foo")}), &out).ok());
  EXPECT_EQ(Hex(out), "36 06 66 6f 6f");

  // array of longs [3, 27] -> 04 06 36 00
  out.clear();
  ASSERT_TRUE(Encode(*ArrayOf(Primitive(Type::kLong)),
                     Value::Array({Value::Long(3), Value::Long(27)}), &out)
                  .ok());
  EXPECT_EQ(Hex(out), "04 06 36 00");

  // union ["null","string"]: null -> 00, "a" -> 02 02 61
  auto u = Optional(Primitive(Type::kString));
  out.clear();
  ASSERT_TRUE(Encode(*u, Value::Null(), &out).ok());
  EXPECT_EQ(Hex(out), "00");
  out.clear();
  ASSERT_TRUE(Encode(*u, Value::String("a"), &out).ok());
  EXPECT_EQ(Hex(out), "02 02 61");

  // map {"a": 1} of ints -> 02 02 61 02 00
  out.clear();
  ASSERT_TRUE(Encode(*MapOf(Primitive(Type::kInt)), Value::Map({"a"}, {Value::Int(1)}), &out).ok());
  EXPECT_EQ(Hex(out), "02 02 61 02 00");
}

TEST(AvroEncodingTest, MismatchIsAnErrorAndWritesNothing) {
  auto rec = RecordOf("r", {RequiredField("a", Primitive(Type::kLong), 1)});
  std::string out = "x";
  Status st = Encode(*rec, Value::Record({Value::String("no")}), &out);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("at a"), std::string::npos) << st.message();
  EXPECT_EQ(out, "x");
  EXPECT_FALSE(Encode(*rec, Value::Record({}), &out).ok());
  EXPECT_FALSE(Encode(*Optional(Primitive(Type::kInt)), Value::Long(1), &out).ok());
}

TEST(AvroDecodingTest, NegativeBlockCountsCarryASize) {
  // array of ints written as one block with count -2 and byte size 2: items 1, 2.
  const std::string bytes("\x03\x04\x02\x04\x00", 5);
  Decoder d(bytes);
  auto v = Decode(*ArrayOf(Primitive(Type::kInt)), d);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ(v->items().size(), 2u);
  EXPECT_EQ(v->items()[0].as_int(), 1);
  EXPECT_EQ(v->items()[1].as_int(), 2);
}

TEST(AvroDecodingTest, ZeroSizeItemsAndHugeCounts) {
  // Three empty records take no bytes at all: count 3 (06), then the end (00).
  auto empty = avro::ArrayOf(RecordOf("e", {}));
  Decoder d(std::string_view("\x06\x00", 2));
  auto v = Decode(*empty, d);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->items().size(), 3u);
  // A count far beyond the data is refused before anything is allocated.
  std::string huge;
  EncodeLong(int64_t{1} << 40, &huge);
  Decoder h(huge);
  EXPECT_EQ(Decode(*ArrayOf(Primitive(Type::kLong)), h).status().code(), StatusCode::kCorruption);
}

TEST(AvroDecodingTest, TruncatedInputIsCorruption) {
  for (std::string bytes : {std::string("\x80", 1), std::string("\x06\x66", 2),
                            std::string("\x04\x02", 2)}) {
    Decoder d(bytes);
    auto s = Decode(*Primitive(Type::kString), d);
    EXPECT_EQ(s.status().code(), StatusCode::kCorruption) << Hex(bytes);
  }
  Decoder d(std::string_view("\x02", 1));
  EXPECT_EQ(Decode(*Optional(Primitive(Type::kInt)), d).status().code(), StatusCode::kCorruption);
  Decoder bad_union(std::string_view("\x08", 1));
  EXPECT_EQ(Decode(*Optional(Primitive(Type::kInt)), bad_union).status().code(),
            StatusCode::kCorruption);
}

TEST(AvroSchemaTest, JsonKeepsIcebergIds) {
  auto schema = RecordOf(
      "manifest_entry",
      {RequiredField("status", Primitive(Type::kInt), 0),
       OptionalField("snapshot_id", Primitive(Type::kLong), 1, "doc text"),
       RequiredField("offsets", ArrayOf(Primitive(Type::kLong), 133), 132),
       RequiredField("day", Logical(Type::kInt, "date"), 1000)});
  const std::string json = SchemaToJson(*schema);
  EXPECT_EQ(json,
            R"({"type":"record","name":"manifest_entry","fields":[)"
            R"({"name":"status","type":"int","field-id":0},)"
            R"({"name":"snapshot_id","type":["null","long"],"doc":"doc text","default":null,"field-id":1},)"
            R"({"name":"offsets","type":{"type":"array","items":"long","element-id":133},"field-id":132},)"
            R"({"name":"day","type":{"type":"int","logicalType":"date"},"field-id":1000}]})");
  auto parsed = ParseSchema(json);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(SchemaToJson(**parsed), json);
  const Node& n = **parsed;
  EXPECT_EQ(n.FieldIndexById(132), 2);
  EXPECT_EQ(n.fields[2].type->element_id, 133);
  EXPECT_EQ(n.fields[3].type->logical_type, "date");
  EXPECT_TRUE(n.fields[1].default_null);
  EXPECT_EQ(n.fields[1].type->NonNullBranch()->type, Type::kLong);
}

TEST(AvroSchemaTest, NamedReferencesAndNamespacesResolve) {
  auto parsed = ParseSchema(R"({"type":"record","name":"a.Outer","fields":[
      {"name":"x","type":{"type":"fixed","name":"F","size":2}},
      {"name":"y","type":"F"},
      {"name":"z","type":"a.F"}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)->fields[1].type->type, Type::kFixed);
  EXPECT_EQ((*parsed)->fields[2].type->fixed_size, 2u);
  EXPECT_EQ(ParseSchema(R"({"type":"record","name":"r","fields":[{"name":"y","type":"Nope"}]})")
                .status()
                .code(),
            StatusCode::kParseError);
  EXPECT_EQ(ParseSchema(R"({"type":"enum","name":"e","symbols":["A"]})").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseSchema("{not json").status().code(), StatusCode::kParseError);
  EXPECT_EQ(ParseSchema(R"({"type":"record","name":"r","fields":7})").status().code(),
            StatusCode::kParseError);
}

NodePtr SampleSchema() {
  return RecordOf("sample",
                  {RequiredField("id", Primitive(Type::kLong), 1),
                   OptionalField("name", Primitive(Type::kString), 2),
                   RequiredField("tags", MapOf(Primitive(Type::kBytes)), 3),
                   RequiredField("scores", ArrayOf(Primitive(Type::kDouble), 5), 4),
                   RequiredField("ok", Primitive(Type::kBoolean), 6)});
}

Value SampleRecord(int64_t i) {
  return Value::Record(
      {Value::Long(i), i % 3 == 0 ? Value::Null() : Value::String("name-" + std::to_string(i)),
       Value::Map({"k", "j"}, {Value::Bytes(std::string("\0\1", 2)), Value::Bytes("v")}),
       Value::Array({Value::Double(0.5 * static_cast<double>(i))}), Value::Boolean(i % 2 == 0)});
}

class ContainerTest : public ::testing::TestWithParam<Codec> {};

TEST_P(ContainerTest, RoundTripsManyBlocks) {
  ContainerOptions options;
  options.codec = GetParam();
  options.block_bytes = 256;  // many blocks
  options.metadata = {{"format-version", "2"}, {"content", "data"}};
  ContainerWriter w(SampleSchema(), options);
  for (int64_t i = 0; i < 500; ++i) ASSERT_TRUE(w.Append(SampleRecord(i)).ok());
  EXPECT_FALSE(w.Append(Value::Long(1)).ok());
  auto bytes = w.Finish();
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(bytes->substr(0, 4), std::string("Obj\x01", 4));

  auto file = ReadContainer(*bytes);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->metadata.at("avro.codec"), GetParam() == Codec::kDeflate ? "deflate" : "null");
  EXPECT_EQ(file->metadata.at("format-version"), "2");
  EXPECT_EQ(file->metadata.at("content"), "data");
  EXPECT_EQ(file->metadata.at("avro.schema"), SchemaToJson(*SampleSchema()));
  ASSERT_EQ(file->records.size(), 500u);
  for (int64_t i = 0; i < 500; ++i) {
    ASSERT_EQ(file->records[static_cast<size_t>(i)], SampleRecord(i)) << i;
  }
}

TEST_P(ContainerTest, EmptyFileHasOnlyAHeader) {
  ContainerOptions options;
  options.codec = GetParam();
  ContainerWriter w(SampleSchema(), options);
  auto bytes = w.Finish();
  ASSERT_TRUE(bytes.ok());
  auto file = ReadContainer(*bytes);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_TRUE(file->records.empty());
}

INSTANTIATE_TEST_SUITE_P(Codecs, ContainerTest, ::testing::Values(Codec::kNull, Codec::kDeflate),
                         [](const auto& info) {
                           return std::string(info.param == Codec::kNull ? "Null" : "Deflate");
                         });

TEST(ContainerFileTest, DamageIsDetected) {
  ContainerOptions options;
  options.codec = Codec::kNull;
  ContainerWriter w(SampleSchema(), options);
  ASSERT_TRUE(w.Append(SampleRecord(1)).ok());
  std::string bytes = *w.Finish();

  EXPECT_EQ(ReadContainer("Obj\x02" + bytes.substr(4)).status().code(), StatusCode::kCorruption);
  std::string bad_sync = bytes;
  bad_sync.back() = static_cast<char>(bad_sync.back() ^ 1);
  EXPECT_EQ(ReadContainer(bad_sync).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ReadContainer(bytes.substr(0, bytes.size() - 20)).status().code(),
            StatusCode::kCorruption);

  // An unsupported codec is named.
  ContainerWriter snappy_like(SampleSchema(), options);
  std::string s = *snappy_like.Finish();
  const size_t at = s.find("null", s.find("avro.codec"));
  ASSERT_NE(at, std::string::npos);
  s.replace(at, 4, "zstd");
  auto r = ReadContainer(s);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("zstd"), std::string::npos);
}

TEST(ContainerFileTest, DeflateIsRawDeflate) {
  ContainerOptions options;
  options.codec = Codec::kDeflate;
  ContainerWriter w(RecordOf("r", {RequiredField("s", Primitive(Type::kString), 1)}), options);
  ASSERT_TRUE(w.Append(Value::Record({Value::String(std::string(1000, 'a'))})).ok());
  std::string bytes = *w.Finish();
  // Compressed well below the 1000-byte payload, and no zlib header (0x78) in front of the
  // block data: count=1 (02), size varint, then the raw deflate stream.
  EXPECT_LT(bytes.size(), 400u);
  auto file = ReadContainer(bytes);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file->records[0].items()[0].as_bytes(), std::string(1000, 'a'));
}

}  // namespace
}  // namespace silt::iceberg::avro
