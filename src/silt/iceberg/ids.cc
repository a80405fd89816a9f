#include "silt/iceberg/ids.h"

#include <unistd.h>

#include <chrono>
#include <random>

namespace silt::iceberg {
namespace {

std::mt19937_64 Seeded() {
  std::random_device rd;
  // Mix in the pid and the clock too: random_device is good on Linux, but this keeps
  // processes apart even where it is not.
  std::seed_seq seq{rd(), rd(), rd(), rd(), static_cast<unsigned>(::getpid()),
                    static_cast<unsigned>(
                        std::chrono::steady_clock::now().time_since_epoch().count())};
  return std::mt19937_64(seq);
}

// The calling thread's generator, reseeded after fork(): a child must not repeat its
// parent's sequence (it would write the same "unique" file names).
std::mt19937_64& Generator() {
  thread_local pid_t owner = 0;
  thread_local std::mt19937_64 gen;
  const pid_t pid = ::getpid();
  if (owner != pid) {
    gen = Seeded();
    owner = pid;
  }
  return gen;
}

}  // namespace

uint64_t RandomU64() { return Generator()(); }

std::string NewUuid() {
  uint64_t hi = RandomU64();
  uint64_t lo = RandomU64();
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                          // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;    // variant 10
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    const uint64_t word = i < 8 ? hi : lo;
    const int shift = 56 - 8 * (i % 8);
    const unsigned byte = static_cast<unsigned>((word >> shift) & 0xFF);
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[byte >> 4];
    out += kHex[byte & 0xF];
  }
  return out;
}

int64_t NewSnapshotId() {
  for (;;) {
    const int64_t id = static_cast<int64_t>(RandomU64() & 0x7FFFFFFFFFFFFFFFULL);
    if (id != 0) return id;
  }
}

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = RandomU64();
    for (size_t j = i; j < n && j < i + 8; ++j) {
      out[j] = static_cast<char>(v & 0xFF);
      v >>= 8;
    }
  }
  return out;
}

}  // namespace silt::iceberg
