#include "silt/query/remote_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "silt/common/parallel.h"
#include "silt/common/strings.h"
#include "silt/common/uri.h"
#include "silt/query/log_scan.h"
#include "silt/s3/sigv4.h"
#include "silt/store/s3_store.h"

namespace silt::query {

namespace fs = std::filesystem;

namespace {

std::string Env(const char* n) {
  const char* v = std::getenv(n);
  return v != nullptr ? std::string(v) : std::string();
}

// The identifier that ends right before `pos` (skipping blanks and one '('), lowercase.
std::string CallBefore(std::string_view sql, size_t pos) {
  size_t i = pos;
  auto skip_blank = [&] {
    while (i > 0 && std::isspace(static_cast<unsigned char>(sql[i - 1]))) --i;
  };
  skip_blank();
  if (i == 0 || sql[i - 1] != '(') return {};
  --i;
  skip_blank();
  size_t end = i;
  while (i > 0 && (std::isalnum(static_cast<unsigned char>(sql[i - 1])) || sql[i - 1] == '_')) --i;
  std::string name(sql.substr(i, end - i));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// The cache paths this process has mirrored: never evicted while it runs (a view created in
// `silt sql` reads them without mirroring again).
std::set<std::string>& Mirrored() {
  static auto* paths = new std::set<std::string>();
  return *paths;
}
std::mutex& MirroredMutex() {
  static auto* mu = new std::mutex();
  return *mu;
}

// Downloads one object version to `path` (through a temporary file and a rename).
Status Fetch(const InputObject& obj, const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return Status::IoError(fmt::format("creating {}: {}", path.parent_path().string(), ec.message()));
  const fs::path tmp = path.string() + fmt::format(".silt-tmp-{}", ::getpid());
  struct RemoveUnlessRenamed {  // a failed or interrupted download leaves nothing behind
    const fs::path& tmp;
    bool renamed = false;
    ~RemoveUnlessRenamed() {
      std::error_code e;
      if (!renamed) fs::remove(tmp, e);
    }
  } guard{tmp};
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::IoError(fmt::format("cannot write {}", tmp.string()));
    SILT_ASSIGN_OR_RETURN(auto reader, obj.store->OpenReader(obj.version, 0, obj.version.size));
    std::vector<char> buf(4 << 20);
    uint64_t total = 0;
    while (true) {
      SILT_ASSIGN_OR_RETURN(size_t n, reader->Read(buf.data(), buf.size()));
      if (n == 0) break;
      out.write(buf.data(), static_cast<std::streamsize>(n));
      total += n;
    }
    out.close();
    if (!out || total != obj.version.size) {
      return Status::IoError(fmt::format("caching {}: wrote {} of {} bytes", obj.name, total, obj.version.size));
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) return Status::IoError(fmt::format("caching {}: {}", obj.name, ec.message()));
  guard.renamed = true;
  std::ofstream(path.string() + ".silt-etag") << obj.version.etag;
  return Status::OK();
}

std::string CachedEtag(const fs::path& path) {
  std::ifstream in(path.string() + ".silt-etag");
  std::string etag;
  std::getline(in, etag);
  return etag;
}

// The cache folder for one store: by endpoint host and bucket.
fs::path CacheRoot(const Uri& uri, const InputObject* any) {
  std::string host = "s3";
  if (any != nullptr) {
    if (auto* s3 = dynamic_cast<store::S3Store*>(any->store.get())) {
      host = s3::HostOf(s3->client().settings().EffectiveEndpoint());
      for (char& c : host) {
        if (c == ':' || c == '/') c = '_';
      }
    }
  }
  return fs::path(RemoteCacheDir()) / "s3" / host / uri.bucket;
}

Result<std::string> MirrorOne(const std::string& location, MirrorStats* stats) {
  SILT_ASSIGN_OR_RETURN(Uri uri, ParseUri(location));
  SILT_ASSIGN_OR_RETURN(std::vector<InputObject> objects, ResolveInputs({location}));
  const fs::path root = CacheRoot(uri, objects.empty() ? nullptr : &objects.front());
  const std::string base = fmt::format("s3://{}/", uri.bucket);
  std::set<std::string> wanted;
  std::vector<std::pair<const InputObject*, fs::path>> to_fetch;
  for (const InputObject& o : objects) {
    if (!o.name.starts_with(base)) continue;
    fs::path local = root / o.name.substr(base.size());
    wanted.insert(local.string());
    // A hit counts as a use (mtime now): eviction removes the least recently used objects.
    if (CachedEtag(local) != o.version.etag || ::utimensat(AT_FDCWD, local.c_str(), nullptr, 0) != 0) {
      to_fetch.emplace_back(&o, local);
    }
  }
  {
    std::lock_guard<std::mutex> lock(MirroredMutex());
    Mirrored().insert(wanted.begin(), wanted.end());
  }
  // Fetch in parallel (S3 likes several connections); the store bounds requests in flight.
  SILT_RETURN_IF_ERROR(ParallelFor(to_fetch.size(), {8, 1}, [&](size_t i, unsigned) {
    return Fetch(*to_fetch[i].first, to_fetch[i].second);
  }));
  // Remove cached files that the location no longer holds, so a glob or a folder sees exactly
  // S3's view (and the cache does not keep every generation of a re-converted output).
  size_t g = uri.path.find_first_of("*?[");
  // A location without a trailing slash is a folder when objects lie below it.
  const std::string below = base + uri.path + "/";
  const bool folder_no_slash =
      g == std::string::npos && !uri.path.empty() && uri.path.back() != '/' &&
      std::any_of(objects.begin(), objects.end(),
                  [&](const InputObject& o) { return o.name.starts_with(below); });
  std::string scope = uri.path.substr(0, g == std::string::npos ? uri.path.size() : uri.path.rfind('/', g) + 1);
  if (folder_no_slash) scope += '/';
  const fs::path scope_dir = root / scope.substr(0, scope.rfind('/') + 1);
  std::string pattern = g == std::string::npos ? std::string() : uri.path;
  std::error_code ec;
  if (g != std::string::npos || (!uri.path.empty() && uri.path.back() == '/') || folder_no_slash) {
    for (auto it = fs::recursive_directory_iterator(scope_dir, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      // '_' and '.' folders are left out of listings (and mirrored on their own: a conversion's
      // _silt/runs), so they are no stale copies.
      const std::string name = it->path().filename().string();
      if (it->is_directory() && (name.starts_with("_") || name.starts_with("."))) {
        it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file()) continue;
      std::string p = it->path().string();
      if (p.ends_with(".silt-etag") || p.find(".silt-tmp-") != std::string::npos) continue;
      std::string key = fs::relative(it->path(), root).string();
      if (!pattern.empty() && !GlobMatch(pattern, key)) continue;
      if (wanted.count(p) == 0) {
        fs::remove(it->path(), ec);
        fs::remove(p + ".silt-etag", ec);
      }
    }
  }
  if (stats != nullptr) {
    stats->objects += objects.size();
    stats->fetched += to_fetch.size();
    for (const auto& [o, p] : to_fetch) stats->fetched_bytes += o->version.size;
  }
  // A folder that holds a conversion output: its run manifests too (inputs leave '_' folders
  // out), so that FROM '<folder>' reads the files they name (table/folder_sql.h). Locations
  // whose last part has a '.' are taken for objects (one.parquet) and cost no extra listing.
  std::string_view folder = uri.path;
  while (folder.ends_with('/')) folder.remove_suffix(1);
  const std::string_view last = folder.substr(folder.rfind('/') + 1);  // npos + 1 = 0
  if (g == std::string::npos && last.find('.') == std::string_view::npos &&
      !uri.path.ends_with("_silt/runs/")) {
    std::string runs = location + (location.ends_with('/') ? "" : "/") + "_silt/runs/";
    auto mirrored = MirrorOne(runs, stats);
    if (!mirrored.ok() && mirrored.status().code() != StatusCode::kNotFound) {
      return mirrored.status();
    }
  }
  // A folder location ("s3://b/out/") maps to its cache folder; DuckDB globs work the same.
  return (root / uri.path).string();
}

Result<std::string> MirrorLiterals(std::string_view sql, MirrorStats* stats);

// Runs `mirror` (which adds to the MirrorStats it is given); when it downloaded anything, brings
// the cache back under RemoteCacheLimit(), keeping what the last ten minutes used.
template <class Mirror>
Result<std::string> MirrorThenTrim(MirrorStats* stats, const Mirror& mirror) {
  SILT_ASSIGN_OR_RETURN(const uint64_t limit, RemoteCacheLimit());
  MirrorStats mine;
  SILT_ASSIGN_OR_RETURN(std::string local, mirror(&mine));
  if (mine.fetched > 0) {
    std::lock_guard<std::mutex> lock(MirroredMutex());
    EvictCache(RemoteCacheDir() + "/s3", limit > 0 ? limit : UINT64_MAX, std::chrono::minutes(10),
               Mirrored());
  }
  if (stats != nullptr) {
    stats->objects += mine.objects;
    stats->fetched += mine.fetched;
    stats->fetched_bytes += mine.fetched_bytes;
  }
  return local;
}

}  // namespace

Result<uint64_t> RemoteCacheLimit() {
  const std::string v = Env("SILT_CACHE_MAX");
  if (v.empty()) return uint64_t{10} << 30;
  uint64_t n = 0;
  if (!ParseByteSize(v, &n)) {
    return Status::InvalidArgument("SILT_CACHE_MAX: not a size like 50GiB (0 = no limit): " + v);
  }
  return n;
}

EvictStats EvictCache(const std::string& dir, uint64_t max_bytes, std::chrono::seconds keep_recent,
                      const std::set<std::string>& keep) {
  struct Cached {
    fs::file_time_type used;
    uint64_t size;
    fs::path path;
  };
  std::vector<Cached> all;
  EvictStats st;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code e;
    if (!it->is_regular_file(e)) continue;
    const std::string name = it->path().filename().string();
    if (name.ends_with(".silt-etag")) continue;
    if (const size_t t = name.rfind(".silt-tmp-"); t != std::string::npos) {
      // A download in progress, or one whose process was killed (nothing else removes it).
      const long pid = std::strtol(name.c_str() + t + 10, nullptr, 10);
      if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove(it->path(), e);
      continue;
    }
    const uint64_t size = it->file_size(e);
    const fs::file_time_type used = it->last_write_time(e);
    if (e) continue;  // gone meanwhile
    all.push_back({used, size, it->path()});
    st.left_bytes += size;
  }
  if (st.left_bytes <= max_bytes) return st;
  std::sort(all.begin(), all.end(), [](const Cached& a, const Cached& b) { return a.used < b.used; });
  const fs::file_time_type recent = fs::file_time_type::clock::now() - keep_recent;
  for (const Cached& c : all) {
    if (st.left_bytes <= max_bytes || c.used >= recent) break;
    if (keep.count(c.path.string()) > 0) continue;  // counted, never removed
    std::error_code e;
    if (!fs::remove(c.path, e) || e) continue;
    fs::remove(c.path.string() + ".silt-etag", e);
    // Folders this left empty, up to the cache's own.
    for (fs::path d = c.path.parent_path(); d.string().size() > dir.size(); d = d.parent_path()) {
      if (!fs::is_empty(d, e) || e || !fs::remove(d, e)) break;
    }
    ++st.files;
    st.bytes += c.size;
    st.left_bytes -= c.size;
  }
  return st;
}

Result<std::string> MirrorLocation(const std::string& location, MirrorStats* stats) {
  return MirrorThenTrim(stats, [&](MirrorStats* mine) { return MirrorOne(location, mine); });
}

std::string RemoteCacheDir() {
  std::string d = Env("SILT_CACHE_DIR");
  if (!d.empty()) return d;
  d = Env("XDG_CACHE_HOME");
  if (!d.empty()) return d + "/silt";
  std::string home = Env("HOME");
  return (home.empty() ? std::string("/tmp") : home) + "/.cache/silt";
}

std::string CachedLocation(std::string_view path) {
  // <cache>/s3/<endpoint host>/<bucket>/<key>, as CacheRoot lays it out.
  std::string root = RemoteCacheDir() + "/s3/";
  if (!path.starts_with(root)) return "";
  std::string_view rest = path.substr(root.size());
  const size_t host_end = rest.find('/');
  if (host_end == std::string_view::npos || host_end + 1 >= rest.size()) return "";
  return "s3://" + std::string(rest.substr(host_end + 1));
}

Result<std::string> MirrorRemoteLiterals(std::string_view sql, MirrorStats* stats) {
  if (sql.find("s3://") == std::string_view::npos) return std::string(sql);
  return MirrorThenTrim(stats, [&](MirrorStats* mine) { return MirrorLiterals(sql, mine); });
}

namespace {

// MirrorRemoteLiterals without the trimming.
Result<std::string> MirrorLiterals(std::string_view sql, MirrorStats* stats) {
  std::string out;
  out.reserve(sql.size());
  std::map<std::string, std::string> done;
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t e = sql.find('\n', i);
      e = e == std::string_view::npos ? sql.size() : e;
      out.append(sql.substr(i, e - i));
      i = e;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      size_t e = sql.find("*/", i + 2);
      e = e == std::string_view::npos ? sql.size() : e + 2;
      out.append(sql.substr(i, e - i));
      i = e;
    } else if (c == '"') {
      size_t e = i + 1;
      while (e < sql.size() && !(sql[e] == '"' && (e + 1 >= sql.size() || sql[e + 1] != '"'))) {
        e += sql[e] == '"' ? 2 : 1;
      }
      e = std::min(e + 1, sql.size());
      out.append(sql.substr(i, e - i));
      i = e;
    } else if (c == '\'') {
      std::string value;
      size_t e = i + 1;
      while (e < sql.size()) {
        if (sql[e] == '\'') {
          if (e + 1 < sql.size() && sql[e + 1] == '\'') {
            value += '\'';
            e += 2;
            continue;
          }
          break;
        }
        value += sql[e++];
      }
      e = std::min(e + 1, sql.size());
      const std::string call = CallBefore(sql, i);
      if (value.starts_with("s3://") && call != "read_log" && call != "read_log_rejects") {
        auto it = done.find(value);
        if (it == done.end()) {
          SILT_ASSIGN_OR_RETURN(std::string local, MirrorOne(value, stats));
          it = done.emplace(value, local).first;
        }
        std::string quoted = "'";
        for (char ch : it->second) quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
        out += quoted + "'";
      } else {
        out.append(sql.substr(i, e - i));
      }
      i = e;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

}  // namespace

}  // namespace silt::query
