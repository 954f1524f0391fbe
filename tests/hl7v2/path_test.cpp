#include "parsers/hl7v2/path.h"

#include <gtest/gtest.h>

using ferry::hl7v2::Path;

TEST(Path, ParsesFullForm) {
  auto p = Path::parse("OBX[3]-5[2].1.2");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->segment, "OBX");
  EXPECT_EQ(p->occurrence, 3);
  EXPECT_EQ(p->field, 5);
  EXPECT_EQ(p->repetition, 2);
  EXPECT_EQ(p->component, 1);
  EXPECT_EQ(p->subcomponent, 2);
  EXPECT_EQ(p->toString(), "OBX[3]-5[2].1.2");
}

TEST(Path, AppliesDefaults) {
  auto p = Path::parse("PID-3");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->occurrence, 1);
  EXPECT_EQ(p->repetition, 1);
  EXPECT_EQ(p->component, 0);
  EXPECT_EQ(p->subcomponent, 0);
}

TEST(Path, AcceptsDotAfterSegmentAndZSegments) {
  auto p = Path::parse("ZPV.2.1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->segment, "ZPV");
  EXPECT_EQ(p->field, 2);
  EXPECT_EQ(p->component, 1);
}

TEST(Path, WholeSegment) {
  auto p = Path::parse("NTE[2]");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->occurrence, 2);
  EXPECT_EQ(p->field, 0);
}

TEST(Path, RejectsMalformedPaths) {
  for (const char* bad : {"", "PI", "pid-3", "PID-", "PID-0", "PID-3[0]", "PID-3.", "PID-3.1.2.3",
                          "PID[x]-1", "PID-3]", "PID-9999999"}) {
    auto p = Path::parse(bad);
    EXPECT_FALSE(p) << bad;
    if (!p) {
      EXPECT_NE(p.error().text.find("expected"), std::string::npos) << bad;
    }
  }
}
