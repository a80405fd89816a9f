#include "silt/query/log_scan.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "silt/common/strings.h"
#include "silt/common/uri.h"

namespace silt::query {

namespace {

constexpr size_t kBlockSize = 4u << 20;             // bytes of lines handed out per buffer
constexpr size_t kCompressedBlock = 1u << 20;       // stored bytes read per request
constexpr size_t kMaxLineBytes = 256u << 20;        // a longer "line" is not a log line

bool HiddenKey(std::string_view key) {
  size_t i = 0;
  while (i < key.size()) {
    if (key[i] == '.' || key[i] == '_') return true;
    size_t slash = key.find('/', i);
    if (slash == std::string_view::npos) break;
    i = slash + 1;
  }
  return false;
}

std::string JoinName(const Uri& root, std::string_view key) {
  if (root.is_local()) return root.path == "/" ? "/" + std::string(key) : root.path + "/" + std::string(key);
  std::string base = root.ToString();
  if (!base.empty() && base.back() != '/') base += '/';
  return base + std::string(key);
}

Status AddListed(const std::shared_ptr<store::Store>& st, const Uri& root, std::string_view pattern,
                 std::vector<InputObject>* out, size_t* matched) {
  // List only below the pattern's literal beginning ("2024-05-*" lists "2024-05-"): on S3 that
  // is the difference between reading a day's keys and a bucket's.
  std::string_view literal = pattern.substr(0, std::min(pattern.find_first_of("*?[\\"), pattern.size()));
  return store::ListAll(*st, literal, [&](store::ObjectVersion& v) -> Status {
    if (HiddenKey(v.key) || store::IsFolderMarker(v)) return Status::OK();
    if (!pattern.empty() && !GlobMatch(pattern, v.key)) return Status::OK();
    std::string name = JoinName(root, v.key);
    out->push_back(InputObject{st, std::move(v), std::move(name)});
    ++*matched;
    return Status::OK();
  });
}

}  // namespace

Result<std::vector<InputObject>> ResolveInputs(const std::vector<std::string>& locations) {
  if (locations.empty()) return Status::InvalidArgument("no input location given");
  std::vector<InputObject> found;  // sorted and made unique by name at the end
  for (const std::string& loc : locations) {
    SILT_ASSIGN_OR_RETURN(Uri uri, ParseUri(loc));
    size_t matched = 0;
    // A local path that exists as written is that file or folder, even with glob characters
    // in its name ("access[1].log").
    struct stat literal;
    const bool exists_as_written = uri.is_local() && ::stat(uri.path.c_str(), &literal) == 0;
    if (HasGlob(uri.path) && !exists_as_written) {
      // Open the store at the deepest directory without glob characters.
      size_t g = uri.path.find_first_of("*?[");
      size_t slash = uri.path.rfind('/', g);
      Uri root = uri;
      root.path = uri.path.substr(0, slash == std::string::npos ? 0 : slash);
      if (root.is_local() && root.path.empty()) root.path = "/";
      std::string pattern = uri.path.substr(slash == std::string::npos ? 0 : slash + 1);
      auto st = store::OpenStore(root);
      if (!st.ok()) {
        if (st.status().IsNotFound()) return Status::NotFound(fmt::format("no objects match '{}'", loc));
        return st.status();
      }
      std::shared_ptr<store::Store> shared = std::move(st).value();
      SILT_RETURN_IF_ERROR(AddListed(shared, root, pattern, &found, &matched));
      // On S3, a key that exists as written is that object, even with glob characters in it
      // ("logs/access[1].log"), when the pattern matched nothing.
      if (matched == 0 && !uri.is_local()) {
        auto v = shared->Head(pattern);
        if (v.ok() && !store::IsFolderMarker(*v)) {
          found.push_back(InputObject{shared, *v, uri.ToString()});
          matched = 1;
        } else if (!v.ok() && !v.status().IsNotFound()) {
          return v.status();
        }
      }
    } else if (uri.is_local()) {
      struct stat sb;
      if (stat(uri.path.c_str(), &sb) != 0) {
        return Status::NotFound(fmt::format("input '{}' does not exist", loc));
      }
      if (S_ISDIR(sb.st_mode)) {
        SILT_ASSIGN_OR_RETURN(auto st, store::OpenStore(uri));
        std::shared_ptr<store::Store> shared = std::move(st);
        SILT_RETURN_IF_ERROR(AddListed(shared, uri, "", &found, &matched));
      } else {
        Uri parent = uri;
        size_t slash = uri.path.rfind('/');
        parent.path = slash == 0 ? "/" : uri.path.substr(0, slash);
        SILT_ASSIGN_OR_RETURN(auto st, store::OpenStore(parent));
        std::shared_ptr<store::Store> shared = std::move(st);
        std::string key = uri.path.substr(slash + 1);
        SILT_ASSIGN_OR_RETURN(store::ObjectVersion v, shared->Head(key));
        found.push_back(InputObject{shared, v, uri.path});
        matched = 1;
      }
    } else {
      // s3://bucket/path: every object under the prefix path/, or else the object `path`.
      SILT_ASSIGN_OR_RETURN(auto st, store::OpenStore(uri));
      std::shared_ptr<store::Store> shared = std::move(st);
      SILT_RETURN_IF_ERROR(AddListed(shared, uri, "", &found, &matched));
      if (matched == 0 && !uri.path.empty() && uri.path.back() != '/') {
        Uri parent = uri;
        size_t slash = uri.path.rfind('/');
        parent.path = slash == std::string::npos ? "" : uri.path.substr(0, slash);
        SILT_ASSIGN_OR_RETURN(auto pst, store::OpenStore(parent));
        std::shared_ptr<store::Store> pshared = std::move(pst);
        auto v = pshared->Head(uri.path.substr(slash == std::string::npos ? 0 : slash + 1));
        if (v.ok()) {
          std::string name = uri.ToString();
          found.push_back(InputObject{pshared, *v, name});
          matched = 1;
        } else if (!v.status().IsNotFound()) {
          return v.status();
        }
      }
    }
    if (matched == 0) return Status::NotFound(fmt::format("no objects match '{}'", loc));
  }
  // By name; an object named by two locations once (the later location's listing wins).
  auto by_name = [](const InputObject& a, const InputObject& b) { return a.name < b.name; };
  if (!std::is_sorted(found.begin(), found.end(), by_name)) {
    std::stable_sort(found.begin(), found.end(), by_name);
  }
  // Duplicates removed in place (the first `kept` are the result); of two with one name the
  // later location's listing replaces the earlier.
  size_t kept = 0;
  for (size_t i = 0; i < found.size(); ++i) {
    if (kept > 0 && found[kept - 1].name == found[i].name) {
      found[kept - 1] = std::move(found[i]);
    } else if (kept++ != i) {
      found[kept - 1] = std::move(found[i]);
    }
  }
  found.resize(kept);
  return found;
}

static bool CompressedByName(std::string_view name) {
  auto ends = [&](std::string_view s) {
    return name.size() >= s.size() && name.substr(name.size() - s.size()) == s;
  };
  return ends(".gz") || ends(".gzip") || ends(".zst") || ends(".zstd") || ends(".bz2");
}

ScanPlan::ScanPlan(const formats::Format* format, std::vector<InputObject> objects,
                   uint64_t split_bytes)
    : format_(format),
      objects_(std::make_shared<const std::vector<InputObject>>(std::move(objects))) {
  const std::vector<InputObject>& all = *objects_;
  for (size_t i = 0; i < all.size(); ++i) {
    uint64_t size = all[i].version.size;
    total_bytes_ += size;
    if (size <= split_bytes || CompressedByName(all[i].name) || !format_->splittable()) {
      units_.push_back({i, 0, size});
      continue;
    }
    for (uint64_t b = 0; b < size; b += split_bytes) {
      units_.push_back({i, b, std::min(size, b + split_bytes)});
    }
  }
  // Large units first, so that the last unit does not leave one thread working alone.
  std::stable_sort(units_.begin(), units_.end(), [](const ScanUnit& a, const ScanUnit& b) {
    return (a.end - a.begin) > (b.end - b.begin);
  });
}

ScanPlan::ScanPlan(const formats::Format* format, std::vector<InputObject> objects,
                   std::vector<ScanUnit> units)
    : ScanPlan(format, std::make_shared<const std::vector<InputObject>>(std::move(objects)),
               std::move(units)) {}

ScanPlan::ScanPlan(const formats::Format* format,
                   std::shared_ptr<const std::vector<InputObject>> objects,
                   std::vector<ScanUnit> units, std::vector<InputObject> extra)
    : format_(format),
      objects_(std::move(objects)),
      extra_objects_(std::move(extra)),
      units_(std::move(units)) {
  for (const auto& u : units_) total_bytes_ += u.end - u.begin;
}

const ScanUnit* ScanPlan::ClaimUnit(std::atomic<size_t>& cursor) const {
  size_t i = cursor.fetch_add(1, std::memory_order_relaxed);
  return i < units_.size() ? &units_[i] : nullptr;
}

Status ScanPlan::SetExtraColumns(std::optional<KeyPattern> pattern, bool source_columns) {
  extra_columns_.clear();
  captures_.clear();
  // Column names compare as SQL compares them: without regard to case.
  auto same = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
  };
  auto add = [&](const std::string& name, formats::ColumnType type) -> Status {
    for (const auto& c : format_->schema()) {
      if (!same(c.name, name)) continue;
      return Status::InvalidArgument(fmt::format(
          "column '{}' (from the key pattern or source columns) is already a column of format {}",
          name, format_->name()));
    }
    for (const auto& c : extra_columns_) {
      if (!same(c.name, name)) continue;
      return Status::InvalidArgument(fmt::format(
          "column '{}' comes twice: the key pattern's captures and the source columns "
          "(source_object, source_line) need names that differ, case aside",
          name));
    }
    extra_columns_.push_back({name, type});
    return Status::OK();
  };
  if (pattern.has_value()) {
    for (const auto& n : pattern->names()) SILT_RETURN_IF_ERROR(add(n, formats::ColumnType::kVarchar));
    captures_.reserve(object_count());
    for (size_t i = 0; i < object_count(); ++i) captures_.push_back(pattern->Match(object(i).version.key));
  }
  if (source_columns) {
    SILT_RETURN_IF_ERROR(add("source_object", formats::ColumnType::kVarchar));
    SILT_RETURN_IF_ERROR(add("source_line", formats::ColumnType::kInt64));
  }
  pattern_ = std::move(pattern);
  source_columns_ = source_columns;
  return Status::OK();
}

void ScanPlan::SetError(const Status& s) {
  std::lock_guard<std::mutex> lock(mu_);
  if (error_.ok()) error_ = s;
}

Status ScanPlan::error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

bool ScanPlan::Enter() {
  in_flight_.fetch_add(1);
  if (!closed_.load()) return true;
  in_flight_.fetch_sub(1);
  return false;
}

void ScanPlan::Leave() { in_flight_.fetch_sub(1); }

void ScanPlan::Close() {
  closed_.store(true);
  while (in_flight_.load() != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

UnitReader::UnitReader() = default;

uint64_t UnitReader::TakeBytesRead() {
  uint64_t b = bytes_read_;
  bytes_read_ = 0;
  return b;
}

Status UnitReader::Open(ScanPlan* plan, const ScanUnit* unit) {
  plan_ = plan;
  unit_ = unit;
  object_ = &plan->object(unit->object);
  reader_.reset();
  data_begin_ = data_end_ = 0;
  eof_ = false;
  done_ = false;
  skip_unit_ = false;
  detect_ = false;
  read_limit_ = object_->version.size;
  decompressor_.reset();
  compressed_ = false;
  in_view_ = {};
  // Size the buffer to the unit: small objects (the common case for access logs) need little,
  // and a thread may hold many readers' buffers until its batch is handed out.
  const uint64_t span = unit->end - unit->begin + 1;
  size_t want = static_cast<size_t>(std::min<uint64_t>(kBlockSize, std::max<uint64_t>(span, 4096)));
  if (buf_.capacity() > 2 * (want + formats::LineScanner::kPadding)) std::vector<char>().swap(buf_);
  buf_.resize(want + formats::LineScanner::kPadding);
  if (unit->begin == 0) {
    // Compression is detected from the first bytes read, whatever the object's name says.
    detect_ = true;
    read_pos_ = 0;
    buf_offset_ = 0;
    skip_partial_ = false;
    return Status::OK();
  }
  char head[4] = {0, 0, 0, 0};
  SILT_ASSIGN_OR_RETURN(size_t n, object_->store->ReadRange(object_->version.key, 0, 4, head));
  if (DetectCompression(std::string_view(head, n)) != Compression::kNone) {
    // A misnamed compressed object that was split: its first unit reads it whole.
    skip_unit_ = true;
    return Status::OK();
  }
  // A unit that starts mid-object starts at the first line beginning at or after `begin`:
  // read from begin-1 and drop everything up to the first '\n'.
  read_pos_ = unit->begin - 1;
  buf_offset_ = read_pos_;
  skip_partial_ = true;
  return Status::OK();
}

Result<size_t> UnitReader::ReadAt(uint64_t pos, size_t want, char* out) {
  // Reads are sequential within a unit: one reader per unit lets remote stores fetch ahead.
  if (reader_ == nullptr || reader_pos_ != pos) {
    SILT_ASSIGN_OR_RETURN(reader_, object_->store->OpenReader(object_->version, pos, read_limit_));
    reader_pos_ = pos;
  }
  size_t got = 0;
  while (got < want) {
    SILT_ASSIGN_OR_RETURN(size_t n, reader_->Read(out + got, want - got));
    if (n == 0) break;
    got += n;
  }
  reader_pos_ += got;
  return got;
}

Status UnitReader::Fill() {
  // Move unconsumed bytes to the front, grow when a single line fills the buffer.
  size_t pending = data_end_ - data_begin_;
  if (data_begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + data_begin_, pending);
    buf_offset_ += data_begin_;
    data_begin_ = 0;
    data_end_ = pending;
  }
  size_t cap = buf_.size() - formats::LineScanner::kPadding;
  if (pending >= cap / 2) {
    if (buf_.size() > kMaxLineBytes) {
      return Status::Corruption(fmt::format(
          "{}: a line longer than {} at byte {}; not a log file?", object_->name,
          HumanBytes(kMaxLineBytes), buf_offset_));
    }
    buf_.resize(buf_.size() * 2);
    cap = buf_.size() - formats::LineScanner::kPadding;
  }
  if (detect_) {
    // First read of an object: plain text lands in place; compressed bytes move to in_.
    detect_ = false;
    size_t want = static_cast<size_t>(std::min<uint64_t>(cap - data_end_, read_limit_));
    size_t n = 0;
    if (want > 0) {
      SILT_ASSIGN_OR_RETURN(n, ReadAt(0, want, buf_.data() + data_end_));
    }
    Compression c = DetectCompression(std::string_view(buf_.data(), n));
    read_pos_ = n;
    bytes_read_ += n;
    if (c == Compression::kNone) {
      data_end_ += n;
      if (n < want || read_pos_ >= read_limit_) eof_ = true;
      return Status::OK();
    }
    compressed_ = true;
    decompressor_ = MakeDecompressor(c);
    in_.assign(buf_.data(), buf_.data() + n);
    if (in_.size() < kCompressedBlock) in_.resize(kCompressedBlock);
    in_view_ = std::string_view(in_.data(), n);
    // Decompressed text is larger: give it room.
    size_t room = static_cast<size_t>(std::min<uint64_t>(kBlockSize, 8 * read_limit_ + 4096));
    if (buf_.size() < room + formats::LineScanner::kPadding) {
      buf_.resize(room + formats::LineScanner::kPadding);
    }
    cap = buf_.size() - formats::LineScanner::kPadding;
  }
  if (!compressed_) {
    size_t want = cap - data_end_;
    uint64_t left = read_limit_ > read_pos_ ? read_limit_ - read_pos_ : 0;
    if (want > left) want = static_cast<size_t>(left);
    size_t n = 0;
    if (want > 0) {
      SILT_ASSIGN_OR_RETURN(n, ReadAt(read_pos_, want, buf_.data() + data_end_));
    }
    read_pos_ += n;
    bytes_read_ += n;
    data_end_ += n;
    if (n < want || read_pos_ >= read_limit_) eof_ = true;
    return Status::OK();
  }
  // Compressed: decompress until the buffer is full or input ends.
  while (data_end_ < cap) {
    if (in_view_.empty()) {
      if (read_pos_ >= read_limit_) {
        if (!decompressor_->AtEnd()) {
          return Status::Corruption(fmt::format("{}: compressed stream is truncated", object_->name));
        }
        eof_ = true;
        break;
      }
      size_t want = static_cast<size_t>(std::min<uint64_t>(in_.size(), read_limit_ - read_pos_));
      SILT_ASSIGN_OR_RETURN(size_t n, ReadAt(read_pos_, want, in_.data()));
      if (n == 0) {
        read_limit_ = read_pos_;
        continue;
      }
      read_pos_ += n;
      bytes_read_ += n;
      in_view_ = std::string_view(in_.data(), n);
    }
    size_t before = in_view_.size();
    auto r = decompressor_->Decompress(in_view_, buf_.data() + data_end_, cap - data_end_);
    if (!r.ok()) return r.status().WithContext(object_->name);
    data_end_ += *r;
    if (*r == 0 && in_view_.size() == before) {
      return Status::Corruption(fmt::format("{}: decompression makes no progress", object_->name));
    }
  }
  return Status::OK();
}

Result<bool> UnitReader::Next(const char** begin, const char** end) {
  if (skip_unit_ || done_) return false;
  while (true) {
    char* base = buf_.data();
    // Drop a partial first line.
    if (skip_partial_) {
      const void* nl = std::memchr(base + data_begin_, '\n', data_end_ - data_begin_);
      if (nl == nullptr) {
        data_begin_ = data_end_;
        if (eof_) {
          done_ = true;
          return false;
        }
        SILT_RETURN_IF_ERROR(Fill());
        continue;
      }
      data_begin_ = static_cast<size_t>(static_cast<const char*>(nl) - base) + 1;
      skip_partial_ = false;
    }
    // Unit end: the unit owns lines starting before unit_->end (stored offsets equal
    // decompressed ones for uncompressed objects; compressed units own the whole object).
    uint64_t start_off = buf_offset_ + data_begin_;
    if (!compressed_ && start_off >= unit_->end) {
      done_ = true;
      return false;
    }
    // Find the end of the last whole line in the data.
    size_t last_nl = std::string_view::npos;
    if (data_end_ > data_begin_) {
      const char* p = base + data_end_;
      while (p > base + data_begin_) {
        if (*--p == '\n') {
          last_nl = static_cast<size_t>(p - base);
          break;
        }
      }
    }
    size_t stop;
    if (!compressed_ && buf_offset_ + data_end_ > unit_->end) {
      // The unit's last line is the one that contains byte end-1.
      size_t from = static_cast<size_t>(unit_->end - 1 - buf_offset_);
      if (from < data_begin_) from = data_begin_;
      const void* nl = std::memchr(base + from, '\n', data_end_ - from);
      if (nl != nullptr) {
        stop = static_cast<size_t>(static_cast<const char*>(nl) - base) + 1;
        done_ = true;
      } else if (eof_) {
        stop = data_end_;
        done_ = true;
      } else {
        SILT_RETURN_IF_ERROR(Fill());
        continue;
      }
    } else if (last_nl != std::string_view::npos) {
      stop = last_nl + 1;
      if (eof_ && stop == data_end_) done_ = true;
      if (eof_ && stop < data_end_) stop = data_end_, done_ = true;  // last line without '\n'
    } else if (eof_) {
      if (data_end_ == data_begin_) {
        done_ = true;
        return false;
      }
      stop = data_end_;
      done_ = true;
    } else {
      SILT_RETURN_IF_ERROR(Fill());
      continue;
    }
    lines_offset_ = buf_offset_ + data_begin_;
    *begin = base + data_begin_;
    *end = base + stop;
    data_begin_ = stop;
    if (!done_ && data_begin_ == data_end_ && eof_) done_ = true;
    return true;
  }
}

TimePeeker::TimePeeker(const formats::Format* format)
    : format_(format), time_column_(formats::FindColumn(format->schema(), format->time_column())) {
  std::vector<bool> wanted(format->schema().size(), false);
  if (time_column_ >= 0) wanted[static_cast<size_t>(time_column_)] = true;
  parser_ = format->MakeParser(wanted);
  batch_ = std::make_unique<formats::RowBatch>(format->schema());
}

Result<std::optional<int64_t>> TimePeeker::Peek(const InputObject& obj, const ScanUnit& unit) {
  if (time_column_ < 0) return std::optional<int64_t>();
  constexpr size_t kPeek = 64 * 1024;
  head_.resize(kPeek);
  SILT_ASSIGN_OR_RETURN(size_t n, obj.store->ReadRange(obj.version.key, unit.begin, kPeek, head_.data()));
  std::string_view text(head_.data(), n);
  Compression c = DetectCompression(text);
  if (unit.begin == 0 && c != Compression::kNone) {
    auto d = MakeDecompressor(c);
    plain_.resize(4 * kPeek);
    std::string_view in = text;
    size_t got = 0;
    while (got < plain_.size() && !in.empty()) {
      auto r = d->Decompress(in, plain_.data() + got, plain_.size() - got);
      if (!r.ok() || *r == 0) break;
      got += *r;
    }
    text = std::string_view(plain_.data(), got);
  }
  if (unit.begin != 0) {
    // Skip the (possibly partial) first line: a later line's time serves as well.
    size_t nl = text.find('\n');
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  // Whole lines only, unless the object ends within what was read.
  if (unit.begin + n < obj.version.size || c != Compression::kNone) {
    size_t last = text.rfind('\n');
    text = last == std::string_view::npos ? std::string_view() : text.substr(0, last + 1);
  }
  parser_->BeginObject();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) continue;
    if (parser_->Parse(line, *batch_, 0, &reason_) == formats::LineResult::kRow &&
        !batch_->nulls(time_column_)[0]) {
      return std::optional<int64_t>(batch_->ints(time_column_)[0]);
    }
  }
  return std::optional<int64_t>();
}

Result<std::shared_ptr<const formats::Format>> OpenFormatFor(
    std::string_view name, const formats::FormatOptions& options,
    const std::vector<InputObject>& objects) {
  const formats::Format* f = formats::FindFormat(name);
  std::string sample;
  const InputObject* sampled = nullptr;
  if (f != nullptr && !f->options().empty() && !objects.empty()) {
    // The sample comes from the first object with at least two lines (a header and a row, or
    // two rows), else from the first that is not empty: log folders often begin with an empty
    // or header-only object. At most kMaxSampled objects are looked at.
    constexpr size_t kMaxSampled = 64;
    auto lines_in = [](std::string_view text) {
      size_t n = 0;
      for (size_t b = 0; b < text.size() && n < 2;) {
        size_t e = text.find('\n', b);
        if (e == std::string_view::npos) e = text.size();
        if (text.substr(b, e - b).find_first_not_of(" \t\r") != std::string_view::npos) ++n;
        b = e + 1;
      }
      return n;
    };
    std::string first_nonempty;
    for (size_t i = 0; i < objects.size() && i < kMaxSampled; ++i) {
      SILT_ASSIGN_OR_RETURN(std::string text, SampleLines(objects[i]));
      const size_t n = lines_in(text);
      if (n >= 2) {
        sample = std::move(text);
        sampled = &objects[i];
        break;
      }
      if (n == 1 && sampled == nullptr) {
        first_nonempty = std::move(text);
        sampled = &objects[i];
      }
    }
    if (sample.empty()) sample = std::move(first_nonempty);
  }
  auto r = formats::OpenFormat(name, options, sample);
  if (!r.ok() && sampled != nullptr) {
    return r.status().WithContext(fmt::format("reading a sample of {}", sampled->name));
  }
  return r;
}

Result<std::string> SampleLines(const InputObject& object) {
  // 256 KiB of whole lines; more when the first line is longer (up to 64 MiB).
  for (size_t max = 256 * 1024;; max *= 4) {
    SILT_ASSIGN_OR_RETURN(std::string text, ReadSample(object, max));
    if (text.size() < max) return text;  // the whole object
    const size_t nl = text.rfind('\n');
    if (nl != std::string::npos) {
      text.resize(nl + 1);
      return text;
    }
    if (max >= (64u << 20)) return text;  // one line longer than that: the format says so
  }
}

Result<std::string> ReadSample(const InputObject& object, size_t max_bytes) {
  std::string raw(max_bytes, '\0');
  SILT_ASSIGN_OR_RETURN(size_t n, object.store->ReadRange(object.version.key, 0, max_bytes, raw.data()));
  raw.resize(n);
  Compression c = DetectCompression(raw);
  if (c == Compression::kNone) return raw;
  auto d = MakeDecompressor(c);
  std::string out(max_bytes, '\0');
  std::string_view in = raw;
  size_t got = 0;
  while (got < out.size() && !in.empty()) {
    auto r = d->Decompress(in, out.data() + got, out.size() - got);
    if (!r.ok()) return r.status().WithContext(object.name);
    if (*r == 0) break;
    got += *r;
  }
  out.resize(got);
  return out;
}

Result<uint64_t> CountLinesBefore(const InputObject& object, uint64_t offset) {
  std::vector<char> buf(4u << 20);
  uint64_t lines = 0;
  uint64_t pos = 0;
  while (pos < offset) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), offset - pos));
    SILT_ASSIGN_OR_RETURN(size_t n,
                          object.store->ReadRange(object.version.key, pos, want, buf.data()));
    if (n == 0) break;
    lines += static_cast<uint64_t>(std::count(buf.data(), buf.data() + n, '\n'));
    pos += n;
  }
  return lines;
}

}  // namespace silt::query
