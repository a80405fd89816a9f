#include "silt/catalog/catalog.h"

namespace silt::catalog {
namespace {

Status ValidateSegment(std::string_view segment, std::string_view what, std::string_view whole) {
  if (segment.empty()) {
    return Status::InvalidArgument(std::string(what) + " \"" + std::string(whole) +
                                   "\" has an empty name segment");
  }
  if (segment.size() > 255) {
    return Status::InvalidArgument(std::string(what) + " \"" + std::string(whole) +
                                   "\" has a segment longer than 255 characters");
  }
  for (char c : segment) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument(std::string(what) + " \"" + std::string(whole) +
                                     "\" may only use letters, digits, '_' and '-' in names");
    }
  }
  return Status::OK();
}

}  // namespace

Status ValidateNamespace(std::string_view ns) {
  size_t start = 0;
  for (;;) {
    const size_t dot = ns.find('.', start);
    SILT_RETURN_IF_ERROR(ValidateSegment(
        ns.substr(start, dot == std::string_view::npos ? ns.npos : dot - start), "namespace", ns));
    if (dot == std::string_view::npos) return Status::OK();
    start = dot + 1;
  }
}

Result<TableIdentifier> ParseTableIdentifier(std::string_view text) {
  const size_t dot = text.rfind('.');
  if (dot == std::string_view::npos) {
    return Status::InvalidArgument("table identifier \"" + std::string(text) +
                                   "\" needs a namespace: write namespace.table");
  }
  TableIdentifier id{std::string(text.substr(0, dot)), std::string(text.substr(dot + 1))};
  SILT_RETURN_IF_ERROR(ValidateNamespace(id.ns).WithContext("table identifier"));
  SILT_RETURN_IF_ERROR(ValidateSegment(id.name, "table identifier", text));
  return id;
}

}  // namespace silt::catalog
