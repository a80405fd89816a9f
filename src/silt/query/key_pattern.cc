#include "silt/query/key_pattern.h"

#include <cctype>

#include <fmt/format.h>

namespace silt::query {

Result<KeyPattern> KeyPattern::Parse(std::string_view pattern) {
  if (pattern.empty()) return Status::InvalidArgument("empty key pattern");
  KeyPattern kp;
  kp.text_ = std::string(pattern);
  size_t i = 0;
  auto literal = [&](char c) {
    if (kp.parts_.empty() || kp.parts_.back().kind != Part::kLiteral) {
      kp.parts_.push_back({Part::kLiteral, {}});
    }
    kp.parts_.back().literal.push_back(c);
  };
  while (i < pattern.size()) {
    char c = pattern[i];
    if (c == '{') {
      size_t close = pattern.find('}', i);
      if (close == std::string_view::npos) {
        return Status::InvalidArgument(fmt::format("key pattern '{}': '{{' at {} is not closed", pattern, i));
      }
      std::string name(pattern.substr(i + 1, close - i - 1));
      bool ok = !name.empty() && (std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_');
      for (char n : name) ok = ok && (std::isalnum(static_cast<unsigned char>(n)) || n == '_');
      if (!ok) {
        return Status::InvalidArgument(fmt::format(
            "key pattern '{}': '{{{}}}' is not a column name (letters, digits, _)", pattern, name));
      }
      for (const auto& existing : kp.names_) {
        if (existing == name) {
          return Status::InvalidArgument(fmt::format("key pattern '{}': '{{{}}}' appears twice", pattern, name));
        }
      }
      kp.names_.push_back(name);
      kp.parts_.push_back({Part::kCapture, name});
      i = close + 1;
    } else if (c == '*') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '*') {
        kp.parts_.push_back({Part::kDoubleStar, {}});
        i += 2;
      } else {
        kp.parts_.push_back({Part::kStar, {}});
        ++i;
      }
    } else {
      literal(c);
      ++i;
    }
  }
  return kp;
}

bool KeyPattern::MatchAt(size_t part, std::string_view key, size_t pos,
                         std::vector<std::string_view>* caps) const {
  if (part == parts_.size()) return pos == key.size();
  const Part& p = parts_[part];
  switch (p.kind) {
    case Part::kLiteral:
      if (key.substr(pos, p.literal.size()) != p.literal) return false;
      return MatchAt(part + 1, key, pos + p.literal.size(), caps);
    case Part::kCapture:
    case Part::kStar:
    case Part::kDoubleStar: {
      const bool cross = p.kind == Part::kDoubleStar;
      const size_t min_len = p.kind == Part::kCapture ? 1 : 0;
      size_t end = pos;
      // Longest segment this part may cover.
      while (end < key.size() && (cross || key[end] != '/')) ++end;
      // Prefer the shortest match, so that later literals anchor captures ("{date}.csv").
      for (size_t len = min_len; pos + len <= end; ++len) {
        if (p.kind == Part::kCapture) caps->push_back(key.substr(pos, len));
        if (MatchAt(part + 1, key, pos + len, caps)) return true;
        if (p.kind == Part::kCapture) caps->pop_back();
      }
      return false;
    }
  }
  return false;
}

std::optional<std::vector<std::string>> KeyPattern::Match(std::string_view key) const {
  std::vector<std::string_view> caps;
  if (!MatchAt(0, key, 0, &caps)) return std::nullopt;
  return std::vector<std::string>(caps.begin(), caps.end());
}

}  // namespace silt::query
