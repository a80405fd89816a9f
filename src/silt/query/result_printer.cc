#include "silt/query/result_printer.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "silt/common/interrupt.h"
#include "silt/common/strings.h"

namespace silt::query {

Result<OutputFormat> ParseOutputFormat(const std::string& name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "csv") return OutputFormat::kCsv;
  if (name == "json" || name == "jsonl") return OutputFormat::kJson;
  return Status::InvalidArgument(fmt::format("unknown output format '{}' (table, csv, json, parquet)", name));
}

namespace {

bool IsNumeric(duckdb_type t) {
  switch (t) {
    case DUCKDB_TYPE_TINYINT: case DUCKDB_TYPE_SMALLINT: case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT: case DUCKDB_TYPE_UTINYINT: case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER: case DUCKDB_TYPE_UBIGINT: case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT: case DUCKDB_TYPE_FLOAT: case DUCKDB_TYPE_DOUBLE:
    case DUCKDB_TYPE_DECIMAL:
      return true;
    default:
      return false;
  }
}

bool IsJsonLiteral(duckdb_type t) { return IsNumeric(t) || t == DUCKDB_TYPE_BOOLEAN; }

// Display width in code points (UTF-8 continuation bytes do not count).
size_t Width(std::string_view s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

std::string Cut(const std::string& s, size_t max) {
  if (Width(s) <= max) return s;
  std::string out;
  size_t w = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) {
      if (w == max - 1) break;
      ++w;
    }
    out += s[i];
  }
  return out + "…";
}

// A CSV field: quoted when it holds a separator, a quote or a line break, and an empty string
// as "" so that it differs from NULL (an empty field), as DuckDB's and PostgreSQL's CSV do.
std::string CsvField(const std::string& s) {
  if (s.empty()) return "\"\"";
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

Status PrintResult(QueryResult& result, const PrintOptions& options, FILE* out,
                   const std::vector<duckdb_type>* types) {
  const size_t cols = result.column_count();
  auto type_of = [&](size_t c) {
    return types != nullptr && c < types->size() ? (*types)[c] : result.column_type(c);
  };
  const uint64_t rows = result.row_count();
  std::string buf;
  auto flush = [&]() -> Status {
    if (interrupt::Stopping()) return interrupt::AsStatus();  // every 64 KiB of output
    if (!buf.empty() && std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) {
      return Status::IoError("writing the result failed");
    }
    buf.clear();
    return Status::OK();
  };
  switch (options.format) {
    case OutputFormat::kCsv: {
      for (size_t c = 0; c < cols; ++c) {
        if (c) buf += ',';
        buf += CsvField(result.column_name(c));
      }
      buf += '\n';
      for (uint64_t r = 0; r < rows; ++r) {
        for (size_t c = 0; c < cols; ++c) {
          if (c) buf += ',';
          if (!result.IsNull(c, r)) buf += CsvField(result.Text(c, r));
        }
        buf += '\n';
        if (buf.size() > (1 << 16)) SILT_RETURN_IF_ERROR(flush());
      }
      return flush();
    }
    case OutputFormat::kJson: {
      for (uint64_t r = 0; r < rows; ++r) {
        buf += '{';
        for (size_t c = 0; c < cols; ++c) {
          if (c) buf += ',';
          buf += '"';
          JsonEscape(result.column_name(c), &buf);
          buf += "\":";
          if (result.IsNull(c, r)) {
            buf += "null";
          } else if (IsJsonLiteral(type_of(c))) {
            // JSON has no NaN or infinity: those are written as strings, as JavaScript
            // spells them (what JSON.parse-based readers expect).
            const std::string text = result.Text(c, r);
            if (text == "nan" || text == "-nan") {
              buf += "\"NaN\"";
            } else if (text == "inf") {
              buf += "\"Infinity\"";
            } else if (text == "-inf") {
              buf += "\"-Infinity\"";
            } else {
              buf += text;
            }
          } else {
            buf += '"';
            JsonEscape(result.Text(c, r), &buf);
            buf += '"';
          }
        }
        buf += "}\n";
        if (buf.size() > (1 << 16)) SILT_RETURN_IF_ERROR(flush());
      }
      return flush();
    }
    case OutputFormat::kTable:
      break;
  }
  const uint64_t shown = std::min<uint64_t>(rows, options.max_rows);
  std::vector<std::string> cells;  // row by row, filled as the widths are measured
  cells.reserve(std::min<uint64_t>(shown * cols, uint64_t{1} << 20));
  std::vector<size_t> width(cols);
  std::vector<bool> right(cols);
  for (size_t c = 0; c < cols; ++c) {
    width[c] = Width(result.column_name(c));
    right[c] = IsNumeric(type_of(c));
  }
  for (uint64_t r = 0; r < shown; ++r) {
    // Measuring the widths comes before any output: a large --max-rows takes a while here.
    if (r % 4096 == 0 && interrupt::Stopping()) return interrupt::AsStatus();
    for (size_t c = 0; c < cols; ++c) {
      std::string v = result.IsNull(c, r) ? "NULL" : result.Text(c, r);
      for (char& ch : v) {
        if (ch == '\n' || ch == '\t' || ch == '\r') ch = ' ';
      }
      cells.push_back(Cut(v, options.max_width));
      width[c] = std::max(width[c], Width(cells.back()));
    }
  }
  auto pad = [&](const std::string& s, size_t c) {
    std::string fill(width[c] - Width(s), ' ');
    return right[c] ? fill + s : s + fill;
  };
  auto rule = [&]() {
    for (size_t c = 0; c < cols; ++c) {
      buf += c ? "┼" : "";
      for (size_t i = 0; i < width[c] + 2; ++i) buf += "─";
    }
    buf += '\n';
  };
  for (size_t c = 0; c < cols; ++c) {
    if (c) buf += "│";
    buf += ' ';
    std::string name = result.column_name(c);
    buf += name + std::string(width[c] - Width(name), ' ');
    buf += ' ';
  }
  buf += '\n';
  rule();
  for (uint64_t r = 0; r < shown; ++r) {
    for (size_t c = 0; c < cols; ++c) {
      if (c) buf += "│";
      buf += ' ' + pad(cells[r * cols + c], c) + ' ';
    }
    buf += '\n';
    if (buf.size() > (1 << 16)) SILT_RETURN_IF_ERROR(flush());
  }
  if (shown < rows) {
    buf += fmt::format("({} rows, first {} shown; use --max-rows or --format csv for all)\n", rows, shown);
  } else {
    buf += fmt::format("({} row{})\n", rows, rows == 1 ? "" : "s");
  }
  return flush();
}

}  // namespace silt::query
