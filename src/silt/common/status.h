// Errors as values: Status and Result<T>.
//
// A Status is either OK or carries a code from a small generic set plus a message with the
// detail (file, key, line, the dependency's own words). Functions that can fail return Status
// or Result<T>; exceptions from dependencies are caught in the adapter for that dependency and
// turned into a Status there.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace silt {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller asked for something malformed (bad URI, bad option)
  kParseError,          // input data could not be decoded
  kCorruption,          // stored data failed a check (checksum, size, structure)
  kNotFound,            // object, file, table, key does not exist
  kAlreadyExists,       // put-if-absent found an existing object
  kPreconditionFailed,  // a conditional operation's condition did not hold
  kUnavailable,         // transient: the caller may retry (throttling, 5xx, timeouts)
  kPermissionDenied,    // the credentials were refused or lack a permission
  kIoError,             // local I/O failed
  kCancelled,           // the operation was cancelled by the user
  kInternal,            // a bug in silt or a dependency
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status ParseError(std::string m) { return {StatusCode::kParseError, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status PreconditionFailed(std::string m) {
    return {StatusCode::kPreconditionFailed, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status PermissionDenied(std::string m) {
    return {StatusCode::kPermissionDenied, std::move(m)};
  }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code_ == StatusCode::kAlreadyExists; }

  // "NotFound: no such object: logs/a.log"
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// The one place that decides whether an error is worth retrying.
bool IsRetriable(const Status& s);

// Status from errno after a failed system call on `what` (a path, usually).
Status ErrnoStatus(std::string_view op, std::string_view what, int err);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                 // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}          // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace silt

#define SILT_CONCAT_INNER(a, b) a##b
#define SILT_CONCAT(a, b) SILT_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is not OK.
#define SILT_RETURN_IF_ERROR(expr)            \
  do {                                        \
    ::silt::Status _silt_st = (expr);         \
    if (!_silt_st.ok()) return _silt_st;      \
  } while (0)

#define SILT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

// `SILT_ASSIGN_OR_RETURN(auto x, Foo());` declares x from a Result or returns its error.
#define SILT_ASSIGN_OR_RETURN(lhs, expr) \
  SILT_ASSIGN_OR_RETURN_IMPL(SILT_CONCAT(_silt_res_, __LINE__), lhs, expr)
