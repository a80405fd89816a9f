// MurmurHash3 x86 32-bit, the hash behind Iceberg's bucket transform (spec "Bucket Transform
// Details": seed 0, result taken as a signed 32-bit int).
#pragma once

#include <cstdint>
#include <string_view>

namespace silt::iceberg {

// Thread safety: a pure function.
int32_t Murmur3Hash32(std::string_view data, uint32_t seed = 0);

}  // namespace silt::iceberg
