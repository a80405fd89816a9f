#include "silt/formats/regex_format.h"

#include <bit>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "silt/formats/format_testing.h"

namespace silt::formats {
namespace {

bool Has(const ParsedText& r, const std::string& s) {
  return r.rendered.find(s) != std::string::npos;
}

std::shared_ptr<const Format> Open(const FormatOptions& options, std::string_view sample = "") {
  auto r = OpenFormat("regex", options, sample);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : nullptr;
}

std::string OpenError(const FormatOptions& options) {
  auto r = OpenFormat("regex", options, "");
  EXPECT_FALSE(r.ok()) << "options unexpectedly accepted";
  return r.ok() ? "" : std::string(r.status().message());
}

// Apache/nginx combined, as a regex: the built-in `combined` format's line.
constexpr const char* kCombinedPattern =
    R"re((?P<host>\S+) (?P<ident>\S+) (?P<user>\S+) \[(?P<ts>[^]]+)\] "(?P<request>[^"]*)" )re"
    R"re((?P<status>\d{3}) (?P<bytes>\S+) "(?P<referer>[^"]*)" "(?P<agent>[^"]*)")re";
constexpr const char* kCombinedLine =
    "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
    "\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"";

FormatOptions CombinedOptions() {
  return {{"pattern", kCombinedPattern},
          {"types", "status INTEGER, bytes BIGINT, ts TIMESTAMPTZ"},
          {"time_format", "%d/%b/%Y:%H:%M:%S %z"}};
}

TEST(Regex, RegisteredUnconfiguredRejectsEveryLine) {
  const Format* f = FindFormat("regex");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->schema().empty());
  EXPECT_TRUE(f->time_column().empty());
  std::vector<std::string> names;
  for (const auto& o : f->options()) names.push_back(o.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"pattern", "types", "time_format", "time_column", "nullstr"}));
  auto r = ParseForTest(*f, "anything\nat all\n");
  EXPECT_EQ(r.rows, 0u);
  EXPECT_EQ(r.rejects, 2u);
  EXPECT_TRUE(Has(r, "the regex format needs a pattern option")) << r.rendered;
}

TEST(Regex, CombinedLogAsRegex) {
  auto f = Open(CombinedOptions());
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->name(), "regex");
  ASSERT_EQ(f->schema().size(), 9u);
  const char* names[] = {"host",   "ident", "user",    "ts",   "request",
                         "status", "bytes", "referer", "agent"};
  for (size_t i = 0; i < 9; ++i) EXPECT_EQ(f->schema()[i].name, names[i]);
  EXPECT_EQ(f->schema()[3].type, ColumnType::kTimestampTz);
  EXPECT_EQ(f->schema()[5].type, ColumnType::kInt32);
  EXPECT_EQ(f->schema()[6].type, ColumnType::kInt64);
  EXPECT_EQ(f->schema()[0].type, ColumnType::kVarchar);
  EXPECT_EQ(f->time_column(), "ts");

  auto r = ParseForTest(*f, std::string(kCombinedLine) + "\n");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_EQ(r.rendered,
            "{\"host\":\"127.0.0.1\",\"user\":\"frank\",\"ts\":\"2000-10-10T20:55:36Z\","
            "\"request\":\"GET /apache_pb.gif HTTP/1.0\",\"status\":200,\"bytes\":2326,"
            "\"referer\":\"http://www.example.com/start.html\","
            "\"agent\":\"Mozilla/4.08 [en] (Win98; I ;Nav)\"}\n");
}

TEST(Regex, CombinedDashesAreNullAndCrIsStripped) {
  auto f = Open(CombinedOptions());
  ASSERT_NE(f, nullptr);
  auto r =
      ParseForTest(*f, "192.0.2.1 - - [01/Mar/2024:10:00:00 +0000] \"-\" 408 - \"-\" \"-\"\r\n");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_EQ(r.rendered,
            "{\"host\":\"192.0.2.1\",\"ts\":\"2024-03-01T10:00:00Z\",\"status\":408}\n");
}

TEST(Regex, LineThatDoesNotMatchIsRejected) {
  auto f = Open(CombinedOptions());
  ASSERT_NE(f, nullptr);
  // The common layout lacks referer and user agent; a full match is required, so a prefix
  // match or trailing text is not enough.
  auto r = ParseForTest(
      *f, "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 2326\n" +
              std::string(kCombinedLine) + " trailing\n" + kCombinedLine + "\n");
  EXPECT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_EQ(r.rejects, 2u) << r.rendered;
  EXPECT_TRUE(Has(
      r, "{\"reject\":{\"line\":1,\"offset\":0,\"reason\":\"line does not match the pattern\"}}"))
      << r.rendered;
}

TEST(Regex, ValuesThatDoNotConvertAreRejectedNamingColumnAndValue) {
  auto f = Open(CombinedOptions());
  ASSERT_NE(f, nullptr);
  auto r = ParseForTest(
      *f,
      "h - - [10/Oct/2000:13:55:36 -0700] \"GET /\" 200 12x \"-\" \"-\"\n"
      "h - - [31/Feb/2000:13:55:36 -0700] \"GET /\" 200 1 \"-\" \"-\"\n"
      "h - - [10/Oct/2000:13:55:36 -0700] \"GET /\" 200 99999999999999999999 \"-\" \"-\"\n");
  EXPECT_EQ(r.rejects, 3u) << r.rendered;
  EXPECT_TRUE(Has(r, "field bytes: '12x' is not a BIGINT (64-bit integer)")) << r.rendered;
  EXPECT_TRUE(Has(r,
                  "field ts: '31/Feb/2000:13:55:36 -0700' is not a time in the format "
                  "'%d/%b/%Y:%H:%M:%S %z'"))
      << r.rendered;
  EXPECT_TRUE(Has(r, "field bytes: '99999999999999999999' is not a BIGINT")) << r.rendered;
}

TEST(Regex, RejectsDoNotDependOnWantedColumns) {
  auto f = Open(CombinedOptions());
  ASSERT_NE(f, nullptr);
  const std::string bad = "h - - [10/Oct/2000:13:55:36 -0700] \"GET /\" 200 12x \"-\" \"-\"";
  for (bool want : {false, true}) {
    std::vector<bool> wanted(f->schema().size(), want);
    auto parser = f->MakeParser(wanted);
    RowBatch batch(f->schema());
    std::string reason;
    EXPECT_EQ(parser->Parse(bad, batch, 0, &reason), LineResult::kReject) << want;
    EXPECT_EQ(reason, "field bytes: '12x' is not a BIGINT (64-bit integer)");
    EXPECT_EQ(parser->Parse(kCombinedLine, batch, 0, &reason), LineResult::kRow) << reason;
    EXPECT_EQ(parser->Parse("no match", batch, 0, &reason), LineResult::kReject);
  }
  // Only `request` wanted: it is set, and so is nothing else that matters.
  std::vector<bool> wanted(f->schema().size(), false);
  wanted[4] = true;
  auto parser = f->MakeParser(wanted);
  RowBatch batch(f->schema());
  std::string reason;
  ASSERT_EQ(parser->Parse(kCombinedLine, batch, 0, &reason), LineResult::kRow);
  EXPECT_EQ(batch.nulls(4)[0], 0);
  EXPECT_EQ(batch.strings(4)[0], "GET /apache_pb.gif HTTP/1.0");
}

TEST(Regex, SyslogWithYearlessTime) {
  auto f = Open({{"pattern", R"re((?P<time>\w{3} [ \d]\d \d\d:\d\d:\d\d) (?P<host>\S+) )re"
                             R"re((?P<program>[^\[:]+)(?:\[(?P<pid>\d+)\])?: (?P<message>.*))re"},
                 {"types", "time TIMESTAMP, pid INT"},
                 {"time_format", "%b %e %T"}});
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->time_column(), "time");
  auto r = ParseForTest(*f,
                        "Mar  1 09:05:02 web1 sshd[4242]: Accepted publickey for alice\n"
                        "Mar 12 23:59:59 web1 kernel: eth0: link up\n"
                        "Mar 12 23:59:59 web1 CRON[x]: bad pid\n");
  ASSERT_EQ(r.rows, 2u) << r.rendered;
  // No year in the format: 1970 (see docs/formats/regex.md).
  EXPECT_TRUE(Has(r,
                  "{\"time\":\"1970-03-01T09:05:02Z\",\"host\":\"web1\",\"program\":\"sshd\","
                  "\"pid\":4242,\"message\":\"Accepted publickey for alice\"}"))
      << r.rendered;
  // The optional pid group did not take part: NULL.
  EXPECT_TRUE(Has(r,
                  "{\"time\":\"1970-03-12T23:59:59Z\",\"host\":\"web1\",\"program\":\"kernel\","
                  "\"message\":\"eth0: link up\"}"))
      << r.rendered;
  EXPECT_EQ(r.rejects, 1u);
  EXPECT_TRUE(Has(r, "line does not match the pattern")) << r.rendered;
}

TEST(Regex, EveryType) {
  auto f =
      Open({{"pattern", R"re((?P<i>\S*) (?P<b>\S*) (?P<d>\S*) (?P<ok>\S*) (?P<t>\S*) (?P<s>.*))re"},
            {"types", "i INTEGER, b BIGINT, d DOUBLE, ok BOOLEAN, t TIMESTAMPTZ"},
            {"time_format", "epoch_ms"}});
  ASSERT_NE(f, nullptr);
  auto r = ParseForTest(*f,
                        "-12 9007199254740993 2.5e-3 yes 1709287200123 text\n"
                        "+7 -1 -0.5 F 0 \n"
                        "2147483648 1 1 true 0 x\n"
                        "1 1 1.5x true 0 x\n"
                        "1 1 1 maybe 0 x\n"
                        "1 1 1 true 12:00 x\n");
  EXPECT_EQ(r.rows, 2u) << r.rendered;
  // (Fractions checked by prefix: the rendering of trailing zeros is format_testing's.)
  EXPECT_TRUE(Has(r,
                  "{\"i\":-12,\"b\":9007199254740993,\"d\":0.0025,\"ok\":true,"
                  "\"t\":\"2024-03-01T10:00:00.123"))
      << r.rendered;
  EXPECT_TRUE(Has(r, "Z\",\"s\":\"text\"}\n")) << r.rendered;
  // An empty VARCHAR capture is '' (not NULL).
  EXPECT_TRUE(Has(r,
                  "{\"i\":7,\"b\":-1,\"d\":-0.5,\"ok\":false,\"t\":\"1970-01-01T00:00:00Z\","
                  "\"s\":\"\"}"))
      << r.rendered;
  EXPECT_TRUE(Has(r, "field i: '2147483648' is not an INTEGER (32-bit)")) << r.rendered;
  EXPECT_TRUE(Has(r, "field d: '1.5x' is not a DOUBLE")) << r.rendered;
  EXPECT_TRUE(Has(r, "field ok: 'maybe' is not a BOOLEAN")) << r.rendered;
  EXPECT_TRUE(Has(r, "field t: '12:00' is not a time in the format 'epoch_ms'")) << r.rendered;

  // Doubles are stored as their bits.
  std::vector<bool> wanted(f->schema().size(), true);
  auto parser = f->MakeParser(wanted);
  RowBatch batch(f->schema());
  std::string reason;
  ASSERT_EQ(parser->Parse("1 2 3.25 on 0 s", batch, 0, &reason), LineResult::kRow) << reason;
  EXPECT_EQ(std::bit_cast<double>(batch.ints(2)[0]), 3.25);
  EXPECT_EQ(batch.ints(3)[0], 1);
}

TEST(Regex, EmptyAndNullValues) {
  FormatOptions o = {{"pattern", R"re((?P<a>[^,]*),(?P<n>[^,]*),(?P<c>[^,]*)(?:,(?P<opt>.*))?)re"},
                     {"types", "n INTEGER"}};
  auto f = Open(o);
  ASSERT_NE(f, nullptr);
  // Default: '-' is NULL everywhere; an empty typed value is NULL; an empty VARCHAR is ''.
  auto r = ParseForTest(*f, "-,,x\n,-,-,\nq,5,r,z\n");
  ASSERT_EQ(r.rows, 3u) << r.rendered;
  EXPECT_EQ(r.rendered,
            "{\"c\":\"x\"}\n"
            "{\"a\":\"\",\"opt\":\"\"}\n"
            "{\"a\":\"q\",\"n\":5,\"c\":\"r\",\"opt\":\"z\"}\n");
  // null => '': empty values are NULL and '-' is text.
  o["nullstr"] = "";
  f = Open(o);
  ASSERT_NE(f, nullptr);
  r = ParseForTest(*f, "-,,x\n,1,-,\n");
  EXPECT_EQ(r.rendered, "{\"a\":\"-\",\"c\":\"x\"}\n{\"n\":1,\"c\":\"-\"}\n");
  // null => 'NULL'
  o["nullstr"] = "NULL";
  f = Open(o);
  ASSERT_NE(f, nullptr);
  r = ParseForTest(*f, "NULL,NULL,-\n");
  EXPECT_EQ(r.rendered, "{\"c\":\"-\"}\n");
}

TEST(Regex, UnnamedGroupsAreIgnoredAndNamedOnesKeepTheirOrder) {
  auto f = Open({{"pattern", R"re((\d+)-(?P<z>\w+)-(?:x|y)-(\w)-(?P<a>\w+))re"}});
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->schema().size(), 2u);
  EXPECT_EQ(f->schema()[0].name, "z");
  EXPECT_EQ(f->schema()[1].name, "a");
  EXPECT_TRUE(f->time_column().empty());
  auto r = ParseForTest(*f, "12-zed-y-q-ay\n");
  EXPECT_EQ(r.rendered, "{\"z\":\"zed\",\"a\":\"ay\"}\n");
}

TEST(Regex, PerColumnTimeFormats) {
  FormatOptions o = {{"pattern", R"re((?P<start>\S+) (?P<end>\S+) (?P<when>.+))re"},
                     {"types", "start TIMESTAMPTZ, end TIMESTAMPTZ, when TIMESTAMPTZ"},
                     {"time_format", "end=epoch_s; when=%Y/%m/%d %H:%M;iso8601"}};
  auto f = Open(o);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->time_column(), "start");
  auto r = ParseForTest(*f, "2024-03-01T00:00:00Z 1709251200.5 2024/03/01 12:30\n");
  ASSERT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_EQ(
      r.rendered.rfind("{\"start\":\"2024-03-01T00:00:00Z\",\"end\":\"2024-03-01T00:00:00.5", 0),
      0u)
      << r.rendered;
  EXPECT_TRUE(Has(r, "Z\",\"when\":\"2024-03-01T12:30:00Z\"}\n")) << r.rendered;
  o["time_column"] = "when";
  f = Open(o);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->time_column(), "when");
  // Without a default entry, unnamed TIMESTAMPTZ columns read iso8601.
  o["time_format"] = "end=epoch_s";
  f = Open(o);
  ASSERT_NE(f, nullptr);
  r = ParseForTest(*f, "2024-03-01 0 2024-03-02 01:02:03+01:00\n");
  EXPECT_EQ(r.rendered,
            "{\"start\":\"2024-03-01T00:00:00Z\",\"end\":\"1970-01-01T00:00:00Z\","
            "\"when\":\"2024-03-02T00:02:03Z\"}\n");
}

TEST(Regex, OptionErrors) {
  EXPECT_NE(OpenError({}).find("needs the option pattern"), std::string::npos);
  EXPECT_NE(OpenError({{"types", "a INT"}}).find("needs the option pattern"), std::string::npos);
  // RE2's own words.
  std::string e = OpenError({{"pattern", "(?P<a>x"}});
  EXPECT_NE(e.find("option pattern: invalid regular expression: missing ): (?P<a>x"),
            std::string::npos)
      << e;
  e = OpenError({{"pattern", "(?P<a>x)(?P<a>y)"}});
  EXPECT_NE(e.find("option pattern: group name 'a' is used twice"), std::string::npos) << e;
  e = OpenError({{"pattern", "(?P<Id>x)(?P<id>y)"}});
  EXPECT_NE(e.find("'Id' and 'id' differ only in case"), std::string::npos) << e;
  e = OpenError({{"pattern", R"re((\S+) (\d+))re"}});
  EXPECT_NE(e.find("has no named group"), std::string::npos) << e;
  e = OpenError({{"pattern", "(?P<a>x)(?P<b>y)"}, {"types", "c INTEGER"}});
  EXPECT_NE(e.find("option types: 'c' is not a named group of the pattern (groups: a, b)"),
            std::string::npos)
      << e;
  e = OpenError({{"pattern", "(?P<a>x)"}, {"types", "a NUMBER"}});
  EXPECT_NE(e.find("option types: unknown column type 'NUMBER'"), std::string::npos) << e;
  e = OpenError({{"pattern", "(?P<a>x)"}, {"types", "a"}});
  EXPECT_NE(e.find("option types: columns 'a': column 'a' has no type"), std::string::npos) << e;
  e = OpenError({{"pattern", "(?P<a>x)"}, {"time_format", "%d/%b/%Y"}});
  EXPECT_NE(e.find("option time_format: no column is TIMESTAMPTZ"), std::string::npos) << e;
  e = OpenError({{"pattern", "(?P<a>x)"}, {"types", "a TIMESTAMPTZ"}, {"time_format", "%Q"}});
  EXPECT_NE(e.find("option time_format (column a): time format '%Q': unsupported directive"),
            std::string::npos)
      << e;
  e = OpenError(
      {{"pattern", "(?P<a>x)(?P<b>y)"}, {"types", "a TIMESTAMPTZ"}, {"time_format", "b=epoch_s"}});
  EXPECT_NE(e.find("column 'b' is VARCHAR, not TIMESTAMPTZ"), std::string::npos) << e;
  e = OpenError(
      {{"pattern", "(?P<a>x)"}, {"types", "a TIMESTAMPTZ"}, {"time_format", "c=epoch_s"}});
  EXPECT_NE(e.find("option time_format: 'c' is not a column (TIMESTAMPTZ columns: a)"),
            std::string::npos)
      << e;
  e = OpenError({{"pattern", "(?P<a>x)"},
                 {"types", "a TIMESTAMPTZ"},
                 {"time_format", "a=epoch_s;epoch_ms;iso8601"}});
  EXPECT_NE(e.find("more than one entry without a column name"), std::string::npos) << e;
  e = OpenError({{"pattern", "(?P<a>x)(?P<b>y)"}, {"time_column", "b"}});
  EXPECT_NE(e.find("option time_column: column 'b' is VARCHAR, not TIMESTAMPTZ"), std::string::npos)
      << e;
  e = OpenError({{"pattern", "(?P<a>x)"}, {"time_column", "zz"}});
  EXPECT_NE(e.find("option time_column: 'zz' is not a named group"), std::string::npos) << e;
  // Unknown option names get OpenFormat's did-you-mean.
  e = OpenError({{"pattern", "(?P<a>x)"}, {"type", "a INT"}});
  EXPECT_NE(e.find("format regex has no option 'type'; did you mean 'types'?"), std::string::npos)
      << e;
}

TEST(Regex, DetectionSkipsIt) {
  // Without a pattern, Configure fails, so `silt detect` never proposes regex.
  auto r = FindFormat("regex")->Configure({}, std::string(kCombinedLine) + "\n");
  EXPECT_FALSE(r.ok());
}

TEST(Regex, RejectsNulAndInvalidUtf8AndLongValuesAreShortened) {
  auto f = Open({{"pattern", R"re((?P<k>\w+)=(?P<v>.*))re"}, {"types", "v INTEGER"}});
  ASSERT_NE(f, nullptr);
  std::string input =
      std::string("k=1\0\n", 5) + "k=\xff\xfe\n" + "k=" + std::string(200, '9') + "\n" + "k=12\n";
  auto r = ParseForTest(*f, input);
  EXPECT_EQ(r.rows, 1u) << r.rendered;
  EXPECT_EQ(r.rejects, 3u) << r.rendered;
  EXPECT_TRUE(Has(r, "line contains a NUL byte")) << r.rendered;
  EXPECT_TRUE(Has(r, "line is not valid UTF-8 (byte 2 of the line)")) << r.rendered;
  EXPECT_TRUE(Has(r, "field v: '" + std::string(80, '9') + "...' is not an INTEGER")) << r.rendered;
  // UTF-8 text matches as characters.
  auto g = Open({{"pattern", R"re((?P<w>.{3}) (?P<rest>.*))re"}});
  ASSERT_NE(g, nullptr);
  r = ParseForTest(*g, "héé x\n");
  EXPECT_EQ(r.rendered, "{\"w\":\"héé\",\"rest\":\"x\"}\n");
}

TEST(Regex, ChunkedEqualsWhole) {
  auto f = Open(CombinedOptions());
  ASSERT_NE(f, nullptr);
  std::string input;
  for (int i = 0; i < 50; ++i) {
    input += kCombinedLine;
    input += i % 7 == 0 ? " junk\n" : "\n";
  }
  auto whole = ParseForTest(*f, input);
  EXPECT_EQ(whole.rows + whole.rejects, 50u);
  for (size_t chunk : {1u, 17u, 300u}) {
    EXPECT_EQ(ParseForTest(*f, input, chunk).rendered, whole.rendered) << chunk;
  }
}

}  // namespace
}  // namespace silt::formats
