// Random identifiers: UUIDs for file names and table-uuid, snapshot ids, Avro sync markers.
//
// Thread safety: all functions may be called concurrently. Each thread has its own generator,
// seeded from std::random_device and reseeded in a forked child, so threads and processes do
// not repeat each other.
#pragma once

#include <cstdint>
#include <string>

namespace silt::iceberg {

// 64 random bits.
uint64_t RandomU64();

// A random (version 4) UUID in canonical lowercase form, "f79c3e09-677c-4bbd-a479-3f349cb785e7".
std::string NewUuid();

// A random positive 63-bit snapshot id (never 0), as the spec recommends; never time-based.
int64_t NewSnapshotId();

// `n` random bytes.
std::string RandomBytes(size_t n);

}  // namespace silt::iceberg
