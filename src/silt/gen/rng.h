// Deterministic pseudo-random numbers for the generators: xoshiro256** seeded through
// splitmix64, integer arithmetic only, so the same seed gives the same bytes everywhere.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace silt::gen {

inline uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// xoshiro256** (Blackman & Vigna), seeded through splitmix64.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& w : s_) w = SplitMix64(seed);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), n <= 2^32 (multiply-shift; the bias, < 2^-32, does not matter here).
  uint32_t Below(uint64_t n) { return static_cast<uint32_t>(((Next() >> 32) * n) >> 32); }

  // Uniform in [lo, hi].
  uint64_t Between(uint64_t lo, uint64_t hi) { return lo + Next() % (hi - lo + 1); }

  // Uniform in [0, 1) with 53 bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  bool Chance(double p) { return Unit() < p; }

  // Index in [0, n), skewed toward 0: a few hot items get most of the picks.
  uint32_t Skewed(uint32_t n) {
    const double u = Unit();
    const auto i = static_cast<uint32_t>(u * u * u * n);
    return i < n ? i : n - 1;
  }

  // A size with a log-uniform exponent: in [2^lo_bits, 2^hi_bits).
  uint64_t LogUniform(int lo_bits, int hi_bits) {
    const int e = lo_bits + static_cast<int>(Below(static_cast<uint64_t>(hi_bits - lo_bits)));
    const uint64_t base = 1ull << e;
    return base + (Next() & (base - 1));
  }

  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& items) {
    return items[Below(N)];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace silt::gen
