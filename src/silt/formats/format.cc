#include "silt/formats/format.h"

#include "silt/common/strings.h"

#include <algorithm>
#include <cstring>
#include <set>

#include <fmt/format.h>

// One include per format.
#include "silt/formats/csv.h"
#include "silt/formats/jsonl.h"
#include "silt/formats/alb.h"
#include "silt/formats/elb.h"
#include "silt/formats/nlb.h"
#include "silt/formats/clf.h"
#include "silt/formats/cloudfront.h"
#include "silt/formats/s3_access.h"
#include "silt/formats/regex_format.h"

namespace silt::formats {

std::vector<const Format*> AllFormats() {
  // One instance per format, in the order `silt formats` lists them.
  static const S3AccessFormat s3_access;
  static const ClfFormat clf;
  static const CombinedFormat combined;
  static const CloudFrontFormat cloudfront;
  static const AlbFormat alb;
  static const ElbFormat elb;
  static const NlbFormat nlb;
  static const RegexFormat regex;
  static const CsvFormat csv;
  static const JsonlFormat jsonl;
  return {
      &s3_access,
      &clf,
      &combined,
      &cloudfront,
      &alb,
      &elb,
      &nlb,
      &regex,
      &csv,
      &jsonl,
  };
}

const Format* FindFormat(std::string_view name) {
  for (const Format* f : AllFormats()) {
    if (f->name() == name) return f;
  }
  return nullptr;
}

std::string FormatNames() {
  std::string out;
  for (const Format* f : AllFormats()) {
    if (!out.empty()) out += ", ";
    out += f->name();
  }
  return out;
}

Result<std::shared_ptr<const Format>> Format::Configure(const FormatOptions& options,
                                                        std::string_view sample) const {
  if (!options.empty()) {
    return Status::InvalidArgument(fmt::format("format {} takes no options (got '{}')", name(),
                                               options.begin()->first));
  }
  // Registered formats are static: share them without ownership.
  return std::shared_ptr<const Format>(std::shared_ptr<const Format>(), this);
}

std::vector<std::string> AllOptionNames() {
  std::set<std::string> names;
  for (const Format* f : AllFormats()) {
    for (const auto& o : f->options()) names.insert(o.name);
  }
  return {names.begin(), names.end()};
}


Status CheckOptionNames(const Format& format, const FormatOptions& options) {
  const auto specs = format.options();
  for (const auto& [key, value] : options) {
    std::vector<std::string_view> names;
    for (const auto& o : specs) names.push_back(o.name);
    if (std::find(names.begin(), names.end(), key) != names.end()) continue;
    const std::string best = ClosestName(key, names);
    std::string msg = fmt::format("format {} has no option '{}'", format.name(), key);
    if (!best.empty()) msg += fmt::format("; did you mean '{}'?", best);
    if (specs.empty()) {
      msg += " (it takes none)";
    } else {
      std::string all;
      for (const auto& o : specs) all += (all.empty() ? "" : ", ") + o.name;
      msg += fmt::format(" (options: {})", all);
    }
    return Status::InvalidArgument(msg);
  }
  return Status::OK();
}

Result<std::shared_ptr<const Format>> OpenFormat(std::string_view name,
                                                 const FormatOptions& options,
                                                 std::string_view sample) {
  const Format* f = FindFormat(name);
  if (f == nullptr) {
    return Status::InvalidArgument(
        fmt::format("unknown format '{}' (known formats: {})", name, FormatNames()));
  }
  SILT_RETURN_IF_ERROR(CheckOptionNames(*f, options));
  return f->Configure(options, sample);
}

void LineScanner::Scan(const char** pos, const char* end, RowBatch& batch,
                       std::string_view object, RejectSink* rejects, Counters* counters) {
  const char* p = *pos;
  size_t row = batch.size();
  while (p < end && row < RowBatch::kCapacity) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl != nullptr ? nl : end;
    std::string_view line(p, static_cast<size_t>(line_end - p));
    const uint64_t line_no = line_;
    const uint64_t line_off = offset_;
    const char* next = nl != nullptr ? nl + 1 : end;
    offset_ += static_cast<uint64_t>(next - p);
    ++line_;
    p = next;
    if (line.empty() || (line.size() == 1 && line[0] == '\r')) {
      ++counters->skipped;
      continue;
    }
    switch (parser_->Parse(line, batch, row, &reason_)) {
      case LineResult::kRow:
        if (window_ != nullptr) {
          const bool null = batch.nulls(window_->time_column)[row] != 0;
          const int64_t t = batch.ints(window_->time_column)[row];
          if (null ? !window_->nulls : (window_->nulls || t < window_->lo || t >= window_->hi)) {
            ++counters->spilled;
            if (window_->spill != nullptr) {
              window_->spill->OnSpill(null ? INT64_MIN : t, parser_->Preamble(), line);
            }
            break;
          }
        }
        if (row_lines_ != nullptr) row_lines_[row] = line_no;
        ++row;
        ++counters->rows;
        break;
      case LineResult::kSkip:
        ++counters->skipped;
        break;
      case LineResult::kReject:
        ++counters->rejects;
        if (rejects != nullptr) {
          rejects->OnReject(Reject{object, line_no, line_off, reason_, line});
        }
        break;
    }
  }
  batch.set_size(row);
  *pos = p;
}

}  // namespace silt::formats
