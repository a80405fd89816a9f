#include "silt/s3/credentials.h"

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "silt/s3/crypto.h"
#include "silt/s3/xml.h"

namespace silt::s3 {

namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class Static : public CredentialsProvider {
 public:
  Static(SigningKey key, std::string source) : key_(std::move(key)), source_(std::move(source)) {}
  Result<SigningKey> Get() override { return key_; }
  std::string Describe() const override { return source_; }

 private:
  SigningKey key_;
  std::string source_;
};

// "2024-05-01T12:00:00Z" -> Unix seconds; 0 when unreadable.
int64_t ParseIsoTime(const std::string& s) {
  struct tm tm {};
  if (strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

std::string FormEncode(std::string_view s) { return UriEncode(s, false); }

class AssumeRole : public CredentialsProvider {
 public:
  AssumeRole(std::shared_ptr<CredentialsProvider> base, std::shared_ptr<HttpTransport> transport,
             std::string endpoint, std::string region, std::string role_arn,
             std::string session_name, std::string external_id, int duration_s)
      : base_(std::move(base)),
        transport_(std::move(transport)),
        endpoint_(std::move(endpoint)),
        region_(std::move(region)),
        role_arn_(std::move(role_arn)),
        session_name_(std::move(session_name)),
        external_id_(std::move(external_id)),
        duration_s_(duration_s) {}

  Result<SigningKey> Get() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (expires_ != 0 && NowSeconds() < expires_ - 300) return key_;
    Status last;
    for (int attempt = 0; attempt < 5; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
      Status st = Refresh();
      if (st.ok()) return key_;
      last = st;
      if (!IsRetriable(st)) break;
    }
    return last;
  }

  std::string Describe() const override { return fmt::format("role {}", role_arn_); }

 private:
  Status Refresh() {
    SILT_ASSIGN_OR_RETURN(SigningKey base, base_->Get());
    std::string body = fmt::format(
        "Action=AssumeRole&Version=2011-06-15&RoleArn={}&RoleSessionName={}&DurationSeconds={}",
        FormEncode(role_arn_), FormEncode(session_name_), duration_s_);
    if (!external_id_.empty()) body += "&ExternalId=" + FormEncode(external_id_);
    HttpRequest req;
    req.method = "POST";
    req.endpoint = endpoint_;
    req.path = "/";
    req.body = body;
    req.SetHeader("content-type", "application/x-www-form-urlencoded; charset=utf-8");
    SignV4(req, base, region_, "sts", HexLower(Sha256(body)), NowSeconds());
    HttpResponse resp;
    SILT_RETURN_IF_ERROR(transport_->Send(req, &resp));
    auto doc = ParseXml(resp.body);
    if (resp.status != 200) {
      std::string code = doc.ok() ? doc->Child("Error") != nullptr
                                        ? doc->Child("Error")->ChildText("Code")
                                        : doc->ChildText("Code")
                                  : std::string();
      std::string msg = fmt::format(
          "STS AssumeRole {} at {} with access key id {} ({}): HTTP {}{}", role_arn_, endpoint_,
          base.access_key_id, base_->Describe(), resp.status,
          code.empty() ? std::string() : " " + code);
      if (resp.status >= 500 || resp.status == 429) return Status::Unavailable(msg);
      return Status::PreconditionFailed(msg);
    }
    if (!doc.ok()) return doc.status().WithContext("STS AssumeRole response");
    const XmlElement* result = doc->Child("AssumeRoleResult");
    const XmlElement* creds = result != nullptr ? result->Child("Credentials") : nullptr;
    if (creds == nullptr) {
      return Status::Corruption("STS AssumeRole response has no Credentials");
    }
    key_.access_key_id = creds->ChildText("AccessKeyId");
    key_.secret_access_key = creds->ChildText("SecretAccessKey");
    key_.session_token = creds->ChildText("SessionToken");
    expires_ = ParseIsoTime(creds->ChildText("Expiration"));
    if (expires_ == 0) expires_ = NowSeconds() + duration_s_;
    if (key_.access_key_id.empty() || key_.secret_access_key.empty()) {
      return Status::Corruption("STS AssumeRole response has empty keys");
    }
    return Status::OK();
  }

  std::shared_ptr<CredentialsProvider> base_;
  std::shared_ptr<HttpTransport> transport_;
  std::string endpoint_, region_, role_arn_, session_name_, external_id_;
  int duration_s_;
  std::mutex mu_;
  SigningKey key_;
  int64_t expires_ = 0;
};

Result<std::shared_ptr<CredentialsProvider>> FromProfile(
    const std::string& profile, const S3Settings& settings,
    std::shared_ptr<HttpTransport> transport, int depth, bool* found) {
  *found = false;
  if (depth > 4) {
    return Status::InvalidArgument(
        fmt::format("AWS profile {}: source_profile chain is too long (a loop?)", profile));
  }
  SILT_ASSIGN_OR_RETURN(auto creds_file, ReadIniFile(AwsCredentialsPath()));
  SILT_ASSIGN_OR_RETURN(auto config_file, ReadIniFile(AwsConfigPath()));
  const IniSection* cred = nullptr;
  for (const IniSection& s : creds_file) {
    if (s.name == profile) cred = &s;
  }
  const IniSection* conf = FindProfile(config_file, profile);
  auto get = [&](std::string_view key) -> std::string {
    if (cred != nullptr && cred->Find(key) != nullptr) return *cred->Find(key);
    if (conf != nullptr && conf->Find(key) != nullptr) return *conf->Find(key);
    return {};
  };
  std::string role = get("role_arn");
  if (!role.empty()) {
    std::string source = get("source_profile");
    if (source.empty()) {
      return Status::InvalidArgument(fmt::format(
          "AWS profile {} has role_arn but no source_profile (credential_source and web "
          "identity are not supported)",
          profile));
    }
    bool base_found = false;
    SILT_ASSIGN_OR_RETURN(auto base, FromProfile(source, settings, transport, depth + 1, &base_found));
    if (!base_found) {
      return Status::NotFound(fmt::format("AWS profile {} (source_profile of {}) has no keys",
                                          source, profile));
    }
    std::string region = get("region");
    if (region.empty()) region = settings.EffectiveRegion();
    *found = true;
    return AssumeRoleCredentials(base, transport, StsEndpoint(settings), region, role,
                                 get("role_session_name").empty() ? settings.role_session_name
                                                                  : get("role_session_name"),
                                 get("external_id"));
  }
  SigningKey key{get("aws_access_key_id"), get("aws_secret_access_key"),
                 get("aws_session_token")};
  if (key.access_key_id.empty() || key.secret_access_key.empty()) {
    return std::shared_ptr<CredentialsProvider>();
  }
  *found = true;
  return StaticCredentials(std::move(key), fmt::format("profile {}", profile));
}

}  // namespace

std::shared_ptr<CredentialsProvider> StaticCredentials(SigningKey key, std::string source) {
  return std::make_shared<Static>(std::move(key), std::move(source));
}

std::shared_ptr<CredentialsProvider> AssumeRoleCredentials(
    std::shared_ptr<CredentialsProvider> base, std::shared_ptr<HttpTransport> transport,
    std::string sts_endpoint, std::string region, std::string role_arn, std::string session_name,
    std::string external_id, int duration_s) {
  return std::make_shared<AssumeRole>(std::move(base), std::move(transport),
                                      std::move(sts_endpoint), std::move(region),
                                      std::move(role_arn), std::move(session_name),
                                      std::move(external_id), duration_s);
}

std::string StsEndpoint(const S3Settings& settings) {
  if (!settings.sts_endpoint.empty()) return settings.sts_endpoint;
  if (!settings.endpoint.empty()) return settings.EffectiveEndpoint();  // RGW, MinIO serve STS
  return fmt::format("https://sts.{}.amazonaws.com", settings.EffectiveRegion());
}

Result<std::shared_ptr<CredentialsProvider>> MakeCredentials(
    const S3Settings& settings, std::shared_ptr<HttpTransport> transport) {
  std::shared_ptr<CredentialsProvider> base;
  if (settings.anonymous) {
    base = StaticCredentials({}, "anonymous");
  } else if (!settings.access_key_id.empty()) {
    base = StaticCredentials(
        {settings.access_key_id, settings.secret_access_key, settings.session_token},
        "silt config");
  } else if (settings.profile.empty() && !Env("AWS_ACCESS_KEY_ID").empty() &&
             !Env("AWS_SECRET_ACCESS_KEY").empty()) {
    base = StaticCredentials(
        {Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"), Env("AWS_SESSION_TOKEN")},
        "environment");
  } else {
    bool found = false;
    std::string profile = settings.profile;
    if (profile.empty()) profile = Env("AWS_PROFILE");
    if (profile.empty()) profile = "default";
    SILT_ASSIGN_OR_RETURN(base, FromProfile(profile, settings, transport, 0, &found));
    if (!found) {
      return Status::NotFound(fmt::format(
          "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or keys for "
          "profile '{}' in {} or {}",
          profile, AwsCredentialsPath(),
          AwsConfigPath()));
    }
  }
  if (!settings.role_arn.empty() && !settings.anonymous) {
    return AssumeRoleCredentials(base, transport, StsEndpoint(settings),
                                 settings.EffectiveRegion(), settings.role_arn,
                                 settings.role_session_name, settings.external_id);
  }
  return base;
}

}  // namespace silt::s3
