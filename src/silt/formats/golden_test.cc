// Data-driven golden tests: every golden/<format>/<case>.log is parsed with <format> and the
// rendered rows and rejects must equal golden/<format>/<case>.expected line for line.
// SILT_UPDATE_GOLDEN=1 rewrites the .expected files (review the diff before committing).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "silt/formats/format_testing.h"

namespace silt::formats {
namespace {

namespace fs = std::filesystem;

fs::path GoldenRoot() {
  const char* src = std::getenv("SILT_SOURCE_DIR");
  fs::path root = src != nullptr ? fs::path(src) : fs::current_path();
  return root / "src" / "silt" / "formats" / "golden";
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct GoldenCase {
  std::string format;
  fs::path input;
};

std::vector<GoldenCase> Discover() {
  std::vector<GoldenCase> cases;
  std::error_code ec;
  for (const auto& dir : fs::directory_iterator(GoldenRoot(), ec)) {
    if (!dir.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(dir.path())) {
      if (f.path().extension() == ".log") {
        cases.push_back({dir.path().filename().string(), f.path()});
      }
    }
  }
  std::sort(cases.begin(), cases.end(),
            [](const GoldenCase& a, const GoldenCase& b) { return a.input < b.input; });
  return cases;
}

void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.input.string(); }

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, MatchesExpected) {
  const GoldenCase& c = GetParam();
  const Format* format = FindFormat(c.format);
  ASSERT_NE(format, nullptr) << "golden folder names an unknown format: " << c.format;
  const std::string input = ReadFile(c.input);
  // Configurable formats (csv, jsonl) read with their default options, configured from the
  // case itself as from a sample (fixed formats configure to themselves).
  auto configured = format->Configure({}, input);
  ASSERT_TRUE(configured.ok()) << c.input << ": " << configured.status().ToString();
  format = configured->get();
  ParsedText whole = ParseForTest(*format, input);
  fs::path expected_path = c.input;
  expected_path.replace_extension(".expected");
  if (std::getenv("SILT_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expected_path, std::ios::binary) << whole.rendered;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << expected_path << " is missing";
  EXPECT_EQ(whole.rendered, ReadFile(expected_path)) << "golden mismatch for " << c.input;
  // Chunked parsing equals whole-buffer parsing; every line is a row, a reject or skipped.
  ParsedText chunked = ParseForTest(*format, input, 97);
  EXPECT_EQ(chunked.rendered, whole.rendered);
  uint64_t lines = static_cast<uint64_t>(std::count(input.begin(), input.end(), '\n')) +
                   (!input.empty() && input.back() != '\n' ? 1 : 0);
  EXPECT_EQ(whole.rows + whole.rejects + whole.skipped, lines);
}

std::string CaseName(const ::testing::TestParamInfo<GoldenCase>& info) {
  std::string n = info.param.format + "_" + info.param.input.stem().string();
  for (char& ch : n) {
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Formats, Golden, ::testing::ValuesIn(Discover()), CaseName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Golden);

}  // namespace
}  // namespace silt::formats
