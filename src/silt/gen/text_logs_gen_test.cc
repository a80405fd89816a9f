#include "silt/gen/text_logs_gen.h"

#include <map>

#include <gtest/gtest.h>

namespace silt::gen {
namespace {

class MemStore final : public store::Store {
 public:
  std::string Describe() const override { return "mem://"; }
  Result<store::ListPage> List(const store::ListOptions&) override { return store::ListPage{}; }
  Result<store::ObjectVersion> Head(std::string_view k) override { return Status::NotFound(std::string(k)); }
  Result<size_t> ReadRange(std::string_view, uint64_t, size_t, char*) override { return Status::NotFound(""); }
  Result<store::ObjectVersion> Put(std::string_view key, std::string_view data,
                                   const store::PutOptions&) override {
    objects[std::string(key)] = std::string(data);
    return store::ObjectVersion{std::string(key), data.size(), 0, ""};
  }
  Result<store::ObjectVersion> PutFile(std::string_view, const std::string&, const store::PutOptions&) override {
    return Status::Internal("unused");
  }
  Status DeleteMany(const std::vector<std::string>&) override { return Status::OK(); }
  Result<store::ObjectVersion> Copy(std::string_view, std::string_view) override { return Status::Internal("unused"); }
  std::map<std::string, std::string> objects;
};

TEST(TextLogsGen, KindsNamesAndDeterminism) {
  for (const char* kind : {"combined", "csv", "jsonl"}) {
    MemStore a, b;
    TextLogGenOptions o;
    o.kind = kind;
    o.total_bytes = 200000;
    o.days = 2;
    o.objects = 4;
    auto ra = GenerateTextLogs(o, a);
    auto rb = GenerateTextLogs(o, b);
    ASSERT_TRUE(ra.ok()) << ra.status().ToString();
    EXPECT_EQ(a.objects, b.objects) << kind;
    EXPECT_EQ(ra->objects, 4);
    EXPECT_GT(ra->lines, 100u);
    EXPECT_NEAR(static_cast<double>(ra->bytes), 200000.0, 20000.0);
    for (const auto& [key, data] : a.objects) {
      EXPECT_EQ(data.back(), '\n');
      if (std::string(kind) == "csv") {
        EXPECT_EQ(data.rfind("event_time,user_id,", 0), 0u);
        EXPECT_NE(key.find("/audit/2024-03-0"), std::string::npos) << key;
      }
      if (std::string(kind) == "jsonl") {
        EXPECT_EQ(data.rfind("{\"ts\":\"2024-03-0", 0), 0u);
      }
      if (std::string(kind) == "combined") {
        EXPECT_NE(data.find(" +0000] \""), std::string::npos);
      }
    }
  }
  MemStore m;
  TextLogGenOptions bad;
  bad.kind = "xml";
  EXPECT_EQ(GenerateTextLogs(bad, m).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace silt::gen
