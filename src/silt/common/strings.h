// Small string helpers shared by parsers and the CLI.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace silt {

// Decodes %XX escapes (a malformed escape is kept as is). '+' is kept: S3 access logs encode
// a space as %20 and a literal '+' as %2B, so '+' is not a space there. Appends to `out`.
// Returns true when anything was decoded (the result differs from the input).
bool UrlDecode(std::string_view in, std::string* out);

// The same into `out`, which must hold in.size() bytes; returns the decoded length (equal to
// in.size() exactly when nothing was decoded).
size_t UrlDecodeInto(std::string_view in, char* out);

// True when `s` contains a '%' that UrlDecode would decode.
bool NeedsUrlDecode(std::string_view s);

// True when `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past
// U+10FFFF). On false, *bad_offset (when given) is the offset of the first bad byte.
bool IsValidUtf8(std::string_view s, size_t* bad_offset = nullptr);

// `s` with every byte that is not part of well-formed UTF-8 replaced by U+FFFD, so that text
// from damaged input can be shown and stored as VARCHAR/JSON.
std::string SanitizeUtf8(std::string_view s);

// Parses a base-10 integer that fits int64 (optional leading '-'). Returns false otherwise.
bool ParseInt64(std::string_view s, int64_t* out);

// "1.5 GiB", "512 KiB", "12 B"
std::string HumanBytes(uint64_t bytes);
// Parses "1GiB", "1 GB", "512M", "1024", "64KiB" (binary units; "G" = "GB" = "GiB").
bool ParseByteSize(std::string_view text, uint64_t* out);

// Escapes a string for inclusion in a JSON document (without the surrounding quotes).
void JsonEscape(std::string_view in, std::string* out);

// Shell-style glob match on whole keys: '*' matches within one path segment, '**' across
// segments, '?' one character, [abc] / [a-z] / [!a] a class.
bool GlobMatch(std::string_view pattern, std::string_view text);

// Levenshtein distance between two strings.
size_t EditDistance(std::string_view a, std::string_view b);

// The name in `names` closest to `key` (edit distance at most 2), for "did you mean" hints;
// "" when none is close.
std::string ClosestName(std::string_view key, const std::vector<std::string_view>& names);

}  // namespace silt
