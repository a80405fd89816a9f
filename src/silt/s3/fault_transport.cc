#include "silt/s3/fault_transport.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include "silt/common/strings.h"

namespace silt::s3 {

Result<FaultSpec> ParseFaultSpec(std::string_view text) {
  FaultSpec spec;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return Status::InvalidArgument(fmt::format("fault spec: expected name=value, got '{}'", part));
    }
    std::string_view name = part.substr(0, eq);
    std::string value(part.substr(eq + 1));
    char* end = nullptr;
    double d = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0' || d < 0) {
      return Status::InvalidArgument(fmt::format("fault spec: bad value in '{}'", part));
    }
    if (name != "latency" && name != "seed" && name != "max" && d > 1) {
      return Status::InvalidArgument(fmt::format("fault spec: '{}' is a probability (0..1)", part));
    }
    if (name == "throttle") spec.throttle = d;
    else if (name == "reset") spec.reset = d;
    else if (name == "lost") spec.lost = d;
    else if (name == "truncate") spec.truncate = d;
    else if (name == "corrupt") spec.corrupt = d;
    else if (name == "latency") spec.latency_ms = static_cast<int>(d);
    else if (name == "seed") spec.seed = static_cast<uint64_t>(d);
    else if (name == "max") spec.max_faults = static_cast<uint64_t>(d);
    else {
      return Status::InvalidArgument(fmt::format(
          "fault spec: unknown fault '{}' (throttle, reset, lost, truncate, corrupt, latency, "
          "seed, max)",
          name));
    }
  }
  return spec;
}

FaultInjectingTransport::FaultInjectingTransport(std::shared_ptr<HttpTransport> inner,
                                                 FaultSpec spec)
    : inner_(std::move(inner)), spec_(spec), rng_(spec.seed) {}

double FaultInjectingTransport::Roll() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::uniform_real_distribution<double>(0, 1)(rng_);
}

bool FaultInjectingTransport::Budget() {
  return spec_.max_faults == 0 || counts_.total() < spec_.max_faults;
}

Status FaultInjectingTransport::Send(const HttpRequest& request, HttpResponse* response,
                                     const BodySink* sink) {
  counts_.requests.fetch_add(1);
  if (spec_.latency_ms > 0) {
    int ms = static_cast<int>(Roll() * spec_.latency_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
  const std::string where = fmt::format("{} {}{}", request.method, request.endpoint, request.path);
  if (Budget() && Roll() < spec_.throttle) {
    counts_.throttled.fetch_add(1);
    *response = HttpResponse{};
    response->status = 503;
    response->body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code>"
        "<Message>Please reduce your request rate (injected)</Message></Error>";
    response->body_bytes = response->body.size();
    response->headers.emplace_back("content-length", std::to_string(response->body.size()));
    return Status::OK();
  }
  if (Budget() && Roll() < spec_.reset) {
    counts_.reset.fetch_add(1);
    return Status::Unavailable(fmt::format("{}: connection reset by peer (injected)", where));
  }
  // A damaged request body: the server must refuse it (Content-MD5), never store it.
  std::string damaged;
  const HttpRequest* to_send = &request;
  HttpRequest copy;
  if (!request.has_file_body() && !request.body.empty() && Budget() && Roll() < spec_.corrupt) {
    counts_.corrupted.fetch_add(1);
    damaged.assign(request.body);
    damaged[damaged.size() / 2] ^= 0x20;
    copy = request;
    copy.body = damaged;
    to_send = &copy;
  }
  Status st = inner_->Send(*to_send, response, sink);
  if (!st.ok()) return st;
  if (Budget() && Roll() < spec_.lost) {
    counts_.lost.fetch_add(1);
    return Status::Unavailable(fmt::format("{}: connection lost before the answer (injected)", where));
  }
  if (response->body_bytes > 1 && Budget() && Roll() < spec_.truncate) {
    counts_.truncated.fetch_add(1);
    if (response->Header("content-length").empty()) {
      // Without a length, a cut body shows as a broken chunked stream: curl reports it.
      return Status::Unavailable(fmt::format("{}: transfer closed mid-body (injected)", where));
    }
    response->body_bytes /= 2;
    if (sink == nullptr) response->body.resize(response->body_bytes);
  }
  return Status::OK();
}

}  // namespace silt::s3
