// Hashes and encodings S3 needs (OpenSSL underneath): SHA-256, HMAC-SHA256, MD5, hex, base64.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace silt::s3 {

using Sha256Digest = std::array<uint8_t, 32>;
using Md5Digest = std::array<uint8_t, 16>;

Sha256Digest Sha256(std::string_view data);
Sha256Digest HmacSha256(std::string_view key, std::string_view data);
Md5Digest Md5(std::string_view data);

// Incremental MD5 (for files read in pieces). Not thread-safe.
class Md5Hasher {
 public:
  Md5Hasher();
  ~Md5Hasher();
  Md5Hasher(const Md5Hasher&) = delete;
  Md5Hasher& operator=(const Md5Hasher&) = delete;
  void Update(std::string_view data);
  Md5Digest Finish();

 private:
  void* ctx_;
};

std::string HexLower(const uint8_t* data, size_t size);
template <size_t N>
std::string HexLower(const std::array<uint8_t, N>& d) {
  return HexLower(d.data(), d.size());
}
std::string Base64(const uint8_t* data, size_t size);
template <size_t N>
std::string Base64(const std::array<uint8_t, N>& d) {
  return Base64(d.data(), d.size());
}

}  // namespace silt::s3
