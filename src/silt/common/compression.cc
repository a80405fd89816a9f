#include "silt/common/compression.h"

#include <bzlib.h>
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
    case Compression::kBzip2: return "bzip2";
  }
  return "none";
}

Result<Compression> ParseCompression(std::string_view name) {
  if (name == "none" || name.empty()) return Compression::kNone;
  if (name == "gzip" || name == "gz") return Compression::kGzip;
  if (name == "zstd" || name == "zst") return Compression::kZstd;
  if (name == "bzip2" || name == "bz2") return Compression::kBzip2;
  return Status::InvalidArgument(
      fmt::format("unknown compression '{}' (none, gzip, zstd, bzip2)", name));
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
  // "BZh" + block size digit 1-9 + the block magic's first byte (0x31, or 0x17 for an empty
  // stream): five bytes keep text that starts with "BZh" from being taken for bzip2.
  if (head.size() >= 5 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && head[3] >= '1' &&
      head[3] <= '9' && (head[4] == 0x31 || head[4] == 0x17)) {
    return Compression::kBzip2;
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
    case Compression::kBzip2: {
      std::string out(data.size() + data.size() / 100 + 600, '\0');
      unsigned int n = static_cast<unsigned int>(out.size());
      int rc = BZ2_bzBuffToBuffCompress(out.data(), &n, const_cast<char*>(data.data()),
                                        static_cast<unsigned int>(data.size()),
                                        level > 0 ? level : 9, 0, 0);
      if (rc != BZ_OK) return Status::Internal(fmt::format("bzip2 compression failed ({})", rc));
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

class Bzip2Decompressor final : public Decompressor {
 public:
  Bzip2Decompressor() {
    std::memset(&bz_, 0, sizeof bz_);
    ok_ = BZ2_bzDecompressInit(&bz_, 0, 0) == BZ_OK;
  }
  ~Bzip2Decompressor() override {
    if (ok_) BZ2_bzDecompressEnd(&bz_);
  }
  Result<size_t> Decompress(std::string_view& in, char* out, size_t cap) override {
    if (!ok_) return Status::Internal("bzip2 BZ2_bzDecompressInit failed");
    size_t written = 0;
    while (written < cap && !in.empty()) {
      if (stream_done_) {
        // Another bzip2 stream follows (pbzip2 and `cat a.bz2 b.bz2` write such files).
        BZ2_bzDecompressEnd(&bz_);
        std::memset(&bz_, 0, sizeof bz_);
        ok_ = BZ2_bzDecompressInit(&bz_, 0, 0) == BZ_OK;
        if (!ok_) return Status::Internal("bzip2 BZ2_bzDecompressInit failed");
        stream_done_ = false;
      }
      bz_.next_in = const_cast<char*>(in.data());
      bz_.avail_in = static_cast<unsigned int>(std::min<size_t>(in.size(), 1u << 30));
      bz_.next_out = out + written;
      bz_.avail_out = static_cast<unsigned int>(std::min<size_t>(cap - written, 1u << 30));
      unsigned int before_in = bz_.avail_in;
      unsigned int before_out = bz_.avail_out;
      int rc = BZ2_bzDecompress(&bz_);
      in.remove_prefix(before_in - bz_.avail_in);
      written += before_out - bz_.avail_out;
      if (rc == BZ_STREAM_END) {
        stream_done_ = true;
        continue;
      }
      if (rc != BZ_OK) return Status::Corruption(fmt::format("bzip2: invalid data ({})", rc));
      if (before_in == bz_.avail_in && before_out == bz_.avail_out) break;
    }
    return written;
  }
  bool AtEnd() const override { return stream_done_; }

 private:
  bz_stream bz_;
  bool ok_ = false;
  bool stream_done_ = false;
};

}  // namespace

std::unique_ptr<Decompressor> MakeDecompressor(Compression c) {
  switch (c) {
    case Compression::kBzip2: return std::make_unique<Bzip2Decompressor>();
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
