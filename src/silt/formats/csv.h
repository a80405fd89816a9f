// csv: delimited text with a header row (audit-log exports, spreadsheet dumps, TSV...).
//
// A configurable format: the registered instance only describes the format and its options;
// Configure(options, sample) returns the instance to read with, whose columns are declared
// (`columns`) or inferred from the sample: names from the header (snake_case, unique), types
// by trying every sample value of a column as INTEGER/BIGINT, DOUBLE, BOOLEAN, TIMESTAMPTZ,
// else VARCHAR.
//
// Lines are decoded one at a time, so a record whose quoted field holds a line break cannot be
// read: both of its parts are rejected. Every object starts with its own header (header=true);
// columns are matched by name when an object's header differs from the first object's.
// Reference: docs/formats/csv.md.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "silt/formats/format.h"

namespace silt::formats {

class CsvFormat final : public Format {
 public:
  struct Config;  // options, columns and header of a configured instance (csv.cc)

  CsvFormat();  // the registered, unconfigured format: no columns until Configure
  explicit CsvFormat(std::shared_ptr<const Config> config);
  ~CsvFormat() override;

  std::string_view name() const override { return "csv"; }
  std::string_view description() const override {
    return "Delimited text with a header row (CSV, TSV); columns declared or inferred from the "
           "header and a sample";
  }
  const Schema& schema() const override;
  std::string_view time_column() const override;
  std::unique_ptr<LineParser> MakeParser(const std::vector<bool>& wanted) const override;
  // With a header, every object is read whole from its first line (its header).
  bool splittable() const override;
  std::vector<OptionSpec> options() const override;
  Result<std::shared_ptr<const Format>> Configure(const FormatOptions& options,
                                                  std::string_view sample) const override;

 private:
  std::shared_ptr<const Config> config_;  // null for the registered instance
};

// A header field as a column name: snake_case ASCII identifier ("Event Time" -> event_time,
// "userID" -> user_id, "2FA" -> _2fa); "" when nothing usable is left.
std::string CsvColumnName(std::string_view header_field);

}  // namespace silt::formats
