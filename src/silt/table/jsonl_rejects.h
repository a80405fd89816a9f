// Rejected lines as JSON lines (object, line, byte_offset, reason, raw_line — the columns of
// read_log_rejects()), written as they occur (bounded memory) from any scanning thread. The
// file is created at the first reject only.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "silt/common/status.h"
#include "silt/formats/format.h"

namespace silt::table {

class JsonlRejects final : public formats::RejectSink {
 public:
  explicit JsonlRejects(std::string path) : path_(std::move(path)) {}
  ~JsonlRejects() override { (void)Close(); }
  JsonlRejects(const JsonlRejects&) = delete;
  JsonlRejects& operator=(const JsonlRejects&) = delete;

  void OnReject(const formats::Reject& r) override;
  // Flushes; IoError when any write failed (rejects must never be lost silently).
  Status Close();
  // True once a reject was written.
  bool written() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  mutable std::mutex mu_;
  FILE* f_ = nullptr;
  bool ok_ = true;
  bool written_ = false;
};

}  // namespace silt::table
