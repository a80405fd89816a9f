#include "silt/formats/csv.h"

#include <gtest/gtest.h>

#include "silt/formats/detect.h"
#include "silt/formats/format_testing.h"

namespace silt::formats {
namespace {

// Configures csv from `input` itself (as read_log does from a sample of the first object).
std::shared_ptr<const Format> Open(std::string_view input, const FormatOptions& options = {}) {
  auto f = OpenFormat("csv", options, input);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? *f : nullptr;
}

std::string OpenError(std::string_view input, const FormatOptions& options = {}) {
  auto f = OpenFormat("csv", options, input);
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

TEST(Csv, InfersTypesFromHeaderAndSample) {
  const std::string in =
      "Event Time,userID,Action,Bytes,Ratio,OK,Zip\n"
      "2024-03-01T10:00:00Z,17,login,3000000000,0.5,true,01234\n"
      "2024-03-01 10:00:05+01:00,18,\"logout, then in\",12,1,FALSE,99999\n";
  auto f = Open(in);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f),
            "event_time TIMESTAMPTZ, user_id BIGINT, action VARCHAR, bytes BIGINT, ratio DOUBLE, "
            "ok BOOLEAN, zip VARCHAR");
  EXPECT_EQ(f->time_column(), "event_time");
  EXPECT_EQ(Parse(*f, in),
            "{\"event_time\":\"2024-03-01T10:00:00Z\",\"user_id\":17,\"action\":\"login\","
            "\"bytes\":3000000000,\"ratio\":0.5,\"ok\":true,\"zip\":\"01234\"}\n"
            "{\"event_time\":\"2024-03-01T09:00:05Z\",\"user_id\":18,\"action\":\"logout, then "
            "in\",\"bytes\":12,\"ratio\":1,\"ok\":false,\"zip\":\"99999\"}\n");
}

TEST(Csv, ColumnNames) {
  EXPECT_EQ(CsvColumnName("Event Time"), "event_time");
  EXPECT_EQ(CsvColumnName("userID"), "user_id");
  EXPECT_EQ(CsvColumnName("HTTPStatus"), "http_status");
  EXPECT_EQ(CsvColumnName("ipv4Address"), "ipv4_address");
  EXPECT_EQ(CsvColumnName("  Bytes (sent)  "), "bytes_sent");
  EXPECT_EQ(CsvColumnName("2FA"), "_2fa");
  EXPECT_EQ(CsvColumnName("%"), "");
  EXPECT_EQ(CsvColumnName("already_snake"), "already_snake");
  auto f = Open("a,A,,%,a\n1,2,3,4,5\n");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "a BIGINT, a_2 BIGINT, col3 BIGINT, col4 BIGINT, a_3 BIGINT");
}

TEST(Csv, QuotingRfc4180) {
  const std::string in =
      "id,text,n\n"
      "1,\"say \"\"hi\"\"\",2\n"
      "2,\"a,b\",3\n"
      "3,\"\",4\n"
      "4,,5\n"
      "5, \"padded\" ,6\n"
      "6,in\"side,7\n";
  auto f = Open(in);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Parse(*f, in),
            "{\"id\":1,\"text\":\"say \\\"hi\\\"\",\"n\":2}\n"
            "{\"id\":2,\"text\":\"a,b\",\"n\":3}\n"
            "{\"id\":3,\"text\":\"\",\"n\":4}\n"
            "{\"id\":4,\"n\":5}\n"
            "{\"id\":5,\"text\":\"padded\",\"n\":6}\n"
            "{\"id\":6,\"text\":\"in\\\"side\",\"n\":7}\n");
}

TEST(Csv, MultiLineRecordsAreRejectedBothParts) {
  const std::string in =
      "id,text,n\n"
      "1,\"first part\n"
      "second part\",2\n"
      "3,ok,4\n"
      "5,ok,6\n"
      "7,ok,8\n";
  auto f = Open(in);
  ASSERT_NE(f, nullptr);
  ParsedText r = ParseForTest(*f, in);
  EXPECT_EQ(r.rows, 3u);
  EXPECT_EQ(r.rejects, 2u);
  EXPECT_NE(r.rendered.find("\"line\":2,\"offset\":10,\"reason\":\"field 2 (text): quoted field "
                            "runs past the end of the line; multi-line records are not supported"),
            std::string::npos)
      << r.rendered;
  EXPECT_NE(r.rendered.find("\"line\":3,\"offset\":24,\"reason\":\"line continues a quoted field "
                            "of the line before it"),
            std::string::npos)
      << r.rendered;
  EXPECT_NE(r.rendered.find("{\"id\":3,\"text\":\"ok\",\"n\":4}"), std::string::npos);
}

TEST(Csv, RejectsNameFieldsAndValues) {
  const std::string in =
      "id,when,n\n"
      "1,2024-01-01T00:00:00Z,5\n"
      "2,2024-01-01T00:00:00Z\n"
      "3,2024-01-01T00:00:00Z,5,6\n"
      "x,2024-01-01T00:00:00Z,5\n"
      "4,yesterday,5\n"
      "5,2024-01-01T00:00:00Z,\"7\"junk\n"
      "6,2024-01-01T00:00:00Z,99999999999\n"
      "7,2024-01-01T00:00:00Z,99999999999999999999\n";
  auto f = Open(in.substr(0, in.find("2,")));  // types from the first row only
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "id BIGINT, when TIMESTAMPTZ, n BIGINT");
  ParsedText r = ParseForTest(*f, in);
  EXPECT_EQ(r.rows, 2u);  // 99999999999 fits BIGINT: integers are never inferred as INTEGER
  EXPECT_EQ(r.rejects, 6u);
  for (const char* reason : {
           "line has 2 fields; the header has 3",
           "line has 4 fields; the header has 3",
           "column id: 'x' is not a BIGINT",
           "column when: 'yesterday' is not a time (time_format auto)",
           "field 3 (n): unexpected text after the closing quote",
           "column n: '99999999999999999999' is not a BIGINT",
       }) {
    EXPECT_NE(r.rendered.find(reason), std::string::npos) << reason << "\n" << r.rendered;
  }
}

TEST(Csv, ValidationDoesNotDependOnWantedColumns) {
  const std::string in = "a,b\n1,x\nnope,y\n2,z\n";
  auto f = Open("a,b\n1,x\n");
  ASSERT_NE(f, nullptr);
  std::vector<bool> wanted = {false, true};
  auto parser = f->MakeParser(wanted);
  parser->BeginObject();
  RowBatch batch(f->schema());
  std::string reason;
  EXPECT_EQ(parser->Parse("a,b", batch, 0, &reason), LineResult::kSkip);
  EXPECT_EQ(parser->Parse("1,x", batch, 0, &reason), LineResult::kRow);
  EXPECT_EQ(batch.strings(1)[0], "x");
  EXPECT_EQ(parser->Parse("nope,y", batch, 0, &reason), LineResult::kReject);
  EXPECT_EQ(reason, "column a: 'nope' is not a BIGINT");
}

TEST(Csv, NullsAndEmptyFields) {
  const std::string in = "a,b,c\n1,x,2024-01-01\nNA,NA,\n,\"NA\",NA\n";
  auto f = Open(in, {{"nullstr", "NA"}});
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "a BIGINT, b VARCHAR, c TIMESTAMPTZ");
  EXPECT_EQ(Parse(*f, in),
            "{\"a\":1,\"b\":\"x\",\"c\":\"2024-01-01T00:00:00Z\"}\n"
            "{}\n"
            "{\"b\":\"NA\"}\n");
}

TEST(Csv, DelimiterTabAndSemicolon) {
  const std::string tsv = "a\tb\n1\thello, world\n";
  for (const char* d : {"\\t", "tab", "\t"}) {
    auto f = Open(tsv, {{"delimiter", d}});
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(Parse(*f, tsv), "{\"a\":1,\"b\":\"hello, world\"}\n");
  }
  const std::string semi = "a;b\n1,5;x\n";
  auto f = Open(semi, {{"delimiter", ";"}});
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "a VARCHAR, b VARCHAR");  // a decimal comma is not a number
  // Without the option: a hint.
  EXPECT_NE(OpenError(tsv).find("with delimiter=\\t it has 2 fields"), std::string::npos)
      << OpenError(tsv);
  EXPECT_NE(OpenError("a,b\n1,2\n", {{"delimiter", ";;"}}).find("must be one character"),
            std::string::npos);
}

TEST(Csv, BackslashEscape) {
  const std::string in = "a,b\n1,\"say \\\"hi\\\" \\\\ done\"\n";
  auto f = Open(in, {{"escape", "\\"}});
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Parse(*f, in), "{\"a\":1,\"b\":\"say \\\"hi\\\" \\\\ done\"}\n");
}

TEST(Csv, NoQuoting) {
  const std::string in = "a,b\n1,\"x\n";
  auto f = Open(in, {{"quote", ""}});
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Parse(*f, in), "{\"a\":1,\"b\":\"\\\"x\"}\n");
}

TEST(Csv, HeaderFalseNamesColumns) {
  const std::string in = "1,x,2024-01-01T00:00:00Z\n2,y,2024-01-02T00:00:00Z\n";
  auto f = Open(in, {{"header", "false"}});
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "col1 BIGINT, col2 VARCHAR, col3 TIMESTAMPTZ");
  EXPECT_TRUE(f->splittable());
  EXPECT_EQ(Parse(*f, in),
            "{\"col1\":1,\"col2\":\"x\",\"col3\":\"2024-01-01T00:00:00Z\"}\n"
            "{\"col1\":2,\"col2\":\"y\",\"col3\":\"2024-01-02T00:00:00Z\"}\n");
  auto parser = f->MakeParser(std::vector<bool>(3, true));
  EXPECT_EQ(parser->Preamble(), "");
}

TEST(Csv, DeclaredColumns) {
  const std::string in = "Time,User,Count\n2024-03-01T00:00:00Z,ann,7\n1709251200,bob,\n";
  auto f = Open(in, {{"columns", "ts TIMESTAMPTZ, user VARCHAR, n BIGINT"}});
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "ts TIMESTAMPTZ, user VARCHAR, n BIGINT");
  EXPECT_EQ(f->time_column(), "ts");
  EXPECT_FALSE(f->splittable());
  EXPECT_EQ(Parse(*f, in),
            "{\"ts\":\"2024-03-01T00:00:00Z\",\"user\":\"ann\",\"n\":7}\n"
            "{\"ts\":\"2024-03-01T00:00:00Z\",\"user\":\"bob\"}\n");
  EXPECT_NE(OpenError(in, {{"columns", "ts TIMESTAMPTZ, user VARCHAR"}})
                .find("declares 2 columns but the header (line 1 of the sample) has 3 fields"),
            std::string::npos);
  EXPECT_NE(OpenError(in, {{"columns", "a.b VARCHAR, c INT, d INT"}}).find("cannot contain '.'"),
            std::string::npos);
  EXPECT_NE(OpenError(in, {{"columns", "ts TIMESTAMPTZ, user VARCHAR, n BIGINT"},
                           {"time_column", "n"}})
                .find("declared BIGINT; declare it TIMESTAMPTZ"),
            std::string::npos);
}

TEST(Csv, TimeColumnAndFormat) {
  const std::string epochs = "id,at\n1,1709251200\n2,1709251260\n";
  auto plain = Open(epochs);
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(Columns(*plain), "id BIGINT, at BIGINT");
  EXPECT_EQ(plain->time_column(), "");
  auto f = Open(epochs, {{"time_column", "at"}});
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "id BIGINT, at TIMESTAMPTZ");
  EXPECT_EQ(f->time_column(), "at");
  EXPECT_EQ(Parse(*f, epochs),
            "{\"id\":1,\"at\":\"2024-03-01T00:00:00Z\"}\n{\"id\":2,\"at\":\"2024-03-01T00:01:00Z\"}\n");
  const std::string pattern = "When,What\n01/03/2024 10:00,a\n02/03/2024 11:30,b\n";
  auto p = Open(pattern, {{"time_format", "%d/%m/%Y %H:%M"}});
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(Columns(*p), "when TIMESTAMPTZ, what VARCHAR");
  EXPECT_EQ(p->time_column(), "when");
  EXPECT_EQ(Parse(*p, pattern),
            "{\"when\":\"2024-03-01T10:00:00Z\",\"what\":\"a\"}\n"
            "{\"when\":\"2024-03-02T11:30:00Z\",\"what\":\"b\"}\n");
  // The time column may be named as in the header.
  auto h = Open(pattern, {{"time_format", "%d/%m/%Y %H:%M"}, {"time_column", "When"}});
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->time_column(), "when");
  // Empty: none.
  auto none = Open(pattern, {{"time_format", "%d/%m/%Y %H:%M"}, {"time_column", ""}});
  ASSERT_NE(none, nullptr);
  EXPECT_EQ(none->time_column(), "");
  EXPECT_NE(OpenError(epochs, {{"time_column", "id2"}}).find("is not a column (columns: id, at)"),
            std::string::npos);
  EXPECT_NE(OpenError("id,at\n1,soon\n", {{"time_column", "at"}})
                .find("sample value 'soon' (line 2) is not a time with time_format auto"),
            std::string::npos);
  EXPECT_NE(OpenError(epochs, {{"time_format", "%Q"}}).find("time_format"), std::string::npos);
}

TEST(Csv, MixedValuesFallBackToVarchar) {
  const std::string in =
      "a,b,c,d\n"
      "1,1.5,true,2024-01-01\n"
      "x,2,false,later\n"
      "3,,TRUE,\n";
  auto f = Open(in);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "a VARCHAR, b DOUBLE, c BOOLEAN, d VARCHAR");
  EXPECT_EQ(f->time_column(), "");
  auto big = Open("id\n12345678901234567890123\n", {{"delimiter", ","}});
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(Columns(*big), "id VARCHAR");  // too long for BIGINT: not made a lossy DOUBLE
  auto empty = Open("a,b\n");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(Columns(*empty), "a VARCHAR, b VARCHAR");
}

TEST(Csv, EveryObjectHasItsHeader) {
  const std::string a = "id,name,note\n1,x,n\n";
  auto f = Open(a);
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(f->splittable());  // read whole, from the header
  auto parser = f->MakeParser(std::vector<bool>(3, true));
  RowBatch batch(f->schema());
  std::string reason;
  parser->BeginObject();
  EXPECT_EQ(parser->Parse("id,name,note", batch, 0, &reason), LineResult::kSkip);
  EXPECT_EQ(parser->Preamble(), "id,name,note");
  EXPECT_EQ(parser->Parse("1,x,n", batch, 0, &reason), LineResult::kRow);
  // The next object: the columns in another order, and one more.
  parser->BeginObject();
  EXPECT_EQ(parser->Preamble(), "");
  EXPECT_EQ(parser->Parse("\xEF\xBB\xBFName,Extra,Note,ID\r", batch, 0, &reason), LineResult::kSkip);
  EXPECT_EQ(parser->Preamble(), "Name,Extra,Note,ID");
  ASSERT_EQ(parser->Parse("y,zz,m,2\r", batch, 1, &reason), LineResult::kRow) << reason;
  EXPECT_EQ(batch.ints(0)[1], 2);
  EXPECT_EQ(batch.strings(1)[1], "y");
  EXPECT_EQ(batch.strings(2)[1], "m");
  EXPECT_EQ(parser->Parse("y,2", batch, 1, &reason), LineResult::kReject);
  EXPECT_EQ(reason, "line has 2 fields; the header has 4");
  // An object lacking a column: NULL.
  parser->BeginObject();
  EXPECT_EQ(parser->Parse("name,id", batch, 0, &reason), LineResult::kSkip);
  ASSERT_EQ(parser->Parse("z,3", batch, 2, &reason), LineResult::kRow) << reason;
  EXPECT_EQ(batch.ints(0)[2], 3);
  EXPECT_EQ(batch.strings(1)[2], "z");
  EXPECT_EQ(batch.nulls(2)[2], 1);
  // A header of other names: by position.
  parser->BeginObject();
  EXPECT_EQ(parser->Parse("k,v,w", batch, 0, &reason), LineResult::kSkip);
  ASSERT_EQ(parser->Parse("4,w,u", batch, 3, &reason), LineResult::kRow) << reason;
  EXPECT_EQ(batch.ints(0)[3], 4);
  EXPECT_EQ(parser->Parse("4,w", batch, 3, &reason), LineResult::kReject);
  EXPECT_EQ(reason, "line has 2 fields; the header has 3");
  parser->BeginObject();
  EXPECT_EQ(parser->Parse("k,v", batch, 0, &reason), LineResult::kSkip);
  EXPECT_EQ(parser->Parse("4,w", batch, 3, &reason), LineResult::kReject);
  EXPECT_EQ(reason,
            "line has 2 fields; 3 expected (the columns; this object's header has 2 and does not "
            "name them)");
  // Header lines in the middle (a spill file holding lines of several objects).
  EXPECT_EQ(parser->Parse("id,name,note", batch, 0, &reason), LineResult::kSkip);
  EXPECT_EQ(parser->Parse("note,name,id", batch, 0, &reason), LineResult::kSkip);
  ASSERT_EQ(parser->Parse("r,q,5", batch, 4, &reason), LineResult::kRow) << reason;
  EXPECT_EQ(batch.ints(0)[4], 5);
  EXPECT_EQ(batch.strings(1)[4], "q");
  EXPECT_EQ(batch.strings(2)[4], "r");
  EXPECT_EQ(parser->Parse("id,name,note", batch, 0, &reason), LineResult::kSkip);
  ASSERT_EQ(parser->Parse("6,s,t", batch, 5, &reason), LineResult::kRow) << reason;
  EXPECT_EQ(batch.ints(0)[5], 6);
}

TEST(Csv, CrLfBomAndBadBytes) {
  const std::string in("\xEF\xBB\xBFid,txt\r\n1,caf\xC3\xA9\r\n2,\xFF\r\n3,a\0b\r\n", 32);
  auto f = Open(in.substr(0, in.find("2,")));
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(Columns(*f), "id BIGINT, txt VARCHAR");
  ParsedText r = ParseForTest(*f, in);
  EXPECT_EQ(r.rows, 1u);
  EXPECT_EQ(r.rejects, 2u);
  EXPECT_NE(r.rendered.find("{\"id\":1,\"txt\":\"caf\xC3\xA9\"}"), std::string::npos);
  EXPECT_NE(r.rendered.find("line is not valid UTF-8 (byte 2 of the line)"), std::string::npos);
  EXPECT_NE(r.rendered.find("line contains a NUL byte"), std::string::npos);
}

TEST(Csv, RefusesSamplesThatAreNotCsv) {
  const std::string s3 =
      "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 "
      "[06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d"
      "5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - \"GET /awsexamplebucket1?versioning "
      "HTTP/1.1\" 200 - 113 - 7 - \"-\" \"S3Console/0.4\" -\n";
  EXPECT_NE(OpenError(s3 + s3).find("the first line has one field"), std::string::npos);
  const std::string ua =
      "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 2326 \"-\" \"Mozilla/5.0 "
      "(KHTML, like Gecko)\"\n";
  EXPECT_NE(OpenError(ua + ua).find("does not look like a csv header"), std::string::npos)
      << OpenError(ua + ua);
  EXPECT_NE(OpenError("{\"a\":1,\"b\":2}\n{\"a\":3,\"b\":4}\n").find("header"), std::string::npos);
  EXPECT_NE(OpenError("a,b\n1\n2\n3,4\n").find("only 1 of 3 sample lines have the 2 fields"),
            std::string::npos);
  EXPECT_NE(OpenError("1,2\n3,4\n").find("numbers, not column names"), std::string::npos);
  EXPECT_NE(OpenError("").find("empty sample"), std::string::npos);
  // Detection picks csv for csv.
  auto d = DetectFormats("id,name,at\n1,a,2024-01-01T00:00:00Z\n2,b,2024-01-01T00:00:01Z\n");
  ASSERT_FALSE(d.empty());
  EXPECT_EQ(d[0].format->name(), "csv");
  EXPECT_EQ(d[0].confidence, 1.0);
}

TEST(Csv, Options) {
  const Format* f = FindFormat("csv");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->schema().empty());
  std::vector<std::string> names;
  for (const auto& o : f->options()) {
    names.push_back(o.name);
    EXPECT_FALSE(o.doc.empty());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"delimiter", "quote", "escape", "header", "columns",
                                             "nullstr", "time_column", "time_format"}));
  auto bad = OpenFormat("csv", {{"delimeter", ";"}}, "a;b\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("did you mean 'delimiter'?"), std::string::npos);
  EXPECT_NE(OpenError("a,b\n", {{"header", "maybe"}}).find("expected true or false"),
            std::string::npos);
  EXPECT_NE(OpenError("a,b\n", {{"quote", ","}}).find("must differ"), std::string::npos);
  // The unconfigured instance rejects rather than crashes.
  ParsedText r = ParseForTest(*f, "a,b\n1,2\n");
  EXPECT_EQ(r.rejects, 2u);
}

}  // namespace
}  // namespace silt::formats
