// A transport that injects faults around a real one, to prove that the S3 client's retries
// converge and that nothing damaged is ever committed: throttling answers (503 SlowDown),
// connections reset before a request is sent, responses lost after the server acted on the
// request, response bodies cut short, request bodies damaged in flight (the server must refuse
// them by their Content-MD5), and added latency.
//
// Enabled in tests directly, and in any silt command through SILT_S3_FAULTS (see
// ParseFaultSpec), so end-to-end runs can be made to fail the same way.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "silt/s3/http.h"

namespace silt::s3 {

struct FaultSpec {
  double throttle = 0;        // answer 503 SlowDown without sending
  double reset = 0;           // fail with a connection reset before sending
  double lost = 0;            // send, then fail as if the connection broke before the answer
  double truncate = 0;        // send, then deliver only part of the response body
  double corrupt = 0;         // damage one byte of a request body before sending
  int latency_ms = 0;         // up to this much delay before each request (uniform)
  uint64_t seed = 1;
  // Faults are only injected into the first `max_faults` requests' worth of faults (0 = no
  // limit), so a test can bound them.
  uint64_t max_faults = 0;
};

// "throttle=0.1,reset=0.05,lost=0.05,truncate=0.05,corrupt=0.05,latency=20,seed=7,max=100".
// InvalidArgument naming the bad part.
Result<FaultSpec> ParseFaultSpec(std::string_view text);

struct FaultCounts {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> throttled{0};
  std::atomic<uint64_t> reset{0};
  std::atomic<uint64_t> lost{0};
  std::atomic<uint64_t> truncated{0};
  std::atomic<uint64_t> corrupted{0};
  uint64_t total() const {
    return throttled.load() + reset.load() + lost.load() + truncated.load() + corrupted.load();
  }
};

class FaultInjectingTransport : public HttpTransport {
 public:
  FaultInjectingTransport(std::shared_ptr<HttpTransport> inner, FaultSpec spec);
  Status Send(const HttpRequest& request, HttpResponse* response,
              const BodySink* sink = nullptr) override;
  const FaultCounts& counts() const { return counts_; }

 private:
  double Roll();
  bool Budget();

  std::shared_ptr<HttpTransport> inner_;
  FaultSpec spec_;
  std::mutex mu_;
  std::mt19937_64 rng_;
  FaultCounts counts_;
};

}  // namespace silt::s3
