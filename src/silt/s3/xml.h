// A small XML reader for S3 and STS responses (ListBucketResult, Error, DeleteResult,
// InitiateMultipartUploadResult, AssumeRoleResponse...) and an escaper for request bodies.
//
// It reads elements, attributes (skipped), character data with the five predefined entities
// and numeric character references, CDATA, comments and processing instructions. It does not
// read DTDs. Namespace prefixes are dropped from element names ("s3:Key" -> "Key").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "silt/common/status.h"

namespace silt::s3 {

struct XmlElement {
  std::string name;                  // local name
  std::string text;                  // character data directly inside, entities decoded
  std::vector<XmlElement> children;  // in document order

  // The first child named `name`, or nullptr.
  const XmlElement* Child(std::string_view child_name) const;
  // The text of the first child named `name`, or "" when there is none.
  const std::string& ChildText(std::string_view child_name) const;
  // Every child named `name`, in document order.
  std::vector<const XmlElement*> Children(std::string_view child_name) const;
};

// Parses a whole document into its root element. ParseError (with the byte offset) for text
// that is not well-formed XML.
Result<XmlElement> ParseXml(std::string_view document);

// Escapes & < > " ' for use in element text or attribute values.
std::string XmlEscape(std::string_view text);

}  // namespace silt::s3
