#include "silt/formats/schema.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace silt::formats {

Result<ColumnType> ParseColumnType(std::string_view name) {
  std::string t(name);
  std::transform(t.begin(), t.end(), t.begin(), ::toupper);
  if (t == "VARCHAR" || t == "TEXT" || t == "STRING") return ColumnType::kVarchar;
  if (t == "INTEGER" || t == "INT" || t == "INT32") return ColumnType::kInt32;
  if (t == "BIGINT" || t == "INT64" || t == "LONG") return ColumnType::kInt64;
  if (t == "DOUBLE" || t == "FLOAT" || t == "REAL") return ColumnType::kDouble;
  if (t == "BOOLEAN" || t == "BOOL") return ColumnType::kBoolean;
  if (t == "TIMESTAMPTZ" || t == "TIMESTAMP") return ColumnType::kTimestampTz;
  return Status::InvalidArgument(fmt::format(
      "unknown column type '{}' (VARCHAR, INTEGER, BIGINT, DOUBLE, BOOLEAN, TIMESTAMPTZ)", name));
}

Result<Schema> ParseColumnDecls(std::string_view text) {
  Schema out;
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  };
  while (true) {
    skip_ws();
    if (i >= text.size()) break;
    size_t start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) ||
                               text[i] == '_' || text[i] == '.')) {
      ++i;
    }
    std::string name(text.substr(start, i - start));
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) || name[0] == '.') {
      return Status::InvalidArgument(
          fmt::format("columns '{}': expected a column name at position {}", text, start));
    }
    skip_ws();
    start = i;
    while (i < text.size() && std::isalnum(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) {
      return Status::InvalidArgument(
          fmt::format("columns '{}': column '{}' has no type", text, name));
    }
    SILT_ASSIGN_OR_RETURN(ColumnType type, ParseColumnType(text.substr(start, i - start)));
    if (FindColumn(out, name) >= 0) {
      return Status::InvalidArgument(fmt::format("columns '{}': '{}' appears twice", text, name));
    }
    out.push_back({name, type, ""});
    skip_ws();
    if (i < text.size()) {
      if (text[i] != ',') {
        return Status::InvalidArgument(
            fmt::format("columns '{}': expected ',' at position {}", text, i));
      }
      ++i;
    }
  }
  if (out.empty()) return Status::InvalidArgument("columns: no column declared");
  return out;
}

}  // namespace silt::formats
