// jsonl: newline-delimited JSON objects (one object per line), parsed with simdjson.
//
// A configurable format: Configure(options, sample) returns the instance to read with, whose
// columns are declared (`columns`, dotted paths into nested objects) or inferred from the
// sample: the union of the keys of its objects in first-seen order, nested objects flattened
// into dotted paths (flatten=true), types from the values seen. Column names are the paths
// with '.' replaced by '_'. Reference: docs/formats/jsonl.md.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "silt/formats/format.h"

namespace silt::formats {

class JsonlFormat final : public Format {
 public:
  struct Config;  // options, columns and path lookups of a configured instance (jsonl.cc)

  JsonlFormat();  // the registered, unconfigured format: no columns until Configure
  explicit JsonlFormat(std::shared_ptr<const Config> config);
  ~JsonlFormat() override;

  std::string_view name() const override { return "jsonl"; }
  std::string_view description() const override {
    return "Newline-delimited JSON objects; columns declared as dotted paths or inferred from "
           "a sample (nested objects flattened)";
  }
  const Schema& schema() const override;
  std::string_view time_column() const override;
  std::unique_ptr<LineParser> MakeParser(const std::vector<bool>& wanted) const override;
  std::vector<OptionSpec> options() const override;
  Result<std::shared_ptr<const Format>> Configure(const FormatOptions& options,
                                                  std::string_view sample) const override;

 private:
  std::shared_ptr<const Config> config_;  // null for the registered instance
};

}  // namespace silt::formats
