#include "silt/table/jsonl_rejects.h"

#include <fmt/format.h>

#include "silt/common/strings.h"

namespace silt::table {

void JsonlRejects::OnReject(const formats::Reject& r) {
  std::string line = "{\"object\":\"";
  JsonEscape(r.object, &line);
  line += fmt::format("\",\"line\":{},\"byte_offset\":{},\"reason\":\"", r.line, r.offset);
  JsonEscape(r.reason, &line);
  line += "\",\"raw_line\":\"";
  JsonEscape(SanitizeUtf8(r.raw), &line);
  line += "\"}\n";
  std::lock_guard<std::mutex> lock(mu_);
  if (f_ == nullptr && ok_) {
    f_ = std::fopen(path_.c_str(), "w");
    if (f_ == nullptr) ok_ = false;
  }
  if (f_ != nullptr && std::fwrite(line.data(), 1, line.size(), f_) != line.size()) ok_ = false;
  written_ = true;
}

Status JsonlRejects::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (f_ != nullptr) {
    if (std::fclose(f_) != 0) ok_ = false;
    f_ = nullptr;
  }
  return ok_ ? Status::OK() : Status::IoError("writing rejects to " + path_ + " failed");
}

bool JsonlRejects::written() const {
  std::lock_guard<std::mutex> lock(mu_);
  return written_;
}

}  // namespace silt::table
