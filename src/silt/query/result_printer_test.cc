#include "silt/query/result_printer.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "silt/common/interrupt.h"

namespace silt::query {
namespace {

class PrintResultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    interrupt::Reset();
    auto db = Database::Open();
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }
  void TearDown() override { interrupt::Reset(); }

  // What PrintResult writes for `sql` with `options`, and its status.
  std::string Print(const std::string& sql, const PrintOptions& options, Status* status = nullptr) {
    auto result = db_->Query(sql);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok()) return {};
    FILE* f = std::tmpfile();
    Status st = PrintResult(*result, options, f);
    if (status != nullptr) {
      *status = st;
    } else {
      EXPECT_TRUE(st.ok()) << st.ToString();
    }
    std::string out(static_cast<size_t>(std::ftell(f)), '\0');
    std::rewind(f);
    out.resize(std::fread(out.data(), 1, out.size(), f));
    std::fclose(f);
    return out;
  }

  std::string PrintAs(OutputFormat format, const std::string& sql) {
    PrintOptions o;
    o.format = format;
    return Print(sql, o);
  }

  std::unique_ptr<Database> db_;
};

TEST_F(PrintResultTest, TableAlignsColumnsAndCountsRows) {
  const std::string out = Print(
      "SELECT * FROM (VALUES (1, 'get'), (250, NULL), (7, 'put object')) t(status, op)", {});
  EXPECT_EQ(out,
            " status │ op         \n"
            "────────┼────────────\n"
            "      1 │ get        \n"
            "    250 │ NULL       \n"
            "      7 │ put object \n"
            "(3 rows)\n");
}

TEST_F(PrintResultTest, TableShowsTheFirstRowsAndSaysHowManyThereAre) {
  PrintOptions o;
  o.max_rows = 2;
  const std::string out = Print("SELECT range AS n FROM range(5)", o);
  EXPECT_NE(out.find("\n 0 \n 1 \n"), std::string::npos) << out;
  EXPECT_EQ(out.find(" 2 \n"), std::string::npos) << out;
  EXPECT_NE(out.find("(5 rows, first 2 shown; use --max-rows or --format csv for all)"),
            std::string::npos)
      << out;
}

TEST_F(PrintResultTest, TableCutsLongValuesAndFlattensLineBreaks) {
  PrintOptions o;
  o.max_width = 8;
  const std::string out = Print("SELECT 'line one' || chr(10) || 'line two' AS v", o);
  EXPECT_EQ(out.find('\t'), std::string::npos);
  EXPECT_NE(out.find("line on…"), std::string::npos) << out;
  EXPECT_EQ(out.find("line two"), std::string::npos) << out;
}

TEST_F(PrintResultTest, CsvQuotesWhatNeedsItAndTellsEmptyFromNull) {
  EXPECT_EQ(PrintAs(OutputFormat::kCsv,
                    "SELECT * FROM (VALUES ('a,b', ''), ('say \"hi\"', NULL)) t(\"key, raw\", v)"),
            "\"key, raw\",v\n"
            "\"a,b\",\"\"\n"
            "\"say \"\"hi\"\"\",\n");
}

TEST_F(PrintResultTest, JsonWritesNumbersAsNumbersAndSpellsOutNaN) {
  EXPECT_EQ(PrintAs(OutputFormat::kJson, "SELECT * FROM (VALUES (1, 'nan'::DOUBLE, 'x\"y'), "
                                         "(2, 'inf'::DOUBLE, NULL)) t(n, d, s)"),
            "{\"n\":1,\"d\":\"NaN\",\"s\":\"x\\\"y\"}\n"
            "{\"n\":2,\"d\":\"Infinity\",\"s\":null}\n");
}

// Ctrl-C while a large table is being laid out (all its widths are measured before the first
// line is printed) stops it there, at once, with nothing printed.
TEST_F(PrintResultTest, InterruptedTableStopsWithoutOutput) {
  auto result = db_->Query("SELECT range AS n, 'value ' || range AS v FROM range(3000000)");
  ASSERT_TRUE(result.ok());
  PrintOptions o;
  o.max_rows = 3000000;
  interrupt::RequestForTest(SIGINT);
  FILE* f = std::tmpfile();
  const auto t0 = std::chrono::steady_clock::now();
  Status st = PrintResult(*result, o, f);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const long written = std::ftell(f);
  std::fclose(f);
  EXPECT_EQ(st.code(), StatusCode::kCancelled) << st.ToString();
  EXPECT_EQ(written, 0);
  // Laying out the 3,000,000 rows takes seconds; stopping takes the first 4,096 at most.
  EXPECT_LT(seconds, 0.25);
}

}  // namespace
}  // namespace silt::query
