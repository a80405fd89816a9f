#include "silt/s3/xml.h"

#include <gtest/gtest.h>

namespace silt::s3 {
namespace {

TEST(Xml, ListBucketResult) {
  auto doc = ParseXml(R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>logs</Name><IsTruncated>true</IsTruncated>
  <Contents><Key>a&amp;b/&lt;1&gt;.log</Key><Size>12</Size><ETag>&quot;abc&quot;</ETag></Contents>
  <Contents><Key>c&#x20;d&#233;</Key><Size>0</Size></Contents>
  <!-- a comment -->
  <CommonPrefixes><Prefix><![CDATA[x<y/]]></Prefix></CommonPrefixes>
</ListBucketResult>)");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->name, "ListBucketResult");
  EXPECT_EQ(doc->ChildText("IsTruncated"), "true");
  auto contents = doc->Children("Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(contents[0]->ChildText("Key"), "a&b/<1>.log");
  EXPECT_EQ(contents[0]->ChildText("ETag"), "\"abc\"");
  EXPECT_EQ(contents[1]->ChildText("Key"), "c d\xC3\xA9");
  EXPECT_EQ(doc->Child("CommonPrefixes")->ChildText("Prefix"), "x<y/");
  EXPECT_EQ(doc->ChildText("Missing"), "");
  EXPECT_EQ(doc->Child("Missing"), nullptr);
}

TEST(Xml, NamespacePrefixesAttributesAndSelfClosing) {
  auto doc = ParseXml(R"(<s3:Error a="1 > 2" b='/'><s3:Code>NoSuchKey</s3:Code><Empty/></s3:Error>)");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->name, "Error");
  EXPECT_EQ(doc->ChildText("Code"), "NoSuchKey");
  ASSERT_NE(doc->Child("Empty"), nullptr);
}

TEST(Xml, MalformedDocumentsAreErrorsWithOffsets) {
  for (const char* bad : {"", "<a>", "<a></b>", "<a>&bogus;</a>", "<a>x</a><b/>", "<a b></a>",
                          "<a>&#xZZ;</a>", "text"}) {
    auto doc = ParseXml(bad);
    EXPECT_FALSE(doc.ok()) << bad;
    if (!doc.ok()) {
      EXPECT_EQ(doc.status().code(), StatusCode::kParseError);
      EXPECT_NE(doc.status().message().find("at byte"), std::string::npos);
    }
  }
}

TEST(Xml, DeepNestingIsRefusedNotACrash) {
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "<a>";
  EXPECT_FALSE(ParseXml(deep).ok());
}

TEST(Xml, Escape) { EXPECT_EQ(XmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;"); }

}  // namespace
}  // namespace silt::s3
