// Reading of insurance and billing: Coverage, Claim, ClaimResponse.
#include "parsers/fhir/fhir_codes.h"
#include "parsers/fhir/resource_reader.h"

namespace ferry::fhir {
namespace {

using Get = DatatypeReader;

// The amount of a Money, and its currency into currency when that is still unknown.
std::string money(const DatatypeReader& dt, const JsonValue* m, std::string& currency) {
  if (currency.empty()) currency = dt.text(m, "currency");
  return dt.number(m, "value");
}

}  // namespace

std::uint32_t ResourceReader::coverage(const JsonValue& r, const std::string& path) {
  const auto index = static_cast<std::uint32_t>(out_.coverages.size());
  const ItemRef self{ResourceKind::Coverage, index};
  canonical::Coverage& c = out_.coverages.emplace_back();
  c.member_id = dt_.text(&r, "subscriberId");
  c.relationship = dt_.firstCoding(Get::get(&r, "relationship"));
  const JsonValue* period = Get::get(&r, "period");
  c.period_start = dt_.text(period, "start");
  c.period_end = dt_.text(period, "end");
  c.payer = organization(r, Get::at(&r, "payor"), self, kSlotPayer, path + ".payor[0]");
  forEachElement(Get::get(&r, "class"), [&](const JsonValue& v, rapidjson::SizeType) {
    const canonical::Coding type = dt_.firstCoding(Get::get(&v, "type"));
    if (type.system != codes::kCoverageClass) return;
    if (type.code == "group" && c.group_number.empty()) {
      c.group_number = dt_.text(&v, "value");
      c.group_name = dt_.text(&v, "name");
    } else if (type.code == "plan" && c.plan_id.empty()) {
      c.plan_id = dt_.text(&v, "value");
      c.plan_name = dt_.text(&v, "name");
    }
  });
  const JsonValue* subscriber = Get::get(&r, "subscriber");
  const std::string ref = dt_.text(subscriber, "reference");
  if (const JsonValue* person = containedResource(r, ref)) {
    c.subscriber_name = dt_.humanName(Get::at(person, "name"));
  } else {
    link(LinkRole::Subscriber, self, subscriber, path + ".subscriber");
  }
  link(LinkRole::Patient, self, Get::get(&r, "beneficiary"), path + ".beneficiary");
  return index;
}

std::uint32_t ResourceReader::claim(const JsonValue& r, const std::string& path) {
  const auto index = static_cast<std::uint32_t>(out_.claims.size());
  const ItemRef self{ResourceKind::Claim, index};
  canonical::Claim& c = out_.claims.emplace_back();
  c.claim_id = dt_.text(Get::at(&r, "identifier"), "value");
  if (c.claim_id.empty()) c.claim_id = dt_.text(&r, "id");  // a Claim without identifier is named by its id
  c.status = dt_.text(&r, "status");
  c.type = dt_.firstCoding(Get::get(&r, "type"));
  c.created = dt_.text(&r, "created");
  const JsonValue* period = Get::get(&r, "billablePeriod");
  c.service_start = dt_.text(period, "start");
  c.service_end = dt_.text(period, "end");
  c.payer = organization(r, Get::get(&r, "insurer"), self, kSlotPayer, path + ".insurer");
  c.provider = organization(r, Get::get(&r, "provider"), self, kSlotProvider, path + ".provider");
  c.member = dt_.identifier(Get::get(Get::get(Get::at(&r, "insurance"), "coverage"), "identifier"));
  forEachElement(Get::get(&r, "diagnosis"), [&](const JsonValue& v, rapidjson::SizeType) {
    canonical::ClaimDiagnosis d;
    d.sequence = dt_.positiveInt(&v, "sequence");
    d.code = dt_.codeableConcept(Get::get(&v, "diagnosisCodeableConcept"));
    c.diagnoses.push_back(std::move(d));
  });
  forEachElement(Get::get(&r, "item"), [&](const JsonValue& v, rapidjson::SizeType) {
    canonical::ClaimItem item;
    item.sequence = dt_.positiveInt(&v, "sequence");
    item.code = dt_.codeableConcept(Get::get(&v, "productOrService"));
    item.service_date = dt_.text(&v, "servicedDate");
    item.quantity = dt_.number(Get::get(&v, "quantity"), "value");
    item.unit_price = money(dt_, Get::get(&v, "unitPrice"), c.currency);
    item.net = money(dt_, Get::get(&v, "net"), c.currency);
    c.items.push_back(std::move(item));
  });
  c.total = money(dt_, Get::get(&r, "total"), c.currency);
  const JsonValue* patient = Get::get(&r, "patient");
  logicalPatient(patient);
  link(LinkRole::Patient, self, patient, path + ".patient");
  return index;
}

std::uint32_t ResourceReader::claimResponse(const JsonValue& r, const std::string& path) {
  const auto index = static_cast<std::uint32_t>(out_.claim_responses.size());
  const ItemRef self{ResourceKind::ClaimResponse, index};
  canonical::ClaimResponse& c = out_.claim_responses.emplace_back();
  c.response_id = dt_.text(Get::at(&r, "identifier"), "value");
  c.status = dt_.text(&r, "status");
  c.outcome = dt_.text(&r, "outcome");
  c.disposition = dt_.text(&r, "disposition");
  c.created = dt_.text(&r, "created");
  c.payer = organization(r, Get::get(&r, "insurer"), self, kSlotPayer, path + ".insurer");
  const JsonValue* request = Get::get(&r, "request");
  c.claim_id = dt_.text(Get::get(request, "identifier"), "value");
  link(LinkRole::ClaimRequest, self, request, path + ".request");
  // Adjudications: eligible (allowed), benefit (paid), copay (patient share), and X12 CAS
  // adjustments (group code as category, reason code as reason).
  auto adjudicate = [&](const JsonValue* list, canonical::ClaimResponseItem* item,
                        std::vector<canonical::Adjustment>& adjustments) {
    forEachElement(list, [&](const JsonValue& a, rapidjson::SizeType) {
      const canonical::Coding category = dt_.firstCoding(Get::get(&a, "category"));
      const std::string amount = money(dt_, Get::get(&a, "amount"), c.currency);
      if (category.system == codes::kX12AdjustmentGroup) {
        adjustments.push_back({category.code, dt_.firstCoding(Get::get(&a, "reason")).code, amount});
      } else if (item != nullptr && category.system == codes::kAdjudication) {
        if (category.code == "eligible") item->allowed = amount;
        if (category.code == "benefit") item->paid = amount;
        if (category.code == "copay") item->patient_share = amount;
      }
    });
  };
  forEachElement(Get::get(&r, "item"), [&](const JsonValue& v, rapidjson::SizeType) {
    canonical::ClaimResponseItem item;
    item.item_sequence = dt_.positiveInt(&v, "itemSequence");
    adjudicate(Get::get(&v, "adjudication"), &item, item.adjustments);
    c.items.push_back(std::move(item));
  });
  adjudicate(Get::get(&r, "adjudication"), nullptr, c.adjustments);
  forEachElement(Get::get(&r, "total"), [&](const JsonValue& v, rapidjson::SizeType) {
    const canonical::Coding category = dt_.firstCoding(Get::get(&v, "category"));
    if (category.system != codes::kAdjudication) return;
    const std::string amount = money(dt_, Get::get(&v, "amount"), c.currency);
    if (category.code == "submitted") c.total_submitted = amount;
    if (category.code == "eligible") c.total_allowed = amount;
    if (category.code == "copay") c.total_patient_share = amount;
  });
  const JsonValue* payment = Get::get(&r, "payment");
  c.total_paid = money(dt_, Get::get(payment, "amount"), c.currency);
  c.payment_date = dt_.text(payment, "date");
  c.payment_reference = dt_.text(Get::get(payment, "identifier"), "value");
  const JsonValue* patient = Get::get(&r, "patient");
  logicalPatient(patient);
  link(LinkRole::Patient, self, patient, path + ".patient");
  return index;
}

}  // namespace ferry::fhir
