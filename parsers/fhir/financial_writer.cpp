// Insurance and billing: Coverage, Claim, ClaimResponse.
#include <tuple>

#include "parsers/fhir/fhir_codes.h"
#include "parsers/fhir/resource_writer.h"

namespace ferry::fhir {
namespace {

canonical::Coding code(std::string_view system, std::string_view c) {
  return {std::string(system), std::string(c), ""};
}

}  // namespace

Node ResourceWriter::coverage(std::uint32_t i) {
  const canonical::Coverage& c = m_.coverages[i];
  Node r = begin("Coverage");
  // Coverage.status is required and the canonical model keeps none: a policy in a message is
  // taken as in force.
  r.set("status", "active");
  r.set("subscriber", relatedPersonRef(c.subscriber_name));
  r.set("subscriberId", c.member_id);
  r.set("beneficiary", patientRef(true));
  if (!(c.relationship == canonical::Coding{})) r.set("relationship", dt_.codeableConcept(c.relationship));
  r.set("period", Node::object()
                      .set("start", dt_.dateTime(c.period_start, "Coverage.period.start"))
                      .set("end", dt_.dateTime(c.period_end, "Coverage.period.end")));
  r.set("payor", Node::array().push(organizationRef(c.payer, true)));
  Node classes = Node::array();
  using ClassRow = std::tuple<std::string_view, const std::string*, const std::string*>;
  for (const auto& [type, value, name] :
       {ClassRow{"group", &c.group_number, &c.group_name}, ClassRow{"plan", &c.plan_id, &c.plan_name}}) {
    if (value->empty()) {
      if (!name->empty()) {
        dt_.note(Severity::Warning, "required",
                 std::string(type) + " name '" + *name + "' without a " + std::string(type) +
                     " id was not written",
                 "Coverage.class");
      }
      continue;
    }
    classes.push(Node::object()
                     .set("type", dt_.codeableConcept(code(codes::kCoverageClass, type)))
                     .set("value", *value)
                     .set("name", *name));
  }
  r.set("class", std::move(classes));
  return finish(std::move(r));
}

Node ResourceWriter::claim(std::uint32_t i) {
  const canonical::Claim& c = m_.claims[i];
  Node r = begin("Claim");
  if (!c.claim_id.empty()) r.set("identifier", Node::array().push(Node::object().set("value", c.claim_id)));
  r.set("status", c.status.empty() ? std::string("active") : c.status);
  r.set("type",
        c.type == canonical::Coding{} ? Node::object().set("text", "unknown") : dt_.codeableConcept(c.type));
  r.set("use", "claim");  // required; the canonical Claim is always a claim, not a pre-authorization
  r.set("patient", patientRef(true));
  r.set("billablePeriod", Node::object()
                              .set("start", dt_.dateTime(c.service_start, "Claim.billablePeriod.start"))
                              .set("end", dt_.dateTime(c.service_end, "Claim.billablePeriod.end")));
  r.set("created", dt_.dateTime(c.created, "Claim.created"));
  r.set("insurer", organizationRef(c.payer, false));
  r.set("provider", organizationRef(c.provider, true));
  r.set("priority", dt_.codeableConcept(code(codes::kProcessPriority, "normal")));
  Node diagnoses = Node::array();
  for (std::size_t k = 0; k < c.diagnoses.size(); ++k) {
    const canonical::ClaimDiagnosis& d = c.diagnoses[k];
    const std::uint32_t seq = d.sequence.value_or(static_cast<std::uint32_t>(k + 1));
    diagnoses.push(Node::object()
                       .set("sequence", Node::number(std::to_string(seq)))
                       .set("diagnosisCodeableConcept", dt_.codeableConcept(d.code)));
  }
  r.set("diagnosis", std::move(diagnoses));
  Node coverage;
  if (!m_.coverages.empty()) coverage = ref({ResourceKind::Coverage, 0});
  if (coverage.empty() && !c.member.value.empty())
    coverage = Node::object().set("identifier", dt_.identifier(c.member));
  if (coverage.empty()) coverage = Node::object().set("display", "unknown");
  r.set("insurance", Node::array().push(Node::object()
                                            .set("sequence", Node::number("1"))
                                            .put("focal", Node::boolean(true))
                                            .set("coverage", std::move(coverage))));
  Node items = Node::array();
  for (std::size_t k = 0; k < c.items.size(); ++k) {
    const canonical::ClaimItem& item = c.items[k];
    const std::uint32_t seq = item.sequence.value_or(static_cast<std::uint32_t>(k + 1));
    const std::string path = "Claim.item[" + std::to_string(k) + "]";
    Node product = dt_.codeableConcept(item.code);
    Node line = Node::object().set("sequence", Node::number(std::to_string(seq)));
    line.set("productOrService",
             product.empty() ? Node::object().set("text", "unknown") : std::move(product));
    line.set("servicedDate", dt_.date(item.service_date, path + ".servicedDate"));
    if (Node q = dt_.decimal(item.quantity, path + ".quantity.value"); !q.empty()) {
      line.set("quantity", Node::object().set("value", std::move(q)));
    }
    line.set("unitPrice", dt_.money(item.unit_price, c.currency, path + ".unitPrice"));
    line.set("net", dt_.money(item.net, c.currency, path + ".net"));
    items.push(std::move(line));
  }
  r.set("item", std::move(items));
  r.set("total", dt_.money(c.total, c.currency, "Claim.total"));
  return finish(std::move(r));
}

Node ResourceWriter::claimResponse(std::uint32_t i) {
  const canonical::ClaimResponse& c = m_.claim_responses[i];
  Node r = begin("ClaimResponse");
  if (!c.response_id.empty())
    r.set("identifier", Node::array().push(Node::object().set("value", c.response_id)));
  r.set("status", c.status.empty() ? std::string("active") : c.status);
  // type is required: the type of the claim answered when the message has it.
  Node type = Node::object().set("text", "unknown");
  std::optional<std::uint32_t> claimIndex;
  for (std::uint32_t k = 0; k < m_.claims.size(); ++k) {
    if (!c.claim_id.empty() && m_.claims[k].claim_id == c.claim_id) claimIndex = k;
  }
  if (claimIndex && !(m_.claims[*claimIndex].type == canonical::Coding{})) {
    type = dt_.codeableConcept(m_.claims[*claimIndex].type);
  }
  r.set("type", std::move(type));
  r.set("use", "claim");
  r.set("patient", patientRef(true));
  r.set("created", dt_.dateTime(c.created, "ClaimResponse.created"));
  r.set("insurer", organizationRef(c.payer, true));
  Node request;
  if (claimIndex) request = ref({ResourceKind::Claim, *claimIndex});
  if (request.empty() && !c.claim_id.empty()) {
    request = Node::object().set("identifier", Node::object().set("value", c.claim_id));
  }
  r.set("request", std::move(request));
  r.set("outcome", c.outcome.empty() ? std::string("complete") : c.outcome);
  r.set("disposition", c.disposition);
  auto adjudication = [&](std::string_view category, const std::string& amount, const std::string& path) {
    Node money = dt_.money(amount, c.currency, path);
    if (money.empty()) return Node();
    return Node::object()
        .set("category", dt_.codeableConcept(code(codes::kAdjudication, category)))
        .set("amount", std::move(money));
  };
  auto adjustment = [&](const canonical::Adjustment& a, const std::string& path) {
    Node n =
        Node::object().set("category", dt_.codeableConcept(code(codes::kX12AdjustmentGroup, a.group_code)));
    if (!a.reason_code.empty())
      n.set("reason", dt_.codeableConcept(code(codes::kX12AdjustmentReason, a.reason_code)));
    return n.set("amount", dt_.money(a.amount, c.currency, path));
  };
  Node items = Node::array();
  for (std::size_t k = 0; k < c.items.size(); ++k) {
    const canonical::ClaimResponseItem& item = c.items[k];
    const std::string path = "ClaimResponse.item[" + std::to_string(k) + "].adjudication";
    Node adj = Node::array();
    adj.push(adjudication("eligible", item.allowed, path));
    adj.push(adjudication("benefit", item.paid, path));
    adj.push(adjudication("copay", item.patient_share, path));
    for (const canonical::Adjustment& a : item.adjustments) adj.push(adjustment(a, path));
    if (adj.empty())
      adj.push(Node::object().set("category", dt_.codeableConcept(code(codes::kAdjudication, "submitted"))));
    const std::uint32_t seq = item.item_sequence.value_or(static_cast<std::uint32_t>(k + 1));
    items.push(Node::object()
                   .set("itemSequence", Node::number(std::to_string(seq)))
                   .set("adjudication", std::move(adj)));
  }
  r.set("item", std::move(items));
  Node adjustments = Node::array();
  for (const canonical::Adjustment& a : c.adjustments)
    adjustments.push(adjustment(a, "ClaimResponse.adjudication"));
  r.set("adjudication", std::move(adjustments));
  Node totals = Node::array();
  totals.push(adjudication("submitted", c.total_submitted, "ClaimResponse.total"));
  totals.push(adjudication("eligible", c.total_allowed, "ClaimResponse.total"));
  totals.push(adjudication("copay", c.total_patient_share, "ClaimResponse.total"));
  r.set("total", std::move(totals));
  if (Node paid = dt_.money(c.total_paid, c.currency, "ClaimResponse.payment.amount"); !paid.empty()) {
    Node payment = Node::object().set("type", dt_.codeableConcept(code(codes::kPaymentType, "complete")));
    payment.set("date", dt_.date(c.payment_date, "ClaimResponse.payment.date"));
    payment.set("amount", std::move(paid));
    if (!c.payment_reference.empty()) {
      payment.set("identifier", Node::object().set("value", c.payment_reference));
    }
    r.set("payment", std::move(payment));
  }
  return finish(std::move(r));
}

}  // namespace ferry::fhir
