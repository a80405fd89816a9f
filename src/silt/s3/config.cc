#include "silt/s3/config.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

#include "silt/common/strings.h"

namespace silt::s3 {

namespace {

std::mutex g_mu;
std::map<std::string, std::string> g_overrides;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

std::string Home() {
  std::string h = Env("HOME");
  return h.empty() ? std::string("/root") : h;
}

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

Status ParseBool(std::string_view key, std::string_view v, bool* out) {
  if (v == "true" || v == "yes" || v == "1" || v == "on") {
    *out = true;
  } else if (v == "false" || v == "no" || v == "0" || v == "off") {
    *out = false;
  } else {
    return Status::InvalidArgument(fmt::format("{} must be true or false, not '{}'", key, v));
  }
  return Status::OK();
}

Status ParseCount(std::string_view key, std::string_view v, int lo, int hi, int* out) {
  int64_t n = 0;
  if (!ParseInt64(v, &n) || n < lo || n > hi) {
    return Status::InvalidArgument(
        fmt::format("{} must be a whole number from {} to {}, not '{}'", key, lo, hi, v));
  }
  *out = static_cast<int>(n);
  return Status::OK();
}

Status ParseSize(std::string_view key, std::string_view v, uint64_t lo, uint64_t* out) {
  uint64_t n = 0;
  if (!ParseByteSize(v, &n) || n < lo) {
    return Status::InvalidArgument(fmt::format(
        "{} must be a size of at least {} (e.g. 16MiB), not '{}'", key, HumanBytes(lo), v));
  }
  *out = n;
  return Status::OK();
}

constexpr std::string_view kKeys[] = {
    "endpoint",         "region",        "path_style",      "profile",
    "role_arn",         "role_session_name", "external_id", "sts_endpoint",
    "access_key_id",    "secret_access_key", "session_token", "anonymous",
    "storage_class",    "max_connections", "max_attempts", "multipart_threshold",
    "part_size",        "copy_threshold", "read_ahead",     "verify_tls",
    "connect_timeout_ms"};

}  // namespace

std::string S3Settings::EffectiveEndpoint() const {
  if (!endpoint.empty()) {
    std::string e = endpoint;
    while (!e.empty() && e.back() == '/') e.pop_back();
    if (e.find("://") == std::string::npos) e = "https://" + e;
    return e;
  }
  return fmt::format("https://s3.{}.amazonaws.com", EffectiveRegion());
}

bool S3Settings::UsePathStyle() const {
  if (path_style.has_value()) return *path_style;
  return !endpoint.empty();  // custom endpoints (RGW, MinIO, R2...) mostly want path-style
}

void SetGlobalOverrides(std::map<std::string, std::string> overrides) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_overrides = std::move(overrides);
}

Status ApplySetting(S3Settings& s, std::string_view key, std::string_view value) {
  const std::string v(TrimView(value));
  if (key == "endpoint") s.endpoint = v;
  else if (key == "region") s.region = v;
  else if (key == "path_style") {
    bool b = false;
    SILT_RETURN_IF_ERROR(ParseBool(key, v, &b));
    s.path_style = b;
  } else if (key == "profile") s.profile = v;
  else if (key == "role_arn") s.role_arn = v;
  else if (key == "role_session_name") s.role_session_name = v;
  else if (key == "external_id") s.external_id = v;
  else if (key == "sts_endpoint") s.sts_endpoint = v;
  else if (key == "access_key_id") s.access_key_id = v;
  else if (key == "secret_access_key") s.secret_access_key = v;
  else if (key == "session_token") s.session_token = v;
  else if (key == "anonymous") SILT_RETURN_IF_ERROR(ParseBool(key, v, &s.anonymous));
  else if (key == "storage_class") s.storage_class = v;
  else if (key == "max_connections") SILT_RETURN_IF_ERROR(ParseCount(key, v, 1, 256, &s.max_connections));
  else if (key == "max_attempts") SILT_RETURN_IF_ERROR(ParseCount(key, v, 1, 100, &s.max_attempts));
  else if (key == "multipart_threshold") SILT_RETURN_IF_ERROR(ParseSize(key, v, 5ull << 20, &s.multipart_threshold));
  else if (key == "part_size") SILT_RETURN_IF_ERROR(ParseSize(key, v, 5ull << 20, &s.part_size));
  else if (key == "copy_threshold") SILT_RETURN_IF_ERROR(ParseSize(key, v, 5ull << 20, &s.copy_threshold));
  else if (key == "read_ahead") SILT_RETURN_IF_ERROR(ParseSize(key, v, 0, &s.read_ahead));
  else if (key == "verify_tls") SILT_RETURN_IF_ERROR(ParseBool(key, v, &s.verify_tls));
  else if (key == "connect_timeout_ms") SILT_RETURN_IF_ERROR(ParseCount(key, v, 1, 600000, &s.connect_timeout_ms));
  else {
    std::vector<std::string_view> names(std::begin(kKeys), std::end(kKeys));
    std::string msg = fmt::format("unknown S3 setting '{}'", key);
    std::string best = ClosestName(key, names);
    if (!best.empty()) msg += fmt::format("; did you mean '{}'?", best);
    return Status::InvalidArgument(msg);
  }
  return Status::OK();
}

const std::string* IniSection::Find(std::string_view key) const {
  for (auto it = values.rbegin(); it != values.rend(); ++it) {
    if (it->first == key) return &it->second;
  }
  return nullptr;
}

Result<std::vector<IniSection>> ParseIni(std::string_view text, std::string_view source) {
  std::vector<IniSection> out;
  std::string parent;  // "s3" while reading an indented "s3 =" block
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    const bool indented = !raw.empty() && (raw.front() == ' ' || raw.front() == '\t');
    std::string_view line = TrimView(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      if (line.back() != ']') {
        return Status::ParseError(fmt::format("{}:{}: section header without ']'", source, line_no));
      }
      out.push_back(IniSection{std::string(TrimView(line.substr(1, line.size() - 2))), {}});
      parent.clear();
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Status::ParseError(
          fmt::format("{}:{}: expected 'key = value' or '[section]'", source, line_no));
    }
    if (out.empty()) {
      return Status::ParseError(fmt::format("{}:{}: setting outside a section", source, line_no));
    }
    std::string key(TrimView(line.substr(0, eq)));
    std::string value(TrimView(line.substr(eq + 1)));
    if (indented && !parent.empty()) {
      key = parent + "." + key;
    } else if (value.empty()) {
      parent = key;  // a nested block follows ("s3 =")
      continue;
    } else {
      parent.clear();
    }
    out.back().values.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

Result<std::vector<IniSection>> ReadIniFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::vector<IniSection>{};
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseIni(ss.str(), path);
}

std::string AwsConfigPath() {
  std::string p = Env("AWS_CONFIG_FILE");
  return p.empty() ? Home() + "/.aws/config" : p;
}

std::string AwsCredentialsPath() {
  std::string p = Env("AWS_SHARED_CREDENTIALS_FILE");
  return p.empty() ? Home() + "/.aws/credentials" : p;
}

const IniSection* FindProfile(const std::vector<IniSection>& config, std::string_view profile) {
  const std::string want =
      profile == "default" ? std::string("default") : fmt::format("profile {}", profile);
  for (const IniSection& s : config) {
    if (s.name == want || (profile != "default" && s.name == profile)) return &s;
  }
  return nullptr;
}

Result<S3Settings> ResolveSettings(std::string_view bucket, std::string_view prefix) {
  S3Settings s;
  // silt's config file first, to learn the profile it may name.
  std::string silt_path = Env("SILT_CONFIG");
  if (silt_path.empty()) silt_path = Home() + "/.config/silt/config";
  SILT_ASSIGN_OR_RETURN(auto silt_cfg, ReadIniFile(silt_path));
  const std::string root = fmt::format("s3://{}/{}", bucket, prefix);
  const IniSection* best = nullptr;
  for (const IniSection& sec : silt_cfg) {
    std::string name = sec.name;
    if (!name.starts_with("s3://")) {
      return Status::InvalidArgument(fmt::format(
          "{}: section [{}]: sections are named by an s3:// location, e.g. [s3://my-bucket/logs]",
          silt_path, sec.name));
    }
    std::string with_slash = name;
    if (name.find('/', 5) == std::string::npos) with_slash += '/';
    if (root.starts_with(with_slash) || root.starts_with(name + "/") || root == name ||
        (name.ends_with('/') && root.starts_with(name))) {
      if (best == nullptr || name.size() > best->name.size()) best = &sec;
    }
  }
  // The profile silt's config names wins over the environment's keys; AWS_PROFILE does not.
  std::string profile = Env("AWS_PROFILE");
  if (best != nullptr && best->Find("profile") != nullptr) profile = *best->Find("profile");
  if (profile.empty()) profile = "default";

  // The AWS profile.
  SILT_ASSIGN_OR_RETURN(auto aws_cfg, ReadIniFile(AwsConfigPath()));
  if (const IniSection* p = FindProfile(aws_cfg, profile)) {
    if (const std::string* v = p->Find("region")) s.region = *v;
    if (const std::string* v = p->Find("endpoint_url")) s.endpoint = *v;
    if (const std::string* v = p->Find("s3.endpoint_url")) s.endpoint = *v;
    if (const std::string* v = p->Find("s3.addressing_style")) {
      if (*v == "path") s.path_style = true;
      if (*v == "virtual") s.path_style = false;
    }
  }
  // Environment.
  if (std::string v = Env("AWS_DEFAULT_REGION"); !v.empty()) s.region = v;
  if (std::string v = Env("AWS_REGION"); !v.empty()) s.region = v;
  if (std::string v = Env("AWS_ENDPOINT_URL"); !v.empty()) s.endpoint = v;
  if (std::string v = Env("AWS_ENDPOINT_URL_S3"); !v.empty()) s.endpoint = v;
  if (std::string v = Env("AWS_ENDPOINT_URL_STS"); !v.empty()) s.sts_endpoint = v;
  // silt's config section.
  if (best != nullptr) {
    for (const auto& [k, v] : best->values) {
      Status st = ApplySetting(s, k, v);
      if (!st.ok()) return st.WithContext(fmt::format("{} [{}]", silt_path, best->name));
    }
  }
  // Process-wide overrides.
  std::map<std::string, std::string> overrides;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    overrides = g_overrides;
  }
  for (const auto& [k, v] : overrides) SILT_RETURN_IF_ERROR(ApplySetting(s, k, v));
  if (s.role_session_name.empty()) s.role_session_name = fmt::format("silt-{}", ::getpid());
  return s;
}

}  // namespace silt::s3
