// Locations of data: plain paths, file:// URIs and s3:// URIs.
#pragma once

#include <string>
#include <string_view>

#include "silt/common/status.h"

namespace silt {

struct Uri {
  enum class Scheme { kFile, kS3 };

  Scheme scheme = Scheme::kFile;
  // kS3: the bucket. kFile: empty.
  std::string bucket;
  // kFile: an absolute, lexically normalised path ("/data/logs"), no trailing slash except "/".
  // kS3: the key or prefix inside the bucket, without a leading slash ("logs/2024/").
  std::string path;

  bool is_local() const { return scheme == Scheme::kFile; }
  // file:///data/logs or s3://bucket/logs/
  std::string ToString() const;
  // ToString without trailing slashes: one spelling for the same place ("s3://b/logs/" and
  // "s3://b/logs" list the same objects). Identifies runs and sources.
  std::string Identity() const;
};

// Parses "s3://bucket/prefix", "file:///abs/path", "file://localhost/abs", or a plain path
// (relative paths are made absolute against the current directory). Returns InvalidArgument
// with the offending text for anything else (unknown scheme, s3:// without a bucket, ...).
Result<Uri> ParseUri(std::string_view text);

// True when `text` contains glob characters (* ? [).
bool HasGlob(std::string_view text);

// Lexically normalises an absolute path: collapses "//", resolves "." and "..".
std::string NormalizePath(std::string_view path);

}  // namespace silt
