// Key patterns: columns taken from object keys.
//
//   {customer}/audit/{date}.csv
//   AWSLogs/{account}/elasticloadbalancing/{region}/{yyyy}/{mm}/{dd}/**
//
// `{name}` captures one or more characters within a path segment (no '/'); `*` matches any
// characters within a segment, `**` any characters across segments; everything else is
// literal. Like Python's `parse` ({} is .+? there), captures and stars take as little as
// they can while the rest still matches: "{yyyy}-{mm}-{dd}-*" over "2024-03-01-0007.log" gives
// 2024, 03, 01. A pattern matches a whole key, relative to the location the objects were listed
// from (the folder, the glob's fixed part, or a file's folder).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"

namespace silt::query {

class KeyPattern {
 public:
  // InvalidArgument for an empty pattern, an unclosed '{', an empty or repeated name, or a name
  // that is not [A-Za-z_][A-Za-z0-9_]*.
  static Result<KeyPattern> Parse(std::string_view pattern);

  const std::vector<std::string>& names() const { return names_; }
  const std::string& text() const { return text_; }

  // The captured values in names() order, or nullopt when the key does not match.
  std::optional<std::vector<std::string>> Match(std::string_view key) const;

 private:
  struct Part {
    enum Kind { kLiteral, kCapture, kStar, kDoubleStar } kind;
    std::string literal;
  };
  bool MatchAt(size_t part, std::string_view key, size_t pos,
               std::vector<std::string_view>* caps) const;

  std::string text_;
  std::vector<Part> parts_;
  std::vector<std::string> names_;
};

}  // namespace silt::query
