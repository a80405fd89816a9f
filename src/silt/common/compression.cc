#include "silt/common/compression.h"

#include <zlib.h>
#include <zstd.h>

#include <cstring>

#include <fmt/format.h>
#include <libdeflate.h>

namespace silt {

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kZstd: return "zstd";
  }
  return "none";
}

Result<Compression> ParseCompression(std::string_view name) {
  if (name == "none" || name.empty()) return Compression::kNone;
  if (name == "gzip" || name == "gz") return Compression::kGzip;
  if (name == "zstd" || name == "zst") return Compression::kZstd;
  return Status::InvalidArgument(fmt::format("unknown compression '{}' (none, gzip, zstd)", name));
}

Compression DetectCompression(std::string_view head) {
  if (head.size() >= 2 && static_cast<unsigned char>(head[0]) == 0x1f &&
      static_cast<unsigned char>(head[1]) == 0x8b) {
    return Compression::kGzip;
  }
  if (head.size() >= 4 && static_cast<unsigned char>(head[0]) == 0x28 &&
      static_cast<unsigned char>(head[1]) == 0xb5 && static_cast<unsigned char>(head[2]) == 0x2f &&
      static_cast<unsigned char>(head[3]) == 0xfd) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

Result<std::string> Compress(Compression c, std::string_view data, int level) {
  switch (c) {
    case Compression::kNone:
      return std::string(data);
    case Compression::kGzip: {
      libdeflate_compressor* comp = libdeflate_alloc_compressor(level > 0 ? level : 6);
      if (comp == nullptr) return Status::Internal("libdeflate_alloc_compressor failed");
      std::string out(libdeflate_gzip_compress_bound(comp, data.size()), '\0');
      size_t n = libdeflate_gzip_compress(comp, data.data(), data.size(), out.data(), out.size());
      libdeflate_free_compressor(comp);
      if (n == 0) return Status::Internal("gzip compression failed");
      out.resize(n);
      return out;
    }
    case Compression::kZstd: {
      std::string out(ZSTD_compressBound(data.size()), '\0');
      size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(),
                               level > 0 ? level : 3);
      if (ZSTD_isError(n)) {
        return Status::Internal(fmt::format("zstd compression failed: {}", ZSTD_getErrorName(n)));
      }
      out.resize(n);
      return out;
    }
  }
  return Status::Internal("unknown compression");
}

namespace {

class NoneDecompressor final : public Decompressor {
 public:
  Result<size_t> Decompress(std::string_view& in, char* out, size_t cap) override {
    size_t n = std::min(cap, in.size());
    std::memcpy(out, in.data(), n);
    in.remove_prefix(n);
    return n;
  }
  bool AtEnd() const override { return true; }
};

class GzipDecompressor final : public Decompressor {
 public:
  GzipDecompressor() {
    std::memset(&zs_, 0, sizeof zs_);
    ok_ = inflateInit2(&zs_, 15 + 16) == Z_OK;
  }
  ~GzipDecompressor() override {
    if (ok_) inflateEnd(&zs_);
  }
  Result<size_t> Decompress(std::string_view& in, char* out, size_t cap) override {
    if (!ok_) return Status::Internal("zlib inflateInit2 failed");
    size_t written = 0;
    while (written < cap && !in.empty()) {
      if (member_done_) {
        // Another gzip member follows (concatenated .gz files are one stream).
        inflateReset(&zs_);
        member_done_ = false;
      }
      zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      zs_.avail_in = static_cast<uInt>(std::min<size_t>(in.size(), 1u << 30));
      zs_.next_out = reinterpret_cast<Bytef*>(out + written);
      zs_.avail_out = static_cast<uInt>(std::min<size_t>(cap - written, 1u << 30));
      uInt before_in = zs_.avail_in;
      uInt before_out = zs_.avail_out;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      in.remove_prefix(before_in - zs_.avail_in);
      written += before_out - zs_.avail_out;
      if (rc == Z_STREAM_END) {
        member_done_ = true;
        continue;
      }
      if (rc == Z_BUF_ERROR) break;  // needs more input or more room
      if (rc != Z_OK) {
        return Status::Corruption(
            fmt::format("gzip: {}", zs_.msg != nullptr ? zs_.msg : "invalid compressed data"));
      }
    }
    return written;
  }
  bool AtEnd() const override { return member_done_; }

 private:
  z_stream zs_;
  bool ok_ = false;
  bool member_done_ = false;
};

class ZstdDecompressor final : public Decompressor {
 public:
  ZstdDecompressor() : ds_(ZSTD_createDStream()) { ZSTD_initDStream(ds_); }
  ~ZstdDecompressor() override { ZSTD_freeDStream(ds_); }
  Result<size_t> Decompress(std::string_view& in, char* out, size_t cap) override {
    ZSTD_inBuffer ib{in.data(), in.size(), 0};
    ZSTD_outBuffer ob{out, cap, 0};
    while (ob.pos < ob.size && ib.pos < ib.size) {
      size_t rc = ZSTD_decompressStream(ds_, &ob, &ib);
      if (ZSTD_isError(rc)) {
        in.remove_prefix(ib.pos);
        return Status::Corruption(fmt::format("zstd: {}", ZSTD_getErrorName(rc)));
      }
      at_end_ = rc == 0;
    }
    in.remove_prefix(ib.pos);
    return ob.pos;
  }
  bool AtEnd() const override { return at_end_; }

 private:
  ZSTD_DStream* ds_;
  bool at_end_ = false;
};

}  // namespace

std::unique_ptr<Decompressor> MakeDecompressor(Compression c) {
  switch (c) {
    case Compression::kGzip: return std::make_unique<GzipDecompressor>();
    case Compression::kZstd: return std::make_unique<ZstdDecompressor>();
    case Compression::kNone: break;
  }
  return std::make_unique<NoneDecompressor>();
}

Result<std::string> Decompress(Compression c, std::string_view data) {
  auto d = MakeDecompressor(c);
  std::string out;
  char buf[1 << 16];
  while (true) {
    size_t before = data.size();
    SILT_ASSIGN_OR_RETURN(size_t n, d->Decompress(data, buf, sizeof buf));
    out.append(buf, n);
    if (n == 0 && data.empty()) break;
    if (n == 0 && data.size() == before) {
      return Status::Corruption(fmt::format("{} stream makes no progress", CompressionName(c)));
    }
  }
  if (!d->AtEnd()) return Status::Corruption(fmt::format("{} stream is truncated", CompressionName(c)));
  return out;
}

}  // namespace silt
