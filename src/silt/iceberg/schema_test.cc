#include "silt/iceberg/schema.h"

#include <gtest/gtest.h>

#include <cmath>

#include "silt/iceberg/literal.h"

namespace silt::iceberg {
namespace {

Schema NestedSchema() {
  Schema s;
  s.schema_id = 0;
  s.identifier_field_ids = {1};
  s.fields = {
      {1, "id", true, Type::Long(), "unique id"},
      {2, "data", false, Type::String(), ""},
      {3, "location", false,
       Type::Struct({{4, "lat", true, Type::Double(), ""}, {5, "long", true, Type::Float(), ""}}),
       ""},
      {6, "tags", false, Type::List(7, true, Type::String()), ""},
      {8, "props", false, Type::Map(9, Type::String(), 10, false, Type::Decimal(9, 2)), ""},
      {11, "n", false, Type::Int(), ""},
  };
  return s;
}

TEST(SchemaJsonTest, WritesTheSpecForm) {
  const std::string json = SchemaToJson(NestedSchema());
  EXPECT_EQ(json,
            R"({"type":"struct","schema-id":0,"identifier-field-ids":[1],"fields":[)"
            R"({"id":1,"name":"id","required":true,"type":"long","doc":"unique id"},)"
            R"({"id":2,"name":"data","required":false,"type":"string"},)"
            R"({"id":3,"name":"location","required":false,"type":{"type":"struct","fields":[)"
            R"({"id":4,"name":"lat","required":true,"type":"double"},)"
            R"({"id":5,"name":"long","required":true,"type":"float"}]}},)"
            R"({"id":6,"name":"tags","required":false,"type":{"type":"list","element-id":7,)"
            R"("element-required":true,"element":"string"}},)"
            R"({"id":8,"name":"props","required":false,"type":{"type":"map","key-id":9,)"
            R"x("key":"string","value-id":10,"value-required":false,"value":"decimal(9,2)"}},)x"
            R"({"id":11,"name":"n","required":false,"type":"int"}]})");
  auto back = ParseSchemaJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(SchemaToJson(*back), json);
  EXPECT_TRUE(Type::Struct(back->fields)->Equals(*Type::Struct(NestedSchema().fields)));
}

TEST(SchemaJsonTest, ParsesEveryPrimitive) {
  for (const char* t : {"boolean", "int", "long", "float", "double", "date", "time", "timestamp",
                        "timestamptz", "string", "uuid", "binary", "fixed[16]", "decimal(38,10)"}) {
    auto r = ParsePrimitiveType(t);
    ASSERT_TRUE(r.ok()) << t;
    EXPECT_EQ((*r)->ToString(), t);
  }
  EXPECT_EQ((*ParsePrimitiveType("decimal(9, 2)"))->ToString(), "decimal(9,2)");  // Java's form
  for (const char* bad : {"integer", "decimal(39,1)", "decimal(2,3)", "fixed[0]", "fixed[x]", ""}) {
    EXPECT_EQ(ParsePrimitiveType(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(ParseSchemaJson(R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,
            "type":"varchar"}]})").status().code(), StatusCode::kParseError);
  EXPECT_EQ(ParseSchemaJson(R"({"type":"struct","fields":[{"id":"1"}]})").status().code(),
            StatusCode::kParseError);
  EXPECT_EQ(ParseSchemaJson("[").status().code(), StatusCode::kParseError);
}

TEST(SchemaTest, LookupsAndValidation) {
  const Schema s = NestedSchema();
  EXPECT_EQ(s.HighestFieldId(), 11);
  EXPECT_EQ(s.FindField(5)->name, "long");
  EXPECT_EQ(s.FindField(7)->name, "element");
  EXPECT_EQ(s.FindField(10)->type->ToString(), "decimal(9,2)");
  EXPECT_EQ(s.FindField(99), nullptr);
  EXPECT_EQ(s.FindFieldByName("location.lat")->id, 4);
  EXPECT_EQ(s.FindFieldByName("id")->id, 1);
  EXPECT_EQ(s.FindFieldByName("location.nope"), nullptr);
  EXPECT_EQ(s.FindFieldByName("data.x"), nullptr);
  EXPECT_TRUE(s.Validate().ok());

  Schema dup = s;
  dup.fields.push_back({4, "again", false, Type::Int(), ""});
  EXPECT_EQ(dup.Validate().code(), StatusCode::kInvalidArgument);
  Schema bad_ident = s;
  bad_ident.identifier_field_ids = {4};  // inside an optional struct
  EXPECT_FALSE(bad_ident.Validate().ok());
  bad_ident.identifier_field_ids = {2};  // optional
  EXPECT_FALSE(bad_ident.Validate().ok());
  bad_ident.identifier_field_ids = {7};  // list element
  EXPECT_FALSE(bad_ident.Validate().ok());
}

TEST(SchemaEvolutionTest, AddColumnAssignsFreshIds) {
  const Schema s = NestedSchema();
  int last = 11;
  auto added = AddColumn(s, &last, "extra",
                         Type::Map(0, Type::String(), 0, true, Type::List(0, false, Type::Long())),
                         "doc", 1);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->schema_id, 1);
  const NestedField& f = added->fields.back();
  EXPECT_EQ(f.id, 12);
  EXPECT_FALSE(f.required);
  EXPECT_EQ(f.type->key.id, 13);
  EXPECT_EQ(f.type->value.id, 14);
  EXPECT_EQ(f.type->value.type->element.id, 15);
  EXPECT_EQ(last, 15);
  EXPECT_TRUE(added->Validate().ok());
  EXPECT_EQ(s.fields.size(), 6u);  // input unchanged

  EXPECT_FALSE(AddColumn(s, &last, "id", Type::Long(), "", 2).ok());
  EXPECT_FALSE(AddColumn(s, &last, "a.b", Type::Long(), "", 2).ok());
}

TEST(SchemaEvolutionTest, WidenOnlyAllowedPromotions) {
  const Schema s = NestedSchema();
  auto w = WidenColumn(s, "n", Type::Long(), 1);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->FindField(11)->type->id, TypeId::kLong);
  auto f = WidenColumn(s, "location.long", Type::Double(), 1);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->FindField(5)->type->id, TypeId::kDouble);
  EXPECT_EQ(f->FindField(4)->type->id, TypeId::kDouble);

  Schema d = s;
  d.fields.push_back({12, "amount", false, Type::Decimal(9, 2), ""});
  EXPECT_TRUE(WidenColumn(d, "amount", Type::Decimal(18, 2), 1).ok());
  EXPECT_FALSE(WidenColumn(d, "amount", Type::Decimal(18, 3), 1).ok());
  EXPECT_FALSE(WidenColumn(d, "amount", Type::Decimal(8, 2), 1).ok());

  auto narrow = WidenColumn(s, "id", Type::Int(), 1);
  EXPECT_EQ(narrow.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(narrow.status().message().find("long to int"), std::string::npos);
  EXPECT_FALSE(WidenColumn(s, "data", Type::Binary(), 1).ok());
  EXPECT_FALSE(WidenColumn(s, "missing", Type::Long(), 1).ok());
}

TEST(SchemaEvolutionTest, RenameKeepsIds) {
  const Schema s = NestedSchema();
  auto r = RenameColumn(s, "data", "payload", 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->FindField(2)->name, "payload");
  auto nested = RenameColumn(s, "location.lat", "latitude", 1);
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ(nested->FindFieldByName("location.latitude")->id, 4);
  EXPECT_FALSE(RenameColumn(s, "data", "id", 1).ok());
  EXPECT_FALSE(RenameColumn(s, "location.lat", "long", 1).ok());
  EXPECT_FALSE(RenameColumn(s, "data", "", 1).ok());
  EXPECT_FALSE(RenameColumn(s, "nope", "x", 1).ok());
}

// ---- single-value serialization (Appendix D) ----

std::string Bytes(const Literal& v) {
  auto r = ToBytes(v);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "";
}

TEST(SingleValueTest, AppendixDEncodings) {
  EXPECT_EQ(Bytes(Literal::Boolean(true)), std::string("\x01", 1));
  EXPECT_EQ(Bytes(Literal::Int(1)), std::string("\x01\x00\x00\x00", 4));
  EXPECT_EQ(Bytes(Literal::Date(-1)), std::string("\xff\xff\xff\xff", 4));
  EXPECT_EQ(Bytes(Literal::Long(258)), std::string("\x02\x01\0\0\0\0\0\0", 8));
  EXPECT_EQ(Bytes(Literal::Timestamp(1)), std::string("\x01\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(Bytes(Literal::Float(1.0f)), std::string("\x00\x00\x80\x3f", 4));
  EXPECT_EQ(Bytes(Literal::Double(1.0)), std::string("\0\0\0\0\0\0\xf0\x3f", 8));
  EXPECT_EQ(Bytes(Literal::String("ab")), "ab");
  EXPECT_EQ(Bytes(Literal::Decimal(1420, 4, 2)), std::string("\x05\x8c", 2));
  EXPECT_EQ(Bytes(Literal::Decimal(-1, 4, 2)), std::string("\xff", 1));
  EXPECT_EQ(Bytes(Literal::Decimal(128, 4, 2)), std::string("\x00\x80", 2));
  EXPECT_EQ(Bytes(Literal::Decimal(-129, 4, 2)), std::string("\xff\x7f", 2));
  EXPECT_EQ(Bytes(Literal::Decimal(0, 4, 2)), std::string("\x00", 1));
  auto uuid = UuidFromString("f79c3e09-677c-4bbd-a479-3f349cb785e7");
  ASSERT_TRUE(uuid.ok());
  EXPECT_EQ(Bytes(Literal::Uuid(*uuid)).substr(0, 2), "\xf7\x9c");
  EXPECT_EQ(UuidToString(*uuid), "f79c3e09-677c-4bbd-a479-3f349cb785e7");
  EXPECT_FALSE(UuidFromString("f79c3e09677c4bbda4793f349cb785e7").ok());
  EXPECT_FALSE(ToBytes(Literal::Null(Type::Int())).ok());
}

TEST(SingleValueTest, RoundTripsEveryType) {
  const __int128 big = static_cast<__int128>(INT64_MAX) * 1000 + 7;
  const std::vector<Literal> values = {
      Literal::Boolean(false), Literal::Int(-5), Literal::Long(INT64_MIN), Literal::Float(-0.0f),
      Literal::Double(3.25), Literal::Decimal(big, 38, 3), Literal::Decimal(-big, 38, 3),
      Literal::Date(17486), Literal::Time(81068000000), Literal::Timestamp(-1),
      Literal::TimestampTz(1510871468000000), Literal::String("h\xC3\xA9"),
      Literal::Uuid(std::string(16, '\x7f')), Literal::Fixed("abc"), Literal::Binary("")};
  for (const Literal& v : values) {
    auto bytes = ToBytes(v);
    ASSERT_TRUE(bytes.ok());
    auto back = FromBytes(v.type(), *bytes);
    ASSERT_TRUE(back.ok()) << v.type()->ToString() << ": " << back.status().ToString();
    EXPECT_EQ(*back, v) << v.type()->ToString();
  }
  EXPECT_EQ(FromBytes(Type::Int(), "abc").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(FromBytes(Type::Decimal(9, 2), "").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(FromBytes(Type::Fixed(4), "abc").status().code(), StatusCode::kCorruption);
}

TEST(LiteralTest, HumanStringsAndOrder) {
  EXPECT_EQ(Literal::Decimal(1420, 4, 2).ToString(), "14.20");
  EXPECT_EQ(Literal::Decimal(-5, 4, 2).ToString(), "-0.05");
  EXPECT_EQ(Literal::Decimal(7, 4, 0).ToString(), "7");
  EXPECT_EQ(Literal::Time(81068000001).ToString(), "22:31:08.000001");
  EXPECT_EQ(Literal::TimestampTz(0).ToString(), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Literal::Timestamp(-1).ToString(), "1969-12-31T23:59:59.999999");
  EXPECT_EQ(Literal::Binary(std::string("\x00\x01\x02\x03", 4)).ToString(), "AAECAw==");
  EXPECT_EQ(Literal::Null(Type::Int()).ToString(), "null");

  EXPECT_LT(Compare(Literal::Float(-0.0f), Literal::Float(0.0f)), 0);
  EXPECT_GT(Compare(Literal::Double(std::nan("")), Literal::Double(1e300)), 0);
  EXPECT_LT(Compare(Literal::String("a"), Literal::String("\xC3\xA9")), 0);
  EXPECT_LT(Compare(Literal::Decimal(-1, 9, 2), Literal::Decimal(1, 9, 2)), 0);
  EXPECT_EQ(Compare(Literal::Long(3), Literal::Long(3)), 0);
}

TEST(BoundTruncationTest, StringsAndBinary) {
  const std::string s = "abcdefghijklmnopqrstuvwxyz";
  EXPECT_EQ(TruncateStringLower(s, 16), "abcdefghijklmnop");
  std::string upper;
  ASSERT_TRUE(TruncateStringUpper(s, 16, &upper));
  EXPECT_EQ(upper, "abcdefghijklmnoq");
  ASSERT_TRUE(TruncateStringUpper("short", 16, &upper));
  EXPECT_EQ(upper, "short");
  // The last code point is U+10FFFF: it is dropped and the previous one incremented.
  ASSERT_TRUE(TruncateStringUpper("ab\xF4\x8F\xBF\xBF" "c", 3, &upper));
  EXPECT_EQ(upper, "ac");
  EXPECT_FALSE(TruncateStringUpper("\xF4\x8F\xBF\xBF\xF4\x8F\xBF\xBF", 1, &upper));
  // A multibyte code point is kept whole.
  EXPECT_EQ(TruncateStringLower("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\xC3\xA9");

  EXPECT_EQ(TruncateBinaryLower("abcdef", 3), "abc");
  ASSERT_TRUE(TruncateBinaryUpper(std::string("ab\xff" "d", 4), 3, &upper));
  EXPECT_EQ(upper, "ac");
  EXPECT_FALSE(TruncateBinaryUpper(std::string("\xff\xff\xff", 3), 2, &upper));
}

}  // namespace
}  // namespace silt::iceberg
