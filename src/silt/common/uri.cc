#include "silt/common/uri.h"

#include <unistd.h>

#include <vector>

namespace silt {

std::string Uri::ToString() const {
  if (scheme == Scheme::kS3) return "s3://" + bucket + "/" + path;
  return "file://" + path;
}

std::string Uri::Identity() const {
  std::string out = ToString();
  const size_t keep = scheme == Scheme::kS3 ? 5 + bucket.size() + 1 : 8;  // "s3://b/", "file:///"
  while (out.size() > keep && out.back() == '/') out.pop_back();
  if (scheme == Scheme::kS3 && out.size() == keep) out.pop_back();  // the bucket: "s3://b"
  return out;
}

bool HasGlob(std::string_view text) {
  return text.find_first_of("*?[") != std::string_view::npos;
}

std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part.empty() || part == ".") {
      // skip
    } else if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (auto p : parts) {
    out += '/';
    out += p;
  }
  return out.empty() ? "/" : out;
}

static Result<std::string> Absolute(std::string_view p) {
  if (!p.empty() && p[0] == '/') return NormalizePath(p);
  char buf[4096];
  if (getcwd(buf, sizeof buf) == nullptr) return ErrnoStatus("getcwd", ".", errno);
  std::string full(buf);
  full += '/';
  full += p;
  return NormalizePath(full);
}

Result<Uri> ParseUri(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("empty location");
  Uri uri;
  size_t sep = text.find("://");
  if (sep == std::string_view::npos) {
    SILT_ASSIGN_OR_RETURN(uri.path, Absolute(text));
    return uri;
  }
  std::string_view scheme = text.substr(0, sep);
  std::string_view rest = text.substr(sep + 3);
  if (scheme == "file") {
    // file:///abs, file://localhost/abs; file://relative is accepted as a relative path.
    if (rest.rfind("localhost/", 0) == 0) rest.remove_prefix(9);
    SILT_ASSIGN_OR_RETURN(uri.path, Absolute(rest));
    return uri;
  }
  if (scheme == "s3" || scheme == "s3a") {
    uri.scheme = Uri::Scheme::kS3;
    size_t slash = rest.find('/');
    uri.bucket = std::string(rest.substr(0, slash));
    if (uri.bucket.empty()) {
      return Status::InvalidArgument("s3 location has no bucket: '" + std::string(text) + "'");
    }
    if (slash != std::string_view::npos) uri.path = std::string(rest.substr(slash + 1));
    return uri;
  }
  return Status::InvalidArgument("unsupported location scheme '" + std::string(scheme) +
                                 "' in '" + std::string(text) +
                                 "' (use a path, file:// or s3://)");
}

}  // namespace silt
