#include "silt/iceberg/transforms.h"

#include <gtest/gtest.h>

#include "silt/common/civil_time.h"
#include "silt/iceberg/murmur3.h"
#include "silt/iceberg/partition.h"

namespace silt::iceberg {
namespace {

constexpr int64_t kDay20171116 = DaysFromCivil(2017, 11, 16);
constexpr int64_t kTs20171116T223108 =
    kDay20171116 * kMicrosPerDay + (22 * 3600 + 31 * 60 + 8) * kMicrosPerSecond;

int32_t Hash(const Literal& v) {
  auto r = BucketHash(v);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : 0;
}

// Spec Appendix B, "32-bit Hash Requirements".
TEST(BucketHashTest, AppendixBVectors) {
  EXPECT_EQ(Hash(Literal::Int(34)), 2017239379);
  EXPECT_EQ(Hash(Literal::Long(34)), 2017239379);
  EXPECT_EQ(Hash(Literal::Decimal(1420, 4, 2)), -500754589);  // 14.20
  EXPECT_EQ(Hash(Literal::Date(static_cast<int32_t>(kDay20171116))), -653330422);
  EXPECT_EQ(Hash(Literal::Time((22 * 3600 + 31 * 60 + 8) * kMicrosPerSecond)), -662762989);
  EXPECT_EQ(Hash(Literal::Timestamp(kTs20171116T223108)), -2047944441);
  // 2017-11-16T14:31:08-08:00 is the same instant.
  EXPECT_EQ(Hash(Literal::TimestampTz(kTs20171116T223108)), -2047944441);
  EXPECT_EQ(Hash(Literal::String("iceberg")), 1210000089);
  auto uuid = UuidFromString("f79c3e09-677c-4bbd-a479-3f349cb785e7");
  ASSERT_TRUE(uuid.ok());
  EXPECT_EQ(Hash(Literal::Uuid(*uuid)), 1488055340);
  const std::string b("\x00\x01\x02\x03", 4);
  EXPECT_EQ(Hash(Literal::Fixed(b)), -188683207);
  EXPECT_EQ(Hash(Literal::Binary(b)), -188683207);
  EXPECT_FALSE(BucketHash(Literal::Double(1.0)).ok());
  EXPECT_FALSE(BucketHash(Literal::Null(Type::Int())).ok());
}

TEST(Murmur3Test, AllTailLengths) {
  // Reference values of MurmurHash3_x86_32 with seed 0.
  EXPECT_EQ(Murmur3Hash32(""), 0);
  EXPECT_EQ(Murmur3Hash32("a"), static_cast<int32_t>(0x3c2569b2));
  EXPECT_EQ(Murmur3Hash32("ab"), static_cast<int32_t>(0x9bbfd75f));
  EXPECT_EQ(Murmur3Hash32("abc"), static_cast<int32_t>(0xb3dd93fa));
  EXPECT_EQ(Murmur3Hash32("abcd"), static_cast<int32_t>(0x43ed676a));
}

Literal Apply(const Transform& t, const Literal& v) {
  auto r = t.Apply(v);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Literal();
}

TEST(TransformTest, BucketIsPositiveModN) {
  // (2017239379 & INT_MAX) % 16 = 3; "iceberg": 1210000089 % 16 = 9.
  EXPECT_EQ(Apply(Transform::Bucket(16), Literal::Int(34)).as_int(), 2017239379 % 16);
  EXPECT_EQ(Apply(Transform::Bucket(16), Literal::String("iceberg")).as_int(), 1210000089 % 16);
  // A negative hash is masked, not negated: (-653330422 & INT_MAX) % 100.
  EXPECT_EQ(Apply(Transform::Bucket(100), Literal::Date(static_cast<int32_t>(kDay20171116))).as_int(),
            (-653330422 & 0x7FFFFFFF) % 100);
}

TEST(TransformTest, TruncateExamplesFromTheSpec) {
  EXPECT_EQ(Apply(Transform::Truncate(10), Literal::Int(1)), Literal::Int(0));
  EXPECT_EQ(Apply(Transform::Truncate(1), Literal::Int(10)), Literal::Int(10));
  EXPECT_EQ(Apply(Transform::Truncate(10), Literal::Int(-1)), Literal::Int(-10));
  EXPECT_EQ(Apply(Transform::Truncate(10), Literal::Long(-1)), Literal::Long(-10));
  // decimal 10.65 truncate[50] -> 10.50
  EXPECT_EQ(Apply(Transform::Truncate(50), Literal::Decimal(1065, 4, 2)),
            Literal::Decimal(1050, 4, 2));
  EXPECT_EQ(Apply(Transform::Truncate(3), Literal::String("iceberg")), Literal::String("ice"));
  // Code points, not bytes.
  EXPECT_EQ(Apply(Transform::Truncate(2), Literal::String("\xC3\xA9t\xC3\xA9")),
            Literal::String("\xC3\xA9t"));
  EXPECT_EQ(Apply(Transform::Truncate(2), Literal::Binary("abc")), Literal::Binary("ab"));
  EXPECT_FALSE(Transform::Truncate(2).Apply(Literal::Double(1)).ok());
}

TEST(TransformTest, TimeTransformsAndHumanStrings) {
  const Literal ts = Literal::Timestamp(kTs20171116T223108);
  const Literal date = Literal::Date(static_cast<int32_t>(kDay20171116));
  EXPECT_EQ(Apply(Transform::Year(), ts), Literal::Int(47));
  EXPECT_EQ(Apply(Transform::Month(), ts), Literal::Int(47 * 12 + 10));
  EXPECT_EQ(Apply(Transform::Day(), ts), date);
  EXPECT_EQ(Apply(Transform::Day(), date), date);
  EXPECT_EQ(Apply(Transform::Hour(), ts), Literal::Int(static_cast<int32_t>(kDay20171116 * 24 + 22)));
  EXPECT_EQ(Transform::Year().ToHumanString(Apply(Transform::Year(), ts)), "2017");
  EXPECT_EQ(Transform::Month().ToHumanString(Apply(Transform::Month(), ts)), "2017-11");
  EXPECT_EQ(Transform::Day().ToHumanString(Apply(Transform::Day(), ts)), "2017-11-16");
  EXPECT_EQ(Transform::Hour().ToHumanString(Apply(Transform::Hour(), ts)), "2017-11-16-22");
  EXPECT_EQ(Transform::Identity().ToHumanString(ts), "2017-11-16T22:31:08");

  // Before the epoch: floor, not truncation toward zero.
  const Literal before = Literal::TimestampTz(-1);  // 1969-12-31T23:59:59.999999Z
  EXPECT_EQ(Apply(Transform::Year(), before), Literal::Int(-1));
  EXPECT_EQ(Apply(Transform::Month(), before), Literal::Int(-1));
  EXPECT_EQ(Apply(Transform::Day(), before), Literal::Date(-1));
  EXPECT_EQ(Apply(Transform::Hour(), before), Literal::Int(-1));
  EXPECT_EQ(Transform::Month().ToHumanString(Literal::Int(-1)), "1969-12");
  EXPECT_EQ(Transform::Hour().ToHumanString(Literal::Int(-1)), "1969-12-31-23");

  EXPECT_FALSE(Transform::Hour().Apply(date).ok());
  EXPECT_FALSE(Transform::Day().Apply(Literal::Long(1)).ok());
}

TEST(TransformTest, NullsVoidAndResultTypes) {
  EXPECT_TRUE(Apply(Transform::Day(), Literal::Null(Type::Timestamp())).is_null());
  EXPECT_TRUE(Apply(Transform::Bucket(4), Literal::Null(Type::String())).is_null());
  const Literal v = Apply(Transform::Void(), Literal::String("x"));
  EXPECT_TRUE(v.is_null());
  EXPECT_EQ(v.type_id(), TypeId::kString);
  EXPECT_EQ(Transform::Void().ToHumanString(v), "null");

  EXPECT_EQ((*Transform::Day().ResultType(Type::TimestampTz()))->id, TypeId::kDate);
  EXPECT_EQ((*Transform::Year().ResultType(Type::Date()))->id, TypeId::kInt);
  EXPECT_EQ((*Transform::Bucket(3).ResultType(Type::String()))->id, TypeId::kInt);
  EXPECT_EQ((*Transform::Truncate(3).ResultType(Type::Decimal(9, 2)))->ToString(), "decimal(9,2)");
  EXPECT_FALSE(Transform::Bucket(3).ResultType(Type::Float()).ok());
  EXPECT_FALSE(Transform::Identity().ResultType(Type::Struct({})).ok());
}

TEST(TransformTest, ParseAndPrint) {
  for (const char* text : {"identity", "bucket[16]", "truncate[4]", "year", "month", "day", "hour",
                           "void"}) {
    auto t = Transform::Parse(text);
    ASSERT_TRUE(t.ok()) << text;
    EXPECT_EQ(t->ToString(), text);
  }
  for (const char* bad : {"bucket[0]", "bucket[]", "bucket[x]", "truncate", "days", ""}) {
    EXPECT_EQ(Transform::Parse(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(PartitionSpecTest, BuildNamesIdsAndPaths) {
  Schema schema;
  schema.fields = {{1, "id", true, Type::Long(), ""},
                   {2, "event", false, Type::String(), ""},
                   {3, "ts", false, Type::TimestampTz(), ""}};
  int last = kFirstPartitionFieldId - 1;
  auto spec = BuildPartitionSpec(schema,
                                 {{"ts", Transform::Day(), ""},
                                  {"event", Transform::Identity(), ""},
                                  {"id", Transform::Bucket(8), "id_b"}},
                                 0, &last);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(last, 1002);
  EXPECT_EQ(spec->fields[0].field_id, 1000);
  EXPECT_EQ(spec->fields[0].name, "ts_day");
  EXPECT_EQ(spec->fields[1].name, "event");
  EXPECT_EQ(spec->fields[2].name, "id_b");

  auto values = spec->Partition([&](int source_id) -> Literal {
    if (source_id == 1) return Literal::Long(34);
    if (source_id == 2) return Literal::String("a b/c&d");
    return Literal::TimestampTz(kTs20171116T223108);
  });
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(spec->PartitionPath(*values),
            "ts_day=2017-11-16/event=a+b%2Fc%26d/id_b=" + std::to_string(2017239379 % 8));
  std::vector<Literal> nulls = {Literal::Null(Type::Date()), Literal::Null(Type::String()),
                                Literal::Null(Type::Int())};
  EXPECT_EQ(spec->PartitionPath(nulls), "ts_day=null/event=null/id_b=null");

  const std::string json = PartitionSpecToJson(*spec);
  EXPECT_EQ(json.substr(0, 88),
            R"({"spec-id":0,"fields":[{"name":"ts_day","transform":"day","source-id":3,"field-id":1000})");
  auto back = ParsePartitionSpecJson(json);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, *spec);

  EXPECT_FALSE(BuildPartitionSpec(schema, {{"nope", Transform::Day(), ""}}, 0, &last).ok());
  EXPECT_FALSE(BuildPartitionSpec(schema, {{"event", Transform::Day(), ""}}, 0, &last).ok());
  EXPECT_FALSE(BuildPartitionSpec(schema,
                                  {{"event", Transform::Identity(), ""},
                                   {"id", Transform::Identity(), "event"}},
                                  0, &last)
                   .ok());
  EXPECT_EQ(ParsePartitionSpecJson(R"({"spec-id":0,"fields":[{"name":"x","transform":"zorder",
             "source-id":1,"field-id":1000}]})")
                .status()
                .code(),
            StatusCode::kParseError);
}

}  // namespace
}  // namespace silt::iceberg
