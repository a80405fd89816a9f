// Deterministic generator of AWS S3 server access log objects.
//
// Everything random comes from one self-contained PRNG (xoshiro256** seeded by splitmix64) and
// only integer arithmetic and IEEE basic operations are used on its output, so the same options
// produce byte-identical objects on every platform and standard library.
//
// The generator first builds a small "world" from the seed: a few buckets (each with a pool of
// object keys and sizes) and a pool of clients (IP, requester, user agent, signing and TLS
// habits). Each line then picks an operation, a client and a key with skewed (Zipf-like)
// probabilities, which gives the repetition real logs have (hot keys, chatty clients) and keeps
// the per-line work to a few table look-ups and appends.
#include "silt/gen/s3_access_gen.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "silt/common/compression.h"
#include "silt/common/interrupt.h"
#include "silt/gen/rng.h"

namespace silt::gen {
namespace {

using std::string_view;

constexpr uint64_t kDefaultObjectBytes = 8ull << 20;
constexpr int64_t kSecondsPerDay = 86400;
constexpr int kMaxDays = 36600;                  // keeps every time inside 4-digit years
constexpr uint64_t kMaxTotalBytes = 1ull << 50;  // 1 PiB; keeps the time arithmetic in range


// ---------------------------------------------------------------------------------------------
// Civil time (proleptic Gregorian, UTC), after Howard Hinnant's algorithms.

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, second;
};

Civil CivilFromSeconds(int64_t t) {
  int64_t z = t >= 0 ? t / kSecondsPerDay : (t - kSecondsPerDay + 1) / kSecondsPerDay;
  const int64_t sod = t - z * kSecondsPerDay;
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  return {y,
          m,
          d,
          static_cast<unsigned>(sod / 3600),
          static_cast<unsigned>(sod / 60 % 60),
          static_cast<unsigned>(sod % 60)};
}

// Parses a strict "YYYY-MM-DD" (1970..9000) into days since the Unix epoch.
bool ParseDate(string_view s, int64_t* days) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  auto num = [&](size_t pos, size_t len, unsigned* out) {
    const auto r = std::from_chars(s.data() + pos, s.data() + pos + len, *out);
    return r.ec == std::errc() && r.ptr == s.data() + pos + len;
  };
  unsigned y = 0, m = 0, d = 0;
  if (!num(0, 4, &y) || !num(5, 2, &m) || !num(8, 2, &d)) return false;
  if (y < 1970 || y > 9000 || m < 1 || m > 12 || d < 1) return false;
  static constexpr unsigned kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kMonthDays[m - 1] + (m == 2 && leap ? 1 : 0)) return false;
  *days = DaysFromCivil(y, m, d);
  return true;
}

void Put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10 % 10);
  p[1] = static_cast<char>('0' + v % 10);
}

void Put4(char* p, int64_t v) {
  Put2(p, static_cast<unsigned>(v / 100 % 100));
  Put2(p + 2, static_cast<unsigned>(v % 100));
}

// "2024-03-01-12-34-56", the time part of a log object's name.
std::string ObjectNameTime(int64_t t) {
  const Civil c = CivilFromSeconds(t);
  char b[19];
  Put4(b, c.year);
  b[4] = '-';
  Put2(b + 5, c.month);
  b[7] = '-';
  Put2(b + 8, c.day);
  b[10] = '-';
  Put2(b + 11, c.hour);
  b[13] = '-';
  Put2(b + 14, c.minute);
  b[16] = '-';
  Put2(b + 17, c.second);
  return std::string(b, sizeof(b));
}

// Formats a line's time, re-formatting only when the second changes.
class TimeCache {
 public:
  // "[06/Feb/2019:00:00:38 +0000]"
  string_view Log(int64_t t) {
    Update(t);
    return {log_, sizeof(log_)};
  }
  // "20190206T000038Z" (X-Amz-Date); its first 8 characters are the credential scope date.
  string_view AmzDate(int64_t t) {
    Update(t);
    return {amz_, sizeof(amz_)};
  }

 private:
  void Update(int64_t t) {
    if (t == cached_) return;
    cached_ = t;
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const Civil c = CivilFromSeconds(t);
    std::memcpy(log_, "[DD/Mon/YYYY:HH:MM:SS +0000]", sizeof(log_));
    Put2(log_ + 1, c.day);
    std::memcpy(log_ + 4, kMonths[c.month - 1], 3);
    Put4(log_ + 8, c.year);
    Put2(log_ + 13, c.hour);
    Put2(log_ + 16, c.minute);
    Put2(log_ + 19, c.second);
    Put4(amz_, c.year);
    Put2(amz_ + 4, c.month);
    Put2(amz_ + 6, c.day);
    amz_[8] = 'T';
    Put2(amz_ + 9, c.hour);
    Put2(amz_ + 11, c.minute);
    Put2(amz_ + 13, c.second);
    amz_[15] = 'Z';
  }

  int64_t cached_ = std::numeric_limits<int64_t>::min();
  char log_[28] = {};
  char amz_[16] = {};
};

// ---------------------------------------------------------------------------------------------
// Small formatting helpers (append to a std::string; no streams).

constexpr char kHexUpper[] = "0123456789ABCDEF";
constexpr char kHexLower[] = "0123456789abcdef";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
// S3 version ids use letters, digits, '.' and '_': 64 symbols, 6 bits each.
constexpr char kVersionChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
constexpr char kUpperAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

void AppendU64(std::string& o, uint64_t v) {
  char b[20];
  const auto r = std::to_chars(b, b + sizeof(b), v);
  o.append(b, static_cast<size_t>(r.ptr - b));
}

void AppendHex(std::string& o, uint64_t v, int digits, const char* table) {
  char b[16];
  for (int i = digits - 1; i >= 0; --i) {
    b[i] = table[v & 15];
    v >>= 4;
  }
  o.append(b, static_cast<size_t>(digits));
}

// `n` characters from a 64-symbol alphabet, 10 per random word.
void AppendSym64(std::string& o, Rng& rng, const char* alphabet, int n) {
  char b[128];
  uint64_t bits = 0;
  int avail = 0;
  for (int i = 0; i < n; ++i) {
    if (avail == 0) {
      bits = rng.Next();
      avail = 10;
    }
    b[i] = alphabet[bits & 63];
    bits >>= 6;
    --avail;
  }
  o.append(b, static_cast<size_t>(n));
}

std::string HexString(Rng& rng, int digits, const char* table) {
  std::string s;
  while (digits > 0) {
    const int n = std::min(digits, 16);
    AppendHex(s, rng.Next(), n, table);
    digits -= n;
  }
  return s;
}

std::string UpperAlnum(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += kUpperAlnum[rng.Below(36)];
  return s;
}

// Percent-encodes everything but unreserved characters and '/', as keys appear in the log.
std::string UrlEncode(string_view raw) {
  std::string out;
  for (const char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~' || c == '/') {
      out += ch;
    } else {
      out += '%';
      out += kHexUpper[c >> 4];
      out += kHexUpper[c & 15];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Vocabulary.

constexpr std::array<string_view, 8> kCompanies = {"acme",  "globex", "initech", "umbrella",
                                                   "hooli", "stark",  "wayne",   "tyrell"};
constexpr std::array<string_view, 8> kRegions = {"us-east-1", "us-east-1",     "us-east-1",
                                                 "us-west-2", "eu-west-1",     "eu-central-1",
                                                 "us-east-2", "ap-southeast-2"};
constexpr std::array<string_view, 12> kUsers = {"alice", "bob",   "carol", "dave",
                                                "erin",  "frank", "grace", "heidi",
                                                "ivan",  "judy",  "oscar", "deploy-bot"};
constexpr std::array<string_view, 8> kRoles = {
    "app-backend-role",
    "etl-glue-job",
    "DataPipelineRole",
    "lambda-thumbnailer-role",
    "OrganizationAccountAccessRole",
    "AWSReservedSSO_AdministratorAccess_1a2b3c4d5e6f7a8b",
    "ci-deploy",
    "EMR_EC2_DefaultRole"};
constexpr std::array<string_view, 12> kWords = {"cat",    "beach day", "sunset", "invoice",
                                                "report", "holiday",   "my cat", "dog park",
                                                "family", "receipt",   "banner", "profile picture"};
// Uploaded file names as users type them: spaces, accents, CJK, '+', '&', '(', '='.
constexpr std::array<string_view, 10> kUploadNames = {
    "R\xC3\xA9sum\xC3\xA9 final (1).pdf",
    "na\xC3\xAFve caf\xC3\xA9.png",
    "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E.txt",
    "report+Q3.xlsx",
    "a&b=c.txt",
    "Screenshot 2024-03-01 at 10.15.02.png",
    "IMG_4821.HEIC",
    "contract_v2 (signed).docx",
    "Stra\303\237e #5.jpg",  // octal: a hex escape would swallow the 'e'
    "notes.md"};

constexpr std::array<string_view, 12> kSdkAgents = {
    "aws-sdk-java/1.12.1 Linux/5.10.184-175.749.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/25.372-b08 "
    "java/1.8.0_372 vendor/Amazon.com_Inc. cfg/retry-mode/standard",
    "aws-sdk-java/2.20.162 Linux/5.10.192-183.736.amzn2.x86_64 "
    "OpenJDK_64-Bit_Server_VM/17.0.8+7-LTS "
    "Java/17.0.8 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache "
    "cfg/retry-mode/legacy",
    "Boto3/1.28.57 md/Botocore#1.31.57 ua/2.0 os/linux#5.10.192-183.736.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.11.5 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.31.57",
    "aws-sdk-go/1.44.334 (go1.20.7; linux; amd64)",
    "aws-sdk-go-v2/1.21.0 os/linux lang/go#1.21.1 md/GOOS#linux md/GOARCH#amd64 api/s3#1.40.0",
    "aws-sdk-js/3.421.0 ua/2.0 os/linux#5.10.192-183.736.amzn2.x86_64 lang/js md/nodejs#18.18.0 "
    "api/s3#3.421.0",
    "aws-sdk-nodejs/2.1463.0 linux/v18.17.1 exec-env/AWS_Lambda_nodejs18.x callback",
    "aws-sdk-dotnet-coreclr/3.7.203.1 aws-sdk-dotnet-core/3.7.202.8 .NET_Core/6.0.22 "
    "OS/Linux_5.10.192-183.736.amzn2.x86_64 ClientAsync",
    "Hadoop 3.3.6, aws-sdk-java/1.12.367 Linux/5.10.192-183.736.amzn2.x86_64 "
    "OpenJDK_64-Bit_Server_VM/25.382-b05 java/1.8.0_382 scala/2.12.15 vendor/Amazon.com_Inc. "
    "cfg/retry-mode/legacy",
    "aws-sdk-rust/0.56.1 os/linux lang/rust/1.72.0",
    "aws-sdk-cpp/1.11.180 Linux/5.10.192-183.736.amzn2.x86_64 x86_64 GCC/11.4.0",
    "rclone/v1.64.0"};
constexpr std::array<string_view, 4> kCliAgents = {
    "aws-cli/2.13.0 Python/3.11.4 Linux/6.1.0-13-amd64 exe/x86_64.debian.12 prompt/off "
    "command/s3.cp",
    "aws-cli/2.13.25 Python/3.11.5 Darwin/23.0.0 exe/x86_64 prompt/off command/s3.sync",
    "aws-cli/1.29.57 Python/3.9.16 Linux/5.10.192-183.736.amzn2.x86_64 botocore/1.31.57",
    "aws-cli/2.15.0 Python/3.11.6 Windows/10 exe/AMD64 prompt/off command/s3api.get-object"};
constexpr std::array<string_view, 2> kConsoleAgents = {
    "S3Console/0.4",
    "S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 "
    "Linux/5.10.198-165.748.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.372-b08 java/1.8.0_372 "
    "vendor/Oracle_Corporation cfg/retry-mode/standard"};
constexpr std::array<string_view, 6> kBrowserAgents = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.43 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Safari/537.36 Edg/119.0.0.0"};
constexpr std::array<string_view, 8> kBotAgents = {
    "curl/8.4.0",
    "Wget/1.21.3",
    "python-requests/2.31.0",
    "Go-http-client/1.1",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Apache-HttpClient/4.5.14 (Java/17.0.8)",
    "-"};
constexpr std::array<string_view, 6> kLegacyAgents = {
    "aws-sdk-java/1.11.1 Linux/3.10.0-514.el7.x86_64 Java_HotSpot(TM)_64-Bit_Server_VM/25.92-b14/"
    "1.8.0_92",
    "Boto/2.49.0 Python/2.7.18 Linux/4.14.0-1.amzn1.x86_64",
    "s3cmd/2.3.0",
    "Cyberduck/8.6.3.40040 (Mac OS X/13.5) (x86_64)",
    "S3 Browser/11.5.7 (https://s3browser.com)",
    "aws-sdk-php/3.283.0 OS/Linux/5.15.0-86-generic lang/php/8.1.2 GuzzleHttp/7"};
constexpr std::array<string_view, 8> kReferers = {
    "https://www.example.com/",
    "https://www.example.com/products/shoes?color=red&size=42",
    "https://blog.example.org/2024/03/hello-world/",
    "https://www.google.com/",
    "https://t.co/AbCdEf123",
    "http://localhost:3000/",
    "https://app.example.io/dashboard#/files",
    "https://example.com/page"};

// Literal '"' inside fields, written unescaped as AWS does. Each has a quote with a non-space
// character on both sides ('="x'), and some also a quote followed by a space.
constexpr std::array<string_view, 4> kQuotedQueries = {
    "q=\"shoes\"", "filename=\"report 2024.pdf\"", "search=\"red dress\"&page=2", "tag=\"a\""};
constexpr std::array<string_view, 3> kQuotedReferers = {
    "https://www.example.com/search?q=\"summer dress\"&page=2",
    "https://blog.example.net/post?title=\"hello\"",
    "https://example.com/page?ref=\"newsletter\" campaign"};
constexpr std::array<string_view, 4> kQuotedAgents = {
    "Mozilla/5.0 (compatible; crawler=\"Nutch 1.19\"; +http://example.com/bot)",
    "Go-http-client/1.1 app=\"uploader\"", "MyApp/1.0 (build=\"2024.03\"; \"beta\" channel)",
    "python-requests/2.31.0 name=\"scraper\""};

// ---------------------------------------------------------------------------------------------
// The world: buckets with their keys, and clients.

enum class BucketKind { kMedia, kData, kBackup, kWeb };

struct KeyInfo {
  std::string key;  // URL-encoded, as logged
  uint64_t size = 0;
};

struct Bucket {
  std::string name, owner, region, account;
  std::string host_virtual, host_virtual_global, host_path, host_website, ap_arn, ap_host;
  bool versioned = false;
  bool public_read = false;  // anonymous GETs succeed (media, website); otherwise AccessDenied
  bool website = false;      // has a static website endpoint
  std::vector<KeyInfo> keys;
  std::vector<std::string> list_queries;  // query strings of REST.GET.BUCKET requests
};

enum class ClientKind { kSdk, kCli, kConsole, kBrowser, kBot, kLegacy, kPartner };

struct Client {
  ClientKind kind = ClientKind::kSdk;
  std::string ip;
  std::string requester;   // "-" for anonymous
  std::string access_key;  // for presigned URLs
  string_view user_agent, sig = "SigV4", auth = "AuthHeader", tls = "TLSv1.2",
                          cipher = "ECDHE-RSA-AES128-GCM-SHA256", source_region = "-";
  bool anonymous = false;
  bool presigned = false;  // signs with query parameters (auth QueryString)
  bool path_style = false;
  bool legacy_host = false;   // the global s3.amazonaws.com endpoints
  bool access_point = false;  // reaches the bucket through an access point
};

// Note: C++ leaves the evaluation order of function arguments unspecified, so every random
// draw below is sequenced into a local before it is formatted (same output on every compiler).
std::string MakeRawKey(Rng& rng, BucketKind kind, uint64_t* size) {
  const uint32_t r = rng.Below(100);
  switch (kind) {
    case BucketKind::kMedia: {
      if (r < 45) {
        *size = rng.LogUniform(15, 23);
        const uint32_t year = 2015 + rng.Below(10);
        const uint32_t month = 1 + rng.Below(12);
        const string_view word = rng.Pick(kWords);
        const std::string suffix = rng.Chance(0.5) ? fmt::format(" {}", rng.Below(50)) : "";
        return fmt::format("photos/{}/{:02}/{}{}.jpg", year, month, word, suffix);
      }
      if (r < 70) {
        *size = rng.LogUniform(10, 24);
        const uint32_t user = rng.Below(100000);
        return fmt::format("uploads/user-{}/{}", user, rng.Pick(kUploadNames));
      }
      if (r < 90) {
        *size = rng.LogUniform(11, 16);
        const uint32_t w = 100 << rng.Below(4);
        return fmt::format("thumbnails/{}/{}x{}.webp", rng.Below(1000000), w, w * 3 / 4);
      }
      *size = rng.LogUniform(24, 33);
      const std::string id = HexString(rng, 12, kHexLower);
      return fmt::format("videos/{}/{}.mp4", id, rng.Below(24));
    }
    case BucketKind::kData: {
      std::string uuid = HexString(rng, 8, kHexLower);
      for (const int n : {4, 4, 4, 12}) uuid += "-" + HexString(rng, n, kHexLower);
      if (r < 55) {
        *size = rng.LogUniform(20, 28);
        const uint32_t month = 1 + rng.Below(12);
        const uint32_t day = 1 + rng.Below(28);
        const uint32_t hour = rng.Below(24);
        const uint32_t part = rng.Below(200);
        return fmt::format(
            "raw/events/year=2024/month={:02}/day={:02}/hour={:02}/"
            "part-{:05}-{}.c000.snappy.parquet",
            month, day, hour, part, uuid);
      }
      if (r < 80) {
        *size = rng.LogUniform(12, 26);
        const uint32_t month = 1 + rng.Below(12);
        const uint32_t day = 1 + rng.Below(28);
        const uint32_t n = rng.Below(1000);
        return fmt::format("exports/orders/dt=2024-{:02}-{:02}/orders_{:06}.json.gz", month, day,
                           n);
      }
      if (r < 95) {
        *size = rng.LogUniform(9, 16);
        return fmt::format("warehouse/sales/_delta_log/{:020}.json", rng.Below(5000));
      }
      *size = 0;
      return fmt::format("tmp/spark-staging-{}/_SUCCESS", uuid);
    }
    case BucketKind::kBackup: {
      if (r < 60) {
        *size = rng.LogUniform(26, 36);
        const uint32_t month = 1 + rng.Below(12);
        const uint32_t day = 1 + rng.Below(28);
        return fmt::format("db/postgres/prod/2024-{:02}-{:02}T02:00:00Z.dump", month, day);
      }
      if (r < 99) {
        *size = rng.LogUniform(30, 37);
        const uint32_t vm = rng.Below(40);
        return fmt::format("vm/images/vm-{:02}/disk-{}.img", vm, rng.Below(4));
      }
      // Multi-terabyte archives (S3 allows up to 5 TiB): bytes_sent gets huge.
      *size = rng.Chance(0.5) ? 5368709120000ull : rng.Between(1ull << 40, 5ull << 40);
      return fmt::format("archive/{}/full-backup.tar", 2015 + rng.Below(9));
    }
    case BucketKind::kWeb: {
      if (r < 10) {
        *size = rng.LogUniform(11, 15);
        return "index.html";
      }
      if (r < 45) {
        *size = rng.LogUniform(13, 20);
        const string_view ext = r < 30 ? "js" : "css";
        return fmt::format("static/{}/main.{}.{}", ext, HexString(rng, 8, kHexLower), ext);
      }
      if (r < 75) {
        *size = rng.LogUniform(10, 21);
        const string_view word = rng.Pick(kWords);
        const uint32_t n = rng.Below(300);
        return fmt::format("images/{}-{}.{}", word, n, rng.Chance(0.5) ? "png" : "svg");
      }
      if (r < 80) {
        *size = rng.LogUniform(10, 13);
        return "favicon.ico";
      }
      *size = rng.LogUniform(12, 17);
      const uint32_t month = 1 + rng.Below(12);
      return fmt::format("blog/2024/{:02}/{}/index.html", month, rng.Pick(kWords));
    }
  }
  return "unknown";
}

std::string CanonicalId(Rng& rng) { return HexString(rng, 64, kHexLower); }

std::string AccountId(Rng& rng) {
  return std::to_string(rng.Between(100000000000ull, 999999999999ull));
}

Bucket MakeBucket(Rng& rng, BucketKind kind, string_view company, const std::string& account,
                  const std::string& owner) {
  static constexpr string_view kSuffix[] = {"media-assets", "data-lake", "backups", "www"};
  Bucket b;
  b.name = fmt::format("{}-{}", company, kSuffix[static_cast<int>(kind)]);
  if (kind == BucketKind::kBackup) b.name += fmt::format("-{}", rng.Below(1000));
  b.account = account;
  b.owner = owner;
  b.region = std::string(rng.Pick(kRegions));
  b.host_virtual = fmt::format("{}.s3.{}.amazonaws.com", b.name, b.region);
  b.host_virtual_global = fmt::format("{}.s3.amazonaws.com", b.name);
  b.host_path = fmt::format("s3.{}.amazonaws.com", b.region);
  b.host_website = fmt::format("{}.s3-website-{}.amazonaws.com", b.name, b.region);
  const std::string ap = fmt::format("{}-ap", kSuffix[static_cast<int>(kind)]);
  b.ap_arn = fmt::format("arn:aws:s3:{}:{}:accesspoint/{}", b.region, account, ap);
  b.ap_host = fmt::format("{}-{}.s3-accesspoint.{}.amazonaws.com", ap, account, b.region);
  b.versioned = kind == BucketKind::kBackup || kind == BucketKind::kMedia;
  b.public_read = kind == BucketKind::kMedia || kind == BucketKind::kWeb;
  b.website = kind == BucketKind::kWeb;
  const int nkeys = kind == BucketKind::kBackup ? 400 : 3000;
  b.keys.reserve(static_cast<size_t>(nkeys));
  for (int i = 0; i < nkeys; ++i) {
    KeyInfo k;
    k.key = UrlEncode(MakeRawKey(rng, kind, &k.size));
    b.keys.push_back(std::move(k));
  }
  // Listings by the "directories" of some keys.
  for (int i = 0; i < 16; ++i) {
    const std::string& key = b.keys[rng.Below(b.keys.size())].key;
    const size_t slash = key.find('/');
    const std::string prefix = slash == std::string::npos ? "" : key.substr(0, slash + 1);
    std::string enc;
    for (const char c : prefix) enc += c == '/' ? std::string("%2F") : std::string(1, c);
    switch (rng.Below(3)) {
      case 0:
        b.list_queries.push_back(
            fmt::format("list-type=2&prefix={}&delimiter=%2F&encoding-type=url", enc));
        break;
      case 1:
        b.list_queries.push_back(fmt::format("prefix={}&max-keys=1000", enc));
        break;
      default:
        b.list_queries.push_back(fmt::format("list-type=2&prefix={}", enc));
        break;
    }
  }
  return b;
}

std::string PublicIpv4(Rng& rng) {
  static constexpr std::array<unsigned, 16> kFirst = {3,  13, 18, 34, 35,  44,  52,  54,
                                                      66, 73, 81, 98, 107, 176, 185, 203};
  const unsigned a = rng.Pick(kFirst);
  const uint32_t b = rng.Below(256);
  const uint32_t c = rng.Below(256);
  return fmt::format("{}.{}.{}.{}", a, b, c, 1 + rng.Below(254));
}

std::string PrivateIpv4(Rng& rng) {
  const uint32_t b = rng.Below(256);
  const uint32_t c = rng.Below(256);
  return fmt::format("10.{}.{}.{}", b, c, 1 + rng.Below(254));
}

std::string Ipv6(Rng& rng) {
  uint32_t g[6];
  for (uint32_t& x : g) x = rng.Below(0x10000);
  switch (g[0] % 3) {
    case 0:
      return fmt::format("2001:db8::{:x}", 1 + g[1] % 0xffff);
    case 1:
      return fmt::format("2600:1f18:{:x}:{:x}:{:x}:{:x}:{:x}:{:x}", g[0], g[1], g[2], g[3], g[4],
                         g[5]);
    default:
      return fmt::format("2a02:{:x}:{:x}::{:x}", g[1], g[2], 1 + g[3] % 0xffff);
  }
}

struct World {
  std::vector<Bucket> buckets;
  std::vector<uint32_t> bucket_weights;  // cumulative
  std::vector<Client> clients;
  std::vector<uint32_t> browsers;  // indices of browser clients (website traffic)
};

World MakeWorld(Rng& rng) {
  World w;
  const string_view company = rng.Pick(kCompanies);
  const std::string account = AccountId(rng);
  const std::string owner = CanonicalId(rng);
  const std::string other_account = AccountId(rng);
  const std::string other_owner = CanonicalId(rng);
  w.buckets.push_back(MakeBucket(rng, BucketKind::kMedia, company, account, owner));
  w.buckets.push_back(MakeBucket(rng, BucketKind::kData, company, account, owner));
  w.buckets.push_back(MakeBucket(rng, BucketKind::kBackup, company, other_account, other_owner));
  w.buckets.push_back(MakeBucket(rng, BucketKind::kWeb, company, account, owner));
  w.bucket_weights = {40, 70, 80, 100};

  // Requesters of the owning account and of a partner account.
  const std::string partner_account = AccountId(rng);
  const std::string partner_id = CanonicalId(rng);
  constexpr int kClients = 2000;
  w.clients.reserve(kClients);
  for (int i = 0; i < kClients; ++i) {
    Client c;
    const uint32_t r = rng.Below(100);
    c.kind = r < 35   ? ClientKind::kSdk
             : r < 45 ? ClientKind::kCli
             : r < 48 ? ClientKind::kConsole
             : r < 78 ? ClientKind::kBrowser
             : r < 88 ? ClientKind::kBot
             : r < 94 ? ClientKind::kLegacy
                      : ClientKind::kPartner;
    c.access_key = "AKIA" + UpperAlnum(rng, 16);
    c.tls = rng.Chance(0.6) ? "TLSv1.2" : "TLSv1.3";
    const string_view acct = rng.Chance(0.8) ? string_view(account) : string_view(other_account);
    switch (c.kind) {
      case ClientKind::kSdk:
        c.ip = rng.Chance(0.4) ? PrivateIpv4(rng) : PublicIpv4(rng);
        if (rng.Chance(0.85)) {
          const string_view role = rng.Pick(kRoles);
          const std::string session =
              rng.Chance(0.5)
                  ? "i-0" + HexString(rng, 16, kHexLower)
                  : fmt::format("botocore-session-{}", 1709251200 + rng.Below(1u << 24));
          c.requester = fmt::format("arn:aws:sts::{}:assumed-role/{}/{}", acct, role, session);
        } else {
          c.requester = fmt::format("arn:aws:iam::{}:user/{}", acct, rng.Pick(kUsers));
        }
        c.user_agent = rng.Pick(kSdkAgents);
        if (rng.Chance(0.4)) c.source_region = rng.Pick(kRegions);
        c.access_point = rng.Chance(0.08);
        c.path_style = rng.Chance(0.1);
        break;
      case ClientKind::kCli:
        c.ip = rng.Chance(0.1) ? Ipv6(rng) : PublicIpv4(rng);
        c.requester = fmt::format("arn:aws:iam::{}:user/{}", acct, rng.Pick(kUsers));
        c.user_agent = rng.Pick(kCliAgents);
        c.path_style = rng.Chance(0.05);
        break;
      case ClientKind::kConsole:
        c.ip = PublicIpv4(rng);
        c.requester = rng.Chance(0.3)
                          ? owner
                          : fmt::format("arn:aws:sts::{}:assumed-role/{}/{}@example.com", acct,
                                        kRoles[5], rng.Pick(kUsers));
        c.user_agent = rng.Pick(kConsoleAgents);
        break;
      case ClientKind::kBrowser:
        c.ip = rng.Chance(0.15) ? Ipv6(rng) : PublicIpv4(rng);
        c.user_agent = rng.Pick(kBrowserAgents);
        c.presigned = rng.Chance(0.15);
        if (c.presigned) {
          // A presigned URL carries its signer's identity.
          c.requester = fmt::format("arn:aws:iam::{}:user/{}", account, rng.Pick(kUsers));
          c.auth = "QueryString";
        } else {
          c.anonymous = true;
        }
        c.tls = rng.Chance(0.7) ? "TLSv1.3" : "TLSv1.2";
        break;
      case ClientKind::kBot:
        c.ip = rng.Chance(0.05) ? Ipv6(rng) : PublicIpv4(rng);
        c.user_agent = rng.Pick(kBotAgents);
        c.anonymous = true;
        c.path_style = rng.Chance(0.3);
        break;
      case ClientKind::kLegacy:
        c.ip = PublicIpv4(rng);
        c.requester = rng.Chance(0.5)
                          ? owner
                          : fmt::format("arn:aws:iam::{}:user/{}", acct, rng.Pick(kUsers));
        c.user_agent = rng.Pick(kLegacyAgents);
        c.sig = rng.Chance(0.6) ? "SigV2" : "SigV4";
        c.path_style = rng.Chance(0.5);
        c.legacy_host = true;
        c.tls = rng.Chance(0.2) ? "-" : "TLSv1.2";
        break;
      case ClientKind::kPartner:
        c.ip = PublicIpv4(rng);
        c.requester = rng.Chance(0.5)
                          ? partner_id
                          : fmt::format("arn:aws:sts::{}:assumed-role/{}/{}", partner_account,
                                        kRoles[4], 1709251200 + rng.Below(1u << 24));
        c.user_agent = rng.Pick(kSdkAgents);
        c.source_region = rng.Pick(kRegions);
        break;
    }
    if (c.anonymous) {
      c.requester = "-";
      c.sig = "-";
      c.auth = "-";
    }
    if (c.tls == "-") {
      c.cipher = "-";
    } else if (c.tls == "TLSv1.3") {
      c.cipher = rng.Chance(0.8) ? "TLS_AES_128_GCM_SHA256" : "TLS_AES_256_GCM_SHA384";
    } else {
      c.cipher = rng.Chance(0.8) ? "ECDHE-RSA-AES128-GCM-SHA256" : "ECDHE-RSA-AES256-GCM-SHA384";
    }
    if (c.kind == ClientKind::kBrowser) w.browsers.push_back(static_cast<uint32_t>(i));
    w.clients.push_back(std::move(c));
  }
  if (w.browsers.empty()) w.browsers.push_back(0);
  return w;
}

// ---------------------------------------------------------------------------------------------
// Operations and their outcomes.

enum class OpKind {
  kGetObject,
  kHeadObject,
  kPutObject,
  kGetBucket,
  kWebsiteGet,
  kDeleteObject,
  kBatchDelete,
  kCopyObject,
  kInitUpload,
  kUploadPart,
  kCompleteUpload,
  kObjectConfig,  // GET ?acl / ?tagging on an object
  kBucketConfig,  // GET ?policy / ?versioning / ... on the bucket (key "-")
  kPreflight,
  kLifecycle,  // S3-internal: no client, no request URI
};

struct OpSpec {
  string_view name;
  string_view method;
  string_view query;  // fixed sub-resource, if any
  OpKind kind;
  uint32_t weight;  // per 10000
};

constexpr OpSpec kOps[] = {
    {"REST.GET.OBJECT", "GET", "", OpKind::kGetObject, 4500},
    {"REST.HEAD.OBJECT", "HEAD", "", OpKind::kHeadObject, 1200},
    {"REST.PUT.OBJECT", "PUT", "", OpKind::kPutObject, 1100},
    {"REST.GET.BUCKET", "GET", "", OpKind::kGetBucket, 700},
    {"WEBSITE.GET.OBJECT", "GET", "", OpKind::kWebsiteGet, 450},
    {"REST.DELETE.OBJECT", "DELETE", "", OpKind::kDeleteObject, 250},
    {"BATCH.DELETE.OBJECT", "POST", "delete", OpKind::kBatchDelete, 200},
    {"REST.PUT.PART", "PUT", "", OpKind::kUploadPart, 200},
    {"REST.COPY.OBJECT", "PUT", "", OpKind::kCopyObject, 150},
    {"REST.GET.ACL", "GET", "acl", OpKind::kObjectConfig, 80},
    {"REST.OPTIONS.PREFLIGHT", "OPTIONS", "", OpKind::kPreflight, 80},
    {"REST.POST.UPLOADS", "POST", "uploads", OpKind::kInitUpload, 60},
    {"REST.POST.UPLOAD", "POST", "", OpKind::kCompleteUpload, 60},
    {"REST.GET.OBJECT_TAGGING", "GET", "tagging", OpKind::kObjectConfig, 60},
    {"REST.GET.LOCATION", "GET", "location", OpKind::kBucketConfig, 60},
    {"S3.TRANSITION_SIA.OBJECT", "", "", OpKind::kLifecycle, 60},
    {"S3.EXPIRE.OBJECT", "", "", OpKind::kLifecycle, 60},
    {"REST.GET.BUCKETPOLICY", "GET", "policy", OpKind::kBucketConfig, 40},
    {"REST.GET.VERSIONING", "GET", "versioning", OpKind::kBucketConfig, 40},
    {"REST.GET.LOGGING_STATUS", "GET", "logging", OpKind::kBucketConfig, 20},
    {"S3.TRANSITION.OBJECT", "", "", OpKind::kLifecycle, 20},
    {"S3.TRANSITION_INT.OBJECT", "", "", OpKind::kLifecycle, 20},
    {"S3.CREATE.DELETEMARKER", "", "", OpKind::kLifecycle, 20},
};

static_assert(kOps[0].kind == OpKind::kGetObject, "WEBSITE.GET.OBJECT falls back to kOps[0]");

struct Outcome {
  uint16_t status;
  string_view error;
  uint32_t weight;  // per 10000
};

constexpr Outcome kGetOutcomes[] = {{200, "-", 8500},
                                    {206, "-", 500},
                                    {304, "-", 300},
                                    {404, "NoSuchKey", 400},
                                    {403, "AccessDenied", 200},
                                    {500, "InternalError", 30},
                                    {503, "SlowDown", 70}};
constexpr Outcome kHeadOutcomes[] = {
    {200, "-", 8800}, {304, "-", 200}, {404, "NoSuchKey", 800}, {403, "AccessDenied", 200}};
constexpr Outcome kPutOutcomes[] = {{200, "-", 9650},
                                    {403, "AccessDenied", 100},
                                    {400, "EntityTooSmall", 20},
                                    {403, "SignatureDoesNotMatch", 30},
                                    {500, "InternalError", 30},
                                    {503, "SlowDown", 170}};
constexpr Outcome kListOutcomes[] = {
    {200, "-", 9500}, {403, "AccessDenied", 400}, {503, "SlowDown", 100}};
constexpr Outcome kDeleteOutcomes[] = {{204, "-", 9800}, {403, "AccessDenied", 200}};
constexpr Outcome kOkOutcomes[] = {{200, "-", 9900}, {403, "AccessDenied", 100}};
constexpr Outcome kConfigOutcomes[] = {
    {200, "-", 8000}, {404, "NoSuchBucketPolicy", 1500}, {403, "AccessDenied", 500}};
constexpr Outcome kWebsiteOutcomes[] = {
    {200, "-", 8800}, {304, "-", 700}, {404, "NoSuchKey", 450}, {403, "AccessDenied", 50}};

template <size_t N>
const Outcome& PickOutcome(Rng& rng, const Outcome (&outcomes)[N]) {
  uint32_t r = rng.Below(10000);
  for (const Outcome& o : outcomes) {
    if (r < o.weight) return o;
    r -= o.weight;
  }
  return outcomes[0];
}

// Bytes of the XML error document S3 sends back for `error`.
uint64_t ErrorBytes(string_view error, size_t key_len) {
  if (error == "NoSuchKey") return 290 + key_len;
  if (error == "AccessDenied") return 243;
  if (error == "SlowDown") return 229;
  if (error == "InternalError") return 282;
  return 310;
}

// ---------------------------------------------------------------------------------------------
// Line generation.

enum class QuoteTarget { kNone, kUri, kReferer, kAgent };

class LineGenerator {
 public:
  LineGenerator(const S3AccessGenOptions& options, Rng& rng, const World& world)
      : rng_(rng), world_(world) {
    old_share_ = options.old_layout_share;
    newest_share_ = options.newest_layout_share;
    quote_share_ = options.quote_share;
    uint32_t total = 0;
    for (const OpSpec& op : kOps) total += op.weight;
    op_total_ = total;
  }

  const Bucket& PickBucket() {
    const uint32_t r = rng_.Below(world_.bucket_weights.back());
    size_t i = 0;
    while (r >= world_.bucket_weights[i]) ++i;
    return world_.buckets[i];
  }

  // Appends one log line (with its '\n') for a request at `t` (seconds since the epoch).
  void Append(std::string& o, int64_t t, const Bucket& b);

 private:
  const OpSpec& PickOp() {
    uint32_t r = rng_.Below(op_total_);
    for (const OpSpec& op : kOps) {
      if (r < op.weight) return op;
      r -= op.weight;
    }
    return kOps[0];
  }

  int PickLayout() {
    const double u = rng_.Unit();
    if (u < old_share_) {
      static constexpr int kOld[] = {17, 18, 24};
      return kOld[rng_.Below(3)];
    }
    if (u < old_share_ + newest_share_) return 27;
    return 26;
  }

  Rng& rng_;
  const World& world_;
  TimeCache times_;
  double old_share_ = 0, newest_share_ = 0, quote_share_ = 0;
  uint32_t op_total_ = 0;
};

void LineGenerator::Append(std::string& o, int64_t t, const Bucket& b) {
  const int layout = PickLayout();
  const OpSpec* picked = &PickOp();
  if (picked->kind == OpKind::kWebsiteGet && !b.website) picked = &kOps[0];  // REST.GET.OBJECT
  const OpSpec& op = *picked;
  const bool lifecycle = op.kind == OpKind::kLifecycle;
  const bool website = op.kind == OpKind::kWebsiteGet;
  const bool from_browser = website || op.kind == OpKind::kPreflight;
  const Client& c = from_browser
                        ? world_.clients[world_.browsers[rng_.Skewed(
                              static_cast<uint32_t>(world_.browsers.size()))]]
                        : world_.clients[rng_.Skewed(static_cast<uint32_t>(world_.clients.size()))];
  QuoteTarget quote = QuoteTarget::kNone;
  if (quote_share_ > 0 && rng_.Chance(quote_share_)) {
    quote = static_cast<QuoteTarget>(1 + rng_.Below(3));
    if (lifecycle) quote = QuoteTarget::kReferer;  // no URI, and S3 itself has no user agent
  }
  const bool has_key = op.kind != OpKind::kGetBucket && op.kind != OpKind::kBucketConfig;
  const KeyInfo& key = b.keys[rng_.Skewed(static_cast<uint32_t>(b.keys.size()))];

  // Outcome.
  Outcome outcome{200, "-", 0};
  switch (op.kind) {
    case OpKind::kGetObject:
      outcome = PickOutcome(rng_, kGetOutcomes);
      break;
    case OpKind::kHeadObject:
      outcome = PickOutcome(rng_, kHeadOutcomes);
      break;
    case OpKind::kPutObject:
    case OpKind::kUploadPart:
      outcome = PickOutcome(rng_, kPutOutcomes);
      break;
    case OpKind::kGetBucket:
      outcome = PickOutcome(rng_, kListOutcomes);
      break;
    case OpKind::kWebsiteGet:
      outcome = PickOutcome(rng_, kWebsiteOutcomes);
      break;
    case OpKind::kDeleteObject:
    case OpKind::kBatchDelete:
      outcome = PickOutcome(rng_, kDeleteOutcomes);
      break;
    case OpKind::kBucketConfig:
      outcome = PickOutcome(rng_, kConfigOutcomes);
      if (outcome.status == 404 && op.query != "policy") outcome = {200, "-", 0};
      break;
    case OpKind::kLifecycle:
      outcome = {0, "-", 0};
      break;
    default:
      outcome = PickOutcome(rng_, kOkOutcomes);
      break;
  }
  const bool reads = op.kind == OpKind::kGetObject || op.kind == OpKind::kHeadObject ||
                     op.kind == OpKind::kWebsiteGet || op.kind == OpKind::kPreflight;
  if (c.anonymous && !lifecycle && !(reads && b.public_read)) outcome = {403, "AccessDenied", 0};
  const bool error = outcome.error != "-";

  // Sizes and times. -1 means '-'.
  int64_t bytes_sent = -1, object_size = -1, total_ms = -1, turnaround_ms = -1;
  uint64_t transfer = 0;
  if (!error) {
    switch (op.kind) {
      case OpKind::kGetObject:
      case OpKind::kWebsiteGet:
        object_size = static_cast<int64_t>(key.size);
        if (outcome.status == 200) {
          bytes_sent = object_size;
        } else if (outcome.status == 206) {
          bytes_sent =
              static_cast<int64_t>(std::min<uint64_t>(key.size, 1ull << (16 + rng_.Below(8))));
        }
        transfer = bytes_sent > 0 ? static_cast<uint64_t>(bytes_sent) : 0;
        break;
      case OpKind::kHeadObject:
        object_size = static_cast<int64_t>(key.size);
        break;
      case OpKind::kPutObject:
      case OpKind::kCopyObject:
        object_size = static_cast<int64_t>(key.size);
        transfer = key.size;
        if (op.kind == OpKind::kCopyObject) bytes_sent = 234 + rng_.Below(40);
        break;
      case OpKind::kUploadPart:
        object_size = static_cast<int64_t>(8ull << 20 << rng_.Below(3));
        transfer = static_cast<uint64_t>(object_size);
        break;
      case OpKind::kGetBucket:
        bytes_sent = 600 + rng_.Below(60000);
        break;
      case OpKind::kInitUpload:
      case OpKind::kCompleteUpload:
        bytes_sent = 300 + rng_.Below(200);
        object_size = op.kind == OpKind::kCompleteUpload ? static_cast<int64_t>(key.size) : -1;
        break;
      case OpKind::kObjectConfig:
      case OpKind::kBucketConfig:
        bytes_sent = 100 + rng_.Below(1500);
        break;
      case OpKind::kLifecycle:
        object_size = static_cast<int64_t>(key.size);
        break;
      default:
        break;
    }
  } else if (op.kind != OpKind::kHeadObject) {
    bytes_sent = static_cast<int64_t>(ErrorBytes(outcome.error, key.key.size()));
  }
  if (!lifecycle) {
    const uint32_t r = rng_.Below(100);
    turnaround_ms = r < 85   ? 1 + rng_.Below(25)
                    : r < 99 ? 25 + rng_.Below(200)
                             : 200 + rng_.Below(3000);
    if (error) turnaround_ms = 1 + rng_.Below(10);
    // 8 MB/s .. 256 MB/s.
    const uint64_t bytes_per_ms = 8000ull << rng_.Below(6);
    total_ms = turnaround_ms + static_cast<int64_t>(transfer / bytes_per_ms) + rng_.Below(3);
    if (op.kind == OpKind::kBucketConfig) turnaround_ms = -1;
  }

  // Version id, when the request names one.
  bool with_version = false;
  if (b.versioned && !error) {
    if (op.kind == OpKind::kGetObject || op.kind == OpKind::kHeadObject) {
      with_version = rng_.Chance(0.05);
    } else if (op.kind == OpKind::kDeleteObject || op.kind == OpKind::kBatchDelete ||
               op.kind == OpKind::kLifecycle) {
      with_version = rng_.Chance(0.3);
    }
  }
  std::string version;
  if (with_version) AppendSym64(version, rng_, kVersionChars, 32);

  const bool via_ap = c.access_point && !website && !lifecycle;
  const bool path_style = c.path_style && !website && !via_ap;

  // 1-3: owner, bucket, time.
  if (rng_.Chance(0.0002)) {
    o += '-';
  } else {
    o += b.owner;
  }
  o += ' ';
  o += b.name;
  o += ' ';
  o += times_.Log(t);
  o += ' ';
  // 4-5: remote IP, requester.
  if (lifecycle || rng_.Chance(0.0005)) {
    o += '-';
  } else {
    o += c.ip;
  }
  o += ' ';
  const bool unsigned_request = lifecycle || website || op.kind == OpKind::kPreflight;
  o += unsigned_request ? string_view("-") : string_view(c.requester);
  o += ' ';
  // 6-8: request id, operation, key.
  AppendHex(o, rng_.Next(), 16, kHexUpper);
  o += ' ';
  o += op.name;
  o += ' ';
  o += has_key ? string_view(key.key) : string_view("-");
  o += ' ';
  // 9: request URI.
  if (lifecycle) {
    o += '-';
  } else {
    o += '"';
    o += op.method;
    o += ' ';
    o += '/';
    if (path_style) {
      o += b.name;
      if (has_key) o += '/';
    }
    if (has_key && op.kind != OpKind::kBatchDelete) o += key.key;
    char sep = '?';
    auto param = [&](string_view p) {
      o += sep;
      o += p;
      sep = '&';
    };
    if (!op.query.empty()) param(op.query);
    if (op.kind == OpKind::kGetBucket) param(b.list_queries[rng_.Below(b.list_queries.size())]);
    if (op.kind == OpKind::kUploadPart || op.kind == OpKind::kCompleteUpload) {
      if (op.kind == OpKind::kUploadPart) {
        param("partNumber=");
        AppendU64(o, 1 + rng_.Below(200));
      }
      param("uploadId=");
      AppendSym64(o, rng_, kVersionChars, 64);
    }
    if (with_version) {
      param("versionId=");
      o += version;
    }
    if (c.presigned && (op.kind == OpKind::kGetObject || op.kind == OpKind::kHeadObject ||
                        op.kind == OpKind::kPutObject)) {
      const string_view amz = times_.AmzDate(t);
      param("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=");
      o += c.access_key;
      o += "%2F";
      o += amz.substr(0, 8);
      o += "%2F";
      o += b.region;
      o += "%2Fs3%2Faws4_request&X-Amz-Date=";
      o += amz;
      o += "&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=";
      for (int i = 0; i < 4; ++i) AppendHex(o, rng_.Next(), 16, kHexLower);
    }
    if (quote == QuoteTarget::kUri) param(rng_.Pick(kQuotedQueries));
    o += " HTTP/1.1\"";
  }
  o += ' ';
  // 10-15: status, error code, bytes sent, object size, total time, turn-around time.
  if (lifecycle) {
    o += '-';
  } else {
    AppendU64(o, outcome.status);
  }
  o += ' ';
  o += outcome.error;
  for (const int64_t v : {bytes_sent, object_size, total_ms, turnaround_ms}) {
    o += ' ';
    if (v < 0) {
      o += '-';
    } else {
      AppendU64(o, static_cast<uint64_t>(v));
    }
  }
  // 16-17: referer, user agent.
  o += " \"";
  if (quote == QuoteTarget::kReferer) {
    o += rng_.Pick(kQuotedReferers);
  } else if (c.kind == ClientKind::kBrowser && !lifecycle && rng_.Chance(0.6)) {
    o += rng_.Pick(kReferers);
  } else {
    o += '-';
  }
  o += "\" \"";
  if (quote == QuoteTarget::kAgent) {
    o += rng_.Pick(kQuotedAgents);
  } else {
    o += lifecycle ? string_view("-") : c.user_agent;
  }
  o += '"';
  if (layout == 17) {
    o += '\n';
    return;
  }
  // 18-19: version id, host id.
  o += ' ';
  o += with_version ? string_view(version) : string_view("-");
  if (layout == 18) {
    o += '\n';
    return;
  }
  o += ' ';
  // 56 random bytes in base64: 74 free symbols, one with its low 2 bits zero, then '='.
  AppendSym64(o, rng_, kBase64, 74);
  o += kBase64[static_cast<size_t>(rng_.Below(16)) * 4];
  o += '=';
  // 20-24: signature version, cipher suite, auth type, host header, TLS version.
  const bool plain_http = lifecycle || website || c.tls == "-";
  o += ' ';
  o += unsigned_request ? string_view("-") : c.sig;
  o += ' ';
  o += plain_http ? string_view("-") : c.cipher;
  o += ' ';
  o += unsigned_request ? string_view("-") : c.auth;
  o += ' ';
  if (lifecycle) {
    o += '-';
  } else if (website) {
    o += b.host_website;
  } else if (via_ap) {
    o += b.ap_host;
  } else if (path_style) {
    o += c.legacy_host ? string_view("s3.amazonaws.com") : string_view(b.host_path);
  } else {
    o += c.legacy_host ? b.host_virtual_global : b.host_virtual;
  }
  o += ' ';
  o += plain_http ? string_view("-") : c.tls;
  if (layout == 24) {
    o += '\n';
    return;
  }
  // 25-26: access point ARN, ACL required.
  o += ' ';
  o += via_ap ? string_view(b.ap_arn) : string_view("-");
  o += ' ';
  o += !lifecycle && !c.anonymous && rng_.Chance(0.02) ? string_view("Yes") : string_view("-");
  if (layout == 26) {
    o += '\n';
    return;
  }
  // 27: source region.
  o += ' ';
  o += lifecycle ? string_view("-") : c.source_region;
  o += '\n';
}

Status ValidateOptions(const S3AccessGenOptions& o, int64_t* start_day, Compression* compression) {
  if (o.total_bytes == 0 || o.total_bytes > kMaxTotalBytes) {
    return Status::InvalidArgument(
        fmt::format("total_bytes must be in 1..{}, got {}", kMaxTotalBytes, o.total_bytes));
  }
  if (o.objects < 0) {
    return Status::InvalidArgument(fmt::format("objects must be >= 0, got {}", o.objects));
  }
  if (o.days < 1 || o.days > kMaxDays) {
    return Status::InvalidArgument(fmt::format("days must be in 1..{}, got {}", kMaxDays, o.days));
  }
  const std::pair<string_view, double> shares[] = {{"old_layout_share", o.old_layout_share},
                                                   {"newest_layout_share", o.newest_layout_share},
                                                   {"quote_share", o.quote_share}};
  for (const auto& [name, v] : shares) {
    if (!(v >= 0.0 && v <= 1.0)) {  // also rejects NaN
      return Status::InvalidArgument(fmt::format("{} must be in [0, 1], got {}", name, v));
    }
  }
  if (o.old_layout_share + o.newest_layout_share > 1.0) {
    return Status::InvalidArgument(
        fmt::format("old_layout_share + newest_layout_share must be <= 1, got {} + {}",
                    o.old_layout_share, o.newest_layout_share));
  }
  if (!ParseDate(o.start_date, start_day)) {
    return Status::InvalidArgument(
        fmt::format("start_date must be a valid YYYY-MM-DD (1970..9000), got '{}'", o.start_date));
  }
  if (o.compression != "none" && o.compression != "gzip" && o.compression != "zstd") {
    return Status::InvalidArgument(
        fmt::format("compression must be none, gzip or zstd, got '{}'", o.compression));
  }
  SILT_ASSIGN_OR_RETURN(*compression, ParseCompression(o.compression));
  return Status::OK();
}

}  // namespace

Result<S3AccessGenSummary> GenerateS3Access(const S3AccessGenOptions& options, store::Store& out,
                                            const std::function<void(uint64_t)>& progress) {
  int64_t start_day = 0;
  Compression compression = Compression::kNone;
  SILT_RETURN_IF_ERROR(ValidateOptions(options, &start_day, &compression));

  const uint64_t total = options.total_bytes;
  const uint64_t objects =
      options.objects > 0
          ? static_cast<uint64_t>(options.objects)
          : std::max<uint64_t>(1, total / kDefaultObjectBytes + (total % kDefaultObjectBytes != 0));
  const int64_t range_start = start_day * kSecondsPerDay;
  const int64_t span = static_cast<int64_t>(options.days) * kSecondsPerDay;
  const string_view ext = compression == Compression::kGzip   ? ".gz"
                          : compression == Compression::kZstd ? ".zst"
                                                              : "";

  // The world comes from its own stream so that the lines' stream starts at a fixed point.
  Rng world_rng(options.seed);
  const World world = MakeWorld(world_rng);
  Rng rng(options.seed ^ 0x5eed5eed5eed5eedull);
  LineGenerator lines(options, rng, world);

  // Object i ends when the running total reaches its cumulative share, so rounding and the
  // last line's overshoot do not accumulate over objects.
  const uint64_t base_share = total / objects;
  const uint64_t extra = total % objects;
  std::string buf;
  buf.reserve(base_share + 1 + 4096);

  S3AccessGenSummary summary;
  int64_t prev_delivery = std::numeric_limits<int64_t>::min();
  for (uint64_t i = 0; i < objects; ++i) {
    if (interrupt::Stopping()) return interrupt::AsStatus();
    const uint64_t cumulative = base_share * (i + 1) + std::min(i + 1, extra);
    const uint64_t goal = cumulative > summary.bytes ? cumulative - summary.bytes : 1;
    // This object's slice of the time range: [t0, t1).
    const int64_t t0 =
        range_start + static_cast<int64_t>(static_cast<uint64_t>(span) * i / objects);
    const int64_t t1 =
        range_start + static_cast<int64_t>(static_cast<uint64_t>(span) * (i + 1) / objects);
    const double slice = static_cast<double>(std::max<int64_t>(t1 - t0, 1));
    const Bucket& bucket = lines.PickBucket();

    buf.clear();
    int64_t t = t0;
    while (buf.size() < goal) {
      // Time advances with the bytes written: the object's lines spread over its slice.
      const auto offset =
          static_cast<int64_t>(slice * static_cast<double>(buf.size()) / static_cast<double>(goal));
      t = std::max(t, std::min(t0 + offset, std::max(t1 - 1, t0)));
      lines.Append(buf, t, bucket);
      ++summary.lines;
    }

    // Delivered a few minutes after the last request; strictly increasing, so names sort in
    // generation order.
    int64_t delivery = t + 60 + rng.Below(600);
    if (prev_delivery != std::numeric_limits<int64_t>::min()) {
      delivery = std::max(delivery, prev_delivery + 1);
    }
    prev_delivery = delivery;
    std::string name = options.prefix;
    name += ObjectNameTime(delivery);
    name += '-';
    AppendHex(name, rng.Next(), 16, kHexUpper);
    name += ext;

    if (compression == Compression::kNone) {
      auto put = out.Put(name, buf);
      if (!put.ok()) return put.status().WithContext(fmt::format("writing {}", name));
    } else {
      auto packed = Compress(compression, buf);
      if (!packed.ok()) return packed.status().WithContext(fmt::format("compressing {}", name));
      auto put = out.Put(name, *packed);
      if (!put.ok()) return put.status().WithContext(fmt::format("writing {}", name));
    }
    ++summary.objects;
    summary.bytes += buf.size();
    if (progress) progress(summary.bytes);
  }
  return summary;
}

}  // namespace silt::gen
