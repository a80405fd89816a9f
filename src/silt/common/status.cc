#include "silt/common/status.h"

#include <cerrno>
#include <cstring>

namespace silt {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kParseError: return "ParseError";
    case StatusCode::kCorruption: return "Corruption";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kPreconditionFailed: return "PreconditionFailed";
    case StatusCode::kUnavailable: return "Unavailable";
    case StatusCode::kIoError: return "IoError";
    case StatusCode::kCancelled: return "Cancelled";
    case StatusCode::kInternal: return "Internal";
    case StatusCode::kPermissionDenied: return "PermissionDenied";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string m(context);
  m += ": ";
  m += message_;
  return Status(code_, std::move(m));
}

bool IsRetriable(const Status& s) { return s.code() == StatusCode::kUnavailable; }

Status ErrnoStatus(std::string_view op, std::string_view what, int err) {
  std::string m(op);
  m += " ";
  m += what;
  m += ": ";
  m += std::strerror(err);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return Status::NotFound(std::move(m));
    case EEXIST:
      return Status::AlreadyExists(std::move(m));
    case EINTR:
    case EAGAIN:
      return Status::Unavailable(std::move(m));
    case EINVAL:
    case ENAMETOOLONG:
      return Status::InvalidArgument(std::move(m));
    default:
      return Status::IoError(std::move(m));
  }
}

}  // namespace silt
