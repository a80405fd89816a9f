#include "silt/gen/text_logs_gen.h"

#include <array>
#include <string_view>

#include <fmt/format.h>

#include "silt/common/civil_time.h"
#include "silt/common/interrupt.h"
#include "silt/gen/rng.h"

namespace silt::gen {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 8> kPaths = {
    "/", "/index.html", "/products/shoes", "/api/v1/orders", "/static/app.js",
    "/images/logo.png", "/search", "/blog/2024/03/launch-notes"};
constexpr std::array<std::string_view, 6> kAgents = {
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "curl/8.5.0", "Googlebot/2.1 (+http://www.google.com/bot.html)",
    "python-requests/2.31.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0"};
constexpr std::array<std::string_view, 6> kMethods = {"GET", "GET", "GET", "POST", "HEAD", "PUT"};
constexpr std::array<int, 8> kStatuses = {200, 200, 200, 200, 304, 404, 500, 301};
constexpr std::array<std::string_view, 5> kCustomers = {"acme", "globex", "initech", "umbrella",
                                                        "hooli"};
constexpr std::array<std::string_view, 6> kActions = {"login", "logout", "read", "write",
                                                      "delete", "share"};
constexpr std::array<std::string_view, 5> kEvents = {"page_view", "click", "add_to_cart",
                                                     "purchase", "search"};
constexpr std::array<std::string_view, 6> kCountries = {"DE", "US", "FR", "JP", "BR", "IN"};

struct Clock {
  int64_t secs;  // seconds since the epoch
  int64_t micros;
};

void AppendClfTime(std::string& o, int64_t secs) {
  const int64_t days = secs / 86400;
  const int64_t rem = secs % 86400;
  CivilDate d = CivilFromDays(days);
  fmt::format_to(std::back_inserter(o), "{:02}/{}/{:04}:{:02}:{:02}:{:02} +0000", d.day,
                 kMonths[d.month - 1], d.year, rem / 3600, (rem / 60) % 60, rem % 60);
}

void AppendIso(std::string& o, int64_t secs, int64_t millis) {
  const int64_t days = secs / 86400;
  const int64_t rem = secs % 86400;
  CivilDate d = CivilFromDays(days);
  fmt::format_to(std::back_inserter(o), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", d.year,
                 d.month, d.day, rem / 3600, (rem / 60) % 60, rem % 60, millis);
}

void Line(const std::string& kind, Rng& rng, int64_t secs, std::string& o) {
  if (kind == "combined") {
    fmt::format_to(std::back_inserter(o), "{}.{}.{}.{} - ", 1 + rng.Below(223), rng.Below(256),
                   rng.Below(256), 1 + rng.Below(254));
    if (rng.Chance(0.1)) {
      o += "alice";
    } else {
      o += '-';
    }
    o += " [";
    AppendClfTime(o, secs);
    o += "] \"";
    o += rng.Pick(kMethods);
    o += ' ';
    o += kPaths[rng.Skewed(kPaths.size())];
    if (rng.Chance(0.3)) fmt::format_to(std::back_inserter(o), "?q={}&page={}", rng.Below(1000), rng.Below(9));
    o += " HTTP/1.1\" ";
    int status = rng.Pick(kStatuses);
    fmt::format_to(std::back_inserter(o), "{} ", status);
    if (status == 304) {
      o += '-';
    } else {
      fmt::format_to(std::back_inserter(o), "{}", rng.LogUniform(8, 20));
    }
    o += rng.Chance(0.4) ? " \"-\" \"" : " \"https://www.example.com/\" \"";
    o += kAgents[rng.Skewed(kAgents.size())];
    o += "\"\n";
  } else if (kind == "csv") {
    AppendIso(o, secs, rng.Below(1000));
    fmt::format_to(std::back_inserter(o), ",{},{},{},", 1000 + rng.Below(5000),
                   rng.Pick(kActions), rng.Chance(0.8) ? "true" : "false");
    // A resource name that sometimes needs quoting.
    if (rng.Chance(0.2)) {
      fmt::format_to(std::back_inserter(o), "\"reports/Q{}, {} \"\"final\"\".pdf\"", 1 + rng.Below(4), 2020 + rng.Below(5));
    } else {
      fmt::format_to(std::back_inserter(o), "docs/file-{}.txt", rng.Below(100000));
    }
    fmt::format_to(std::back_inserter(o), ",{},{}.{}.{}.{}\n", rng.LogUniform(4, 24),
                   10, rng.Below(256), rng.Below(256), 1 + rng.Below(254));
  } else {  // jsonl
    o += "{\"ts\":\"";
    AppendIso(o, secs, rng.Below(1000));
    fmt::format_to(std::back_inserter(o),
                   "\",\"event\":\"{}\",\"user\":{{\"id\":{},\"country\":\"{}\"}},\"page\":\"{}\","
                   "\"duration_ms\":{}.{},\"ok\":{}}}\n",
                   kEvents[rng.Skewed(kEvents.size())], 1 + rng.Below(100000),
                   rng.Pick(kCountries), kPaths[rng.Skewed(kPaths.size())], rng.Below(5000),
                   rng.Below(10), rng.Chance(0.95) ? "true" : "false");
  }
}

}  // namespace

Result<TextLogGenSummary> GenerateTextLogs(const TextLogGenOptions& options, store::Store& out,
                                           const std::function<void(uint64_t)>& progress) {
  const std::string& kind = options.kind;
  if (kind != "combined" && kind != "csv" && kind != "jsonl") {
    return Status::InvalidArgument(fmt::format("unknown log kind '{}' (combined, csv, jsonl)", kind));
  }
  int64_t start_day;
  if (!ParseDate(options.start_date, &start_day)) {
    return Status::InvalidArgument(fmt::format("start date '{}' is not YYYY-MM-DD", options.start_date));
  }
  if (options.days < 1 || options.days > 3660) return Status::InvalidArgument("days must be 1..3660");
  if (options.total_bytes == 0) return Status::InvalidArgument("total bytes must be > 0");
  if (options.objects < 0) return Status::InvalidArgument("objects must be >= 0");
  const uint64_t per_day_objects = static_cast<uint64_t>(std::max<int64_t>(
      1, options.objects > 0 ? (options.objects + options.days - 1) / options.days
                             : static_cast<int64_t>(options.total_bytes / options.days / (8 << 20)) + 1));
  const uint64_t object_bytes = std::max<uint64_t>(256, options.total_bytes / options.days / per_day_objects);
  Rng rng(options.seed);
  TextLogGenSummary summary;
  std::string buf;
  buf.reserve(object_bytes + 1024);
  const std::string header = "event_time,user_id,action,success,resource,bytes,ip\n";
  for (int day = 0; day < options.days; ++day) {
    for (uint64_t n = 0; n < per_day_objects; ++n) {
      if (interrupt::Stopping()) return interrupt::AsStatus();
      buf.clear();
      std::string key;
      const std::string date = FormatDate(start_day + day);
      if (kind == "combined") {
        key = fmt::format("{}access-{}-{:04}.log", options.prefix, date, n);
      } else if (kind == "csv") {
        key = fmt::format("{}{}/audit/{}-{:04}.csv", options.prefix,
                          kCustomers[n % kCustomers.size()], date, n);
        buf += header;
      } else {
        key = fmt::format("{}events-{}-{:04}.jsonl", options.prefix, date, n);
      }
      // Times advance through the object's share of the day.
      const int64_t day_start = (start_day + day) * 86400;
      const int64_t slot = 86400 / static_cast<int64_t>(per_day_objects);
      const int64_t t0 = day_start + static_cast<int64_t>(n) * slot;
      uint64_t lines = 0;
      while (buf.size() < object_bytes) {
        const int64_t secs = t0 + static_cast<int64_t>(
            (static_cast<uint64_t>(slot) * buf.size()) / object_bytes);
        Line(kind, rng, secs, buf);
        ++lines;
      }
      SILT_RETURN_IF_ERROR(out.Put(key, buf).status());
      summary.objects++;
      summary.lines += lines;
      summary.bytes += buf.size();
      if (progress) progress(summary.bytes);
    }
  }
  return summary;
}

}  // namespace silt::gen
