// regex: a user-defined format — one regular expression (RE2 syntax) whose named groups are
// the columns.
//
//   read_log('app.log', format => 'regex',
//            pattern => '(?P<ts>\S+ \S+) (?P<level>[A-Z]+) (?P<msg>.*)',
//            types => 'ts TIMESTAMPTZ', time_format => '%Y-%m-%d %H:%M:%S')
//
// Options (all text; docs/formats/regex.md has the reference):
//   pattern      required. The whole line must match (RE2::FullMatch semantics). Every named
//                group (?P<name>...) becomes a column, in the order the groups open; unnamed
//                groups are allowed and ignored.
//   types        "name TYPE, ..." for some or all groups; the others are VARCHAR.
//   time_format  how TIMESTAMPTZ columns are written: one format for all of them
//                ('%d/%b/%Y:%H:%M:%S %z'), or per column, ';' separated ('ts=epoch_ms;
//                end=iso8601'), with at most one bare entry as the default. Default iso8601.
//   time_column  the event-time column (partitioning); default the first TIMESTAMPTZ column.
//   null         the text that reads as NULL in any column; default '-'. A group that did not
//                take part in the match is NULL; an empty capture is NULL in typed columns and
//                '' in VARCHAR ones (unless null is '').
//
// The registered (unconfigured) instance has no columns and rejects every line, naming the
// pattern option; Configure builds a configured instance that owns one compiled RE2, shared by
// all of its parsers (RE2 matching is thread-safe).
#pragma once

#include <memory>
#include <string>

#include "silt/formats/format.h"

namespace silt::formats {

class RegexFormat final : public Format {
 public:
  RegexFormat();
  ~RegexFormat() override;

  std::string_view name() const override { return "regex"; }
  std::string_view description() const override {
    return "User-defined: one regular expression (RE2) whose named groups are the columns";
  }
  const Schema& schema() const override;
  std::string_view time_column() const override;
  std::unique_ptr<LineParser> MakeParser(const std::vector<bool>& wanted) const override;
  std::vector<OptionSpec> options() const override;
  Result<std::shared_ptr<const Format>> Configure(const FormatOptions& options,
                                                  std::string_view sample) const override;

  // The configuration: compiled pattern, columns and their decoding (defined in the .cc).
  struct Compiled;

 private:
  explicit RegexFormat(std::shared_ptr<const Compiled> compiled);

  std::shared_ptr<const Compiled> compiled_;  // null: unconfigured (the registered instance)
};

}  // namespace silt::formats
