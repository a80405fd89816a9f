#include "silt/formats/jsonl.h"

#include <gtest/gtest.h>

#include "silt/formats/detect.h"
#include "silt/formats/format_testing.h"

namespace silt::formats {
namespace {

std::shared_ptr<const Format> Open(std::string_view input, const FormatOptions& options = {}) {
  auto f = OpenFormat("jsonl", options, input);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? *f : nullptr;
}

std::string OpenError(std::string_view input, const FormatOptions& options = {}) {
  auto f = OpenFormat("jsonl", options, input);
  return f.ok() ? "" : f.status().message();
}

std::string Columns(const Format& f) {
  std::string out;
  for (const auto& c : f.schema()) {
    out += (out.empty() ? "" : ", ") + c.name + " " + std::string(ColumnTypeSqlName(c.type));
  }
  return out;
}

std::string Parse(const Format& f, std::string_view input) {
  ParsedText whole = ParseForTest(f, input);
  ParsedText chunked = ParseForTest(f, input, 7);
  EXPECT_EQ(whole.rendered, chunked.rendered);
  return whole.rendered;
}

TEST(Jsonl, InfersUnionOfKeysAndTypes) {
  const std::string in =
      R"({"ts":"2024-03-01T10:00:00Z","user":{"id":7,"name":"ann"},"n":1,"ok":true})" "\n"
      R"({"ts":"2024-03-01T10:00:01.5+01:00","user":{"id":8},"n":2.5,"tags":["a","b"],"extra":null})" "\n";
  auto f = Open(in);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f),
            "ts TIMESTAMPTZ, user_id BIGINT, user_name VARCHAR, n DOUBLE, ok BOOLEAN, tags VARCHAR, "
            "extra VARCHAR");
  EXPECT_EQ(f->time_column(), "ts");
  EXPECT_EQ(Parse(*f, in),
            R"({"ts":"2024-03-01T10:00:00Z","user_id":7,"user_name":"ann","n":1,"ok":true})" "\n"
            R"({"ts":"2024-03-01T09:00:01.500000Z","user_id":8,"n":2.5,"tags":"[\"a\",\"b\"]"})" "\n");
}

TEST(Jsonl, FlattenFalseKeepsObjectsAsText) {
  const std::string in = R"({"a":{"b":1,"c":[1, 2]},"d":"x"})" "\n";
  auto f = Open(in, {{"flatten", "false"}});
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "a VARCHAR, d VARCHAR");
  EXPECT_EQ(Parse(*f, in), R"({"a":"{\"b\":1,\"c\":[1,2]}","d":"x"})" "\n");
}

TEST(Jsonl, MixedKindsAreVarchar) {
  const std::string in =
      R"({"a":1,"b":"x","c":{"k":1},"d":18446744073709551615,"e":1})" "\n"
      R"({"a":"two","b":3.5,"c":5,"d":1,"e":2.25})" "\n"
      R"({"a":true,"b":false,"c":null,"d":null,"e":null})" "\n";
  auto f = Open(in);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "a VARCHAR, b VARCHAR, c VARCHAR, d VARCHAR, e DOUBLE");
  EXPECT_EQ(Parse(*f, in),
            R"({"a":"1","b":"x","c":"{\"k\":1}","d":"18446744073709551615","e":1})" "\n"
            R"({"a":"two","b":"3.5","c":"5","d":"1","e":2.25})" "\n"
            R"({"a":"true","b":"false"})" "\n");
}

TEST(Jsonl, RejectsNameColumnAndValue) {
  const std::string sample = R"({"id":1,"when":"2024-01-01T00:00:00Z","ok":true,"u":{"n":1}})" "\n";
  auto f = Open(sample);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "id BIGINT, when TIMESTAMPTZ, ok BOOLEAN, u_n BIGINT");
  const std::string in = sample +
                         R"({"id":"7"})" "\n"
                         R"({"id":1.5})" "\n"
                         R"({"when":"soon"})" "\n"
                         R"({"ok":"yes"})" "\n"
                         R"({"u":5})" "\n"
                         R"({"id":1,})" "\n"
                         R"([1,2])" "\n"
                         R"({"id":1} {"id":2})" "\n"
                         R"({"id":2.0,"when":1709251200,"u":null,"unknown":[{"deep":true}]})" "\n";
  ParsedText r = ParseForTest(*f, in);
  EXPECT_EQ(r.rows, 2u) << r.rendered;
  EXPECT_EQ(r.rejects, 8u);
  for (const char* reason : {
           R"(column id: string \"7\" is not a BIGINT)",
           "column id: number 1.5 is not a BIGINT",
           R"(column when: string \"soon\" is not a time (time_format auto))",
           R"(column ok: string \"yes\" is not a BOOLEAN)",
           "key u: number 5 is not an object (columns are read from inside it)",
           "not valid JSON: ",
           "line is a JSON array, not an object",
       }) {
    EXPECT_NE(r.rendered.find(reason), std::string::npos) << reason << "\n" << r.rendered;
  }
  EXPECT_NE(r.rendered.find(R"({"id":2,"when":"2024-03-01T00:00:00Z"})"), std::string::npos)
      << r.rendered;
}

TEST(Jsonl, DeclaredPaths) {
  const std::string in =
      R"({"user":{"id":42,"name":"x"},"event":"login","ts":1709251200123,"other":1})" "\n"
      R"({"event":"logout","ts":"2024-03-01T00:00:01Z","user.id":43})" "\n";
  auto f = Open(in, {{"columns", "user.id BIGINT, event VARCHAR, ts TIMESTAMPTZ"}});
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "user_id BIGINT, event VARCHAR, ts TIMESTAMPTZ");
  EXPECT_EQ(f->time_column(), "ts");
  EXPECT_EQ(Parse(*f, in),
            R"({"user_id":42,"event":"login","ts":"2024-03-01T00:00:00.123000Z"})" "\n"
            R"({"user_id":43,"event":"logout","ts":"2024-03-01T00:00:01Z"})" "\n");
  EXPECT_NE(OpenError(in, {{"columns", "a.b INT, a_b INT"}}).find("both make the column name"),
            std::string::npos);
  EXPECT_NE(OpenError(in, {{"columns", "user.id BIGINT"}, {"time_column", "user.id"}})
                .find("declare it TIMESTAMPTZ"),
            std::string::npos);
  // Declared columns need no sample.
  auto empty = OpenFormat("jsonl", {{"columns", "a INT"}}, "");
  EXPECT_TRUE(empty.ok());
}

TEST(Jsonl, TimeColumnFromEpochs) {
  const std::string in = R"({"t":1709251200,"v":1})" "\n" R"({"t":1709251200500,"v":2})" "\n";
  auto plain = Open(in);
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(Columns(*plain), "t BIGINT, v BIGINT");
  auto f = Open(in, {{"time_column", "t"}});
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "t TIMESTAMPTZ, v BIGINT");
  EXPECT_EQ(Parse(*f, in),
            R"({"t":"2024-03-01T00:00:00Z","v":1})" "\n"
            R"({"t":"2024-03-01T00:00:00.500000Z","v":2})" "\n");
  auto s = Open(in, {{"time_column", "t"}, {"time_format", "epoch_s"}});
  ASSERT_NE(s, nullptr);
  EXPECT_NE(OpenError(R"({"t":"x"})" "\n", {{"time_column", "t"}}).find("sample value \"x\" (line 1)"),
            std::string::npos);
  EXPECT_NE(OpenError(in, {{"time_column", "nope"}}).find("is not a column (columns: t, v)"),
            std::string::npos);
  const std::string pattern = R"({"when":"01/03/2024 10:00"})" "\n";
  auto p = Open(pattern, {{"time_format", "%d/%m/%Y %H:%M"}});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(Columns(*p), "when TIMESTAMPTZ");
}

TEST(Jsonl, DeepObjectsAreKeptAsText) {
  std::string deep = "1";
  for (int i = 0; i < 40; ++i) deep = "{\"k\":" + deep + "}";
  const std::string in = "{\"d\":" + deep + ",\"n\":1}\n";
  auto f = Open(in);
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->schema().size(), 2u);
  EXPECT_EQ(f->schema()[0].type, ColumnType::kVarchar);
  EXPECT_EQ(f->schema()[0].name.substr(0, 6), "d_k_k_");
  ParsedText r = ParseForTest(*f, in);
  EXPECT_EQ(r.rows, 1u);
  EXPECT_NE(r.rendered.find("\":\"{\\\"k\\\":{"), std::string::npos) << r.rendered;
}

TEST(Jsonl, NamesOfKeys) {
  const std::string in = R"({"@timestamp":"x","user-agent":"y","ID":1,"id":2,"9lives":3,"a.b":4})" "\n";
  auto f = Open(in);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f),
            "timestamp VARCHAR, user_agent VARCHAR, ID BIGINT, id_2 BIGINT, _9lives BIGINT, a_b BIGINT");
  EXPECT_EQ(Parse(*f, in),
            R"({"timestamp":"x","user_agent":"y","ID":1,"id_2":2,"_9lives":3,"a_b":4})" "\n");
}

TEST(Jsonl, StringsAreUnescapedAndBomCrSkipped) {
  const std::string in = "\xEF\xBB\xBF{\"s\":\"caf\\u00e9 \\\"q\\\"\\n\"}\r\n   \n";
  auto f = Open(in);
  ASSERT_NE(f, nullptr);
  ParsedText r = ParseForTest(*f, in);
  EXPECT_EQ(r.rendered, "{\"s\":\"caf\xC3\xA9 \\\"q\\\"\\n\"}\n");
  EXPECT_EQ(r.skipped, 1u);
}

TEST(Jsonl, RefusesSamplesThatAreNotJsonl) {
  EXPECT_NE(OpenError("a,b\n1,2\n").find("no line of the sample is a JSON object (line 1: not valid JSON"),
            std::string::npos)
      << OpenError("a,b\n1,2\n");
  EXPECT_NE(OpenError("[1]\n[2]\n").find("line is a JSON array, not an object"), std::string::npos);
  EXPECT_NE(OpenError("{}\n{}\n").find("no keys"), std::string::npos);
  EXPECT_NE(OpenError("{\"a\":1}\nx\ny\n").find("only 1 of 3 sample lines are JSON objects"),
            std::string::npos);
  EXPECT_NE(OpenError("").find("empty sample"), std::string::npos);
  auto d = DetectFormats(R"({"a":1,"b":"x"})" "\n" R"({"a":2,"b":"y"})" "\n");
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0].format->name(), "jsonl");
}

TEST(Jsonl, ValidationDoesNotDependOnWantedColumns) {
  auto f = Open(R"({"a":1,"b":"x"})" "\n");
  ASSERT_NE(f, nullptr);
  auto parser = f->MakeParser({false, true});
  RowBatch batch(f->schema());
  std::string reason;
  EXPECT_EQ(parser->Parse(R"({"a":"no","b":"y"})", batch, 0, &reason), LineResult::kReject);
  EXPECT_EQ(reason, R"(column a: string "no" is not a BIGINT)");
  ASSERT_EQ(parser->Parse(R"({"b":"y"})", batch, 0, &reason), LineResult::kRow);
  EXPECT_EQ(batch.strings(1)[0], "y");
  EXPECT_EQ(batch.nulls(0)[0], 1);
}

TEST(Jsonl, Options) {
  const Format* f = FindFormat("jsonl");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->schema().empty());
  std::vector<std::string> names;
  for (const auto& o : f->options()) names.push_back(o.name);
  EXPECT_EQ(names, (std::vector<std::string>{"columns", "flatten", "time_column", "time_format"}));
  EXPECT_NE(OpenError("{\"a\":1}\n", {{"flatten", "sometimes"}}).find("expected true or false"),
            std::string::npos);
  auto bad = OpenFormat("jsonl", {{"flaten", "false"}}, "{\"a\":1}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("did you mean 'flatten'?"), std::string::npos);
  ParsedText r = ParseForTest(*f, "{\"a\":1}\n");
  EXPECT_EQ(r.rejects, 1u);
}

}  // namespace
}  // namespace silt::formats
