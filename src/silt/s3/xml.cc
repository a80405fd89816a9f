#include "silt/s3/xml.h"

#include <fmt/format.h>

namespace silt::s3 {

const XmlElement* XmlElement::Child(std::string_view child_name) const {
  for (const XmlElement& c : children) {
    if (c.name == child_name) return &c;
  }
  return nullptr;
}

const std::string& XmlElement::ChildText(std::string_view child_name) const {
  static const std::string kEmpty;
  const XmlElement* c = Child(child_name);
  return c != nullptr ? c->text : kEmpty;
}

std::vector<const XmlElement*> XmlElement::Children(std::string_view child_name) const {
  std::vector<const XmlElement*> out;
  for (const XmlElement& c : children) {
    if (c.name == child_name) out.push_back(&c);
  }
  return out;
}

namespace {

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view doc) : s_(doc) {}

  Result<XmlElement> Document() {
    SILT_RETURN_IF_ERROR(SkipMisc());
    if (pos_ >= s_.size() || s_[pos_] != '<') return Error("expected the root element");
    XmlElement root;
    SILT_RETURN_IF_ERROR(Element(root, 0));
    SILT_RETURN_IF_ERROR(SkipMisc());
    if (pos_ != s_.size()) return Error("text after the root element");
    return root;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::ParseError(fmt::format("XML: {} at byte {}", what, pos_));
  }

  bool StartsWith(std::string_view p) const { return s_.substr(pos_, p.size()) == p; }

  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' ||
                                s_[pos_] == '\n')) {
      ++pos_;
    }
  }

  Status SkipUntil(std::string_view end) {
    size_t e = s_.find(end, pos_);
    if (e == std::string_view::npos) return Error(fmt::format("missing '{}'", end));
    pos_ = e + end.size();
    return Status::OK();
  }

  // Whitespace, comments, processing instructions and a DOCTYPE before/after the root.
  Status SkipMisc() {
    while (true) {
      SkipSpace();
      if (StartsWith("<?")) {
        SILT_RETURN_IF_ERROR(SkipUntil("?>"));
      } else if (StartsWith("<!--")) {
        SILT_RETURN_IF_ERROR(SkipUntil("-->"));
      } else if (StartsWith("<!DOCTYPE")) {
        SILT_RETURN_IF_ERROR(SkipUntil(">"));
      } else {
        return Status::OK();
      }
    }
  }

  static bool NameChar(char c) {
    return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '>' && c != '/' && c != '=' &&
           c != '<';
  }

  Result<std::string_view> Name() {
    size_t b = pos_;
    while (pos_ < s_.size() && NameChar(s_[pos_])) ++pos_;
    if (pos_ == b) return Error("expected a name");
    return s_.substr(b, pos_ - b);
  }

  Status Reference(std::string& out) {
    size_t e = s_.find(';', pos_);
    if (e == std::string_view::npos || e - pos_ > 12) return Error("bad entity reference");
    std::string_view ref = s_.substr(pos_ + 1, e - pos_ - 1);
    if (ref == "amp") out += '&';
    else if (ref == "lt") out += '<';
    else if (ref == "gt") out += '>';
    else if (ref == "quot") out += '"';
    else if (ref == "apos") out += '\'';
    else if (ref.size() > 1 && ref[0] == '#') {
      uint32_t cp = 0;
      bool hex = ref[1] == 'x' || ref[1] == 'X';
      std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) return Error("bad character reference");
      for (char c : digits) {
        uint32_t d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return Error("bad character reference");
        cp = cp * (hex ? 16 : 10) + d;
        if (cp > 0x10FFFF) return Error("character reference out of range");
      }
      AppendUtf8(out, cp);
    } else {
      return Error(fmt::format("unknown entity &{};", ref));
    }
    pos_ = e + 1;
    return Status::OK();
  }

  Status Element(XmlElement& el, int depth) {
    if (depth > 64) return Error("elements nested too deeply");
    ++pos_;  // '<'
    SILT_ASSIGN_OR_RETURN(std::string_view name, Name());
    size_t colon = name.rfind(':');
    el.name = std::string(colon == std::string_view::npos ? name : name.substr(colon + 1));
    // Attributes: skipped, but their quoted values may hold '>' or '/'.
    while (true) {
      SkipSpace();
      if (pos_ >= s_.size()) return Error("unterminated start tag");
      if (StartsWith("/>")) {
        pos_ += 2;
        return Status::OK();
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      SILT_RETURN_IF_ERROR(Name().status());
      SkipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '=') return Error("expected '=' in an attribute");
      ++pos_;
      SkipSpace();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
        return Error("expected a quoted attribute value");
      }
      char q = s_[pos_++];
      size_t e = s_.find(q, pos_);
      if (e == std::string_view::npos) return Error("unterminated attribute value");
      pos_ = e + 1;
    }
    // Content.
    while (true) {
      if (pos_ >= s_.size()) return Error(fmt::format("unterminated element <{}>", el.name));
      char c = s_[pos_];
      if (c == '<') {
        if (StartsWith("</")) {
          pos_ += 2;
          SILT_ASSIGN_OR_RETURN(std::string_view end, Name());
          if (end != name) {
            return Error(fmt::format("</{}> closes <{}>", end, name));
          }
          SkipSpace();
          if (pos_ >= s_.size() || s_[pos_] != '>') return Error("expected '>'");
          ++pos_;
          return Status::OK();
        }
        if (StartsWith("<!--")) {
          SILT_RETURN_IF_ERROR(SkipUntil("-->"));
        } else if (StartsWith("<![CDATA[")) {
          pos_ += 9;
          size_t e = s_.find("]]>", pos_);
          if (e == std::string_view::npos) return Error("unterminated CDATA");
          el.text.append(s_.substr(pos_, e - pos_));
          pos_ = e + 3;
        } else if (StartsWith("<?")) {
          SILT_RETURN_IF_ERROR(SkipUntil("?>"));
        } else {
          el.children.emplace_back();
          SILT_RETURN_IF_ERROR(Element(el.children.back(), depth + 1));
        }
      } else if (c == '&') {
        SILT_RETURN_IF_ERROR(Reference(el.text));
      } else {
        size_t e = s_.find_first_of("<&", pos_);
        if (e == std::string_view::npos) e = s_.size();
        el.text.append(s_.substr(pos_, e - pos_));
        pos_ = e;
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Result<XmlElement> ParseXml(std::string_view document) { return Parser(document).Document(); }

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace silt::s3
