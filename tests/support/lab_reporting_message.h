#pragma once
// An ELR-style ORU^R01 (v2.5.1) that carries the fields of the lab and national-reporting flows
// most feeds leave empty: PID-6, PID-15, PID-24, PID-25, PID-29, PID-30; OBR-31; OBX-17,
// OBX-23, OBX-24, OBX-25; SPM-17 as a range and SPM-18. kLabReportingWithout is the same
// report without them, for the tests that nothing of the first is left behind.

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "parsers/hl7v2/normalizer.h"

namespace ferry::test {

inline const std::string kLabReporting =
    "MSH|^~\\&|LAB|NORTHLAB|HD|STATE|20261120091000-0500||ORU^R01^ORU_R01|ELR-1|P|2.5.1\r"
    "PID|1||MRN-7^^^CITYHOSP^MR||Testperson^Adaline|Maidenname^Clara|19720314|F|||||||"
    "eng^English^ISO6392|||||||||Y|2||||20261125101500-0500|Y\r"
    "OBR|1|ORD-9^HOSP|LAB-9^NORTHLAB|94500-6^SARS-CoV-2 RNA Resp Ql NAA+probe^LN|||"
    "20261120071500-0500|||||||||||||||20261120090500-0500|||F||||||"
    "R05^Cough^I10~Z20.822^Contact with and (suspected) exposure to COVID-19^I10\r"
    "OBX|1|CWE|94500-6^SARS-CoV-2 RNA Resp Ql NAA+probe^LN||260373001^Detected^SCT||||||F|||"
    "20261120071500-0500|||PCR^Polymerase chain reaction^L||20261120081000-0500||||"
    "Northlab Reference Laboratory^L^^^^CLIA&2.16.840.1.113883.4.7&ISO^XX^^^05D0987654|"
    "400 Lab Way^^Springfield^IL^62702^USA^B|1234567893^Director^Dana^^^Dr^^^NPI\r"
    "SPM|1|SP-9&NORTHLAB||258500001^Nasopharyngeal swab^SCT|||||||||||||"
    "20261120071500-0500^20261120073000-0500|20261120090000-0500\r";

inline const std::string kLabReportingWithout =
    "MSH|^~\\&|LAB|NORTHLAB|HD|STATE|20261121091000-0500||ORU^R01^ORU_R01|ELR-2|P|2.5.1\r"
    "PID|1||MRN-8^^^CITYHOSP^MR||Otherperson^Bo||19800101|M\r"
    "OBR|1|ORD-10^HOSP|LAB-10^NORTHLAB|94500-6^SARS-CoV-2 RNA Resp Ql NAA+probe^LN|||"
    "20261121071500-0500|||||||||||||||20261121090500-0500|||F\r"
    "OBX|1|CWE|94500-6^SARS-CoV-2 RNA Resp Ql NAA+probe^LN||260415000^Not detected^SCT||||||F|||"
    "20261121071500-0500\r"
    "SPM|1|SP-10&NORTHLAB||258500001^Nasopharyngeal swab^SCT|||||||||||||20261121071500-0500\r";

// The canonical Message of one of them; a parse or normalization error, or any warning, fails
// the calling test.
inline canonical::Message normalizedLabReport(const std::string& bytes) {
  auto parsed = hl7v2::Message::parse(bytes);
  if (!parsed) {
    ADD_FAILURE() << parsed.error().describe();
    return {};
  }
  hl7v2::Normalized n = hl7v2::normalize(*parsed);
  EXPECT_TRUE(n.ok()) << (n.errors.empty() ? "" : n.errors[0].describe());
  EXPECT_TRUE(n.warnings.empty()) << (n.warnings.empty() ? "" : n.warnings[0].describe());
  return std::move(n.message);
}

}  // namespace ferry::test
