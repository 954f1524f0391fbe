// Concept map rows for order and result tables: 0038 order status, 0078 abnormal flags, 0085
// observation result status, 0119 order control, 0123 result status. Data only; looked up through concept_map.h.
#pragma once

#include "parsers/terminology/concept_map.h"

namespace ferry::terminology::tables {

// v2 0078 Interpretation Codes (abnormal flags, OBX-8) -> v3-ObservationInterpretation. The
// published map leaves AC, HM, OBX, QCF and TOX (inactive in FHIR) and the "null" entry unmapped.
inline constexpr ConceptMapping kAbnormalFlags[] = {
    {"0078", "<", kObservationInterpretation, "<", "Off scale low"},
    {"0078", ">", kObservationInterpretation, ">", "Off scale high"},
    {"0078", "A", kObservationInterpretation, "A", "Abnormal"},
    {"0078", "AA", kObservationInterpretation, "AA", "Critical abnormal"},
    {"0078", "B", kObservationInterpretation, "B", "Better"},
    {"0078", "CAR", kObservationInterpretation, "CAR", "Carrier"},
    {"0078", "D", kObservationInterpretation, "D", "Significant change down"},
    {"0078", "DET", kObservationInterpretation, "DET", "Detected"},
    {"0078", "E", kObservationInterpretation, "E", "Equivocal"},
    {"0078", "EX", kObservationInterpretation, "EX", "outside threshold"},
    {"0078", "EXP", kObservationInterpretation, "EXP", "Expected"},
    {"0078", "H", kObservationInterpretation, "H", "High"},
    {"0078", "HH", kObservationInterpretation, "HH", "Critical high"},
    {"0078", "HU", kObservationInterpretation, "HU", "Significantly high"},
    {"0078", "I", kObservationInterpretation, "I", "Intermediate"},
    {"0078", "IE", kObservationInterpretation, "IE", "Insufficient evidence"},
    {"0078", "IND", kObservationInterpretation, "IND", "Indeterminate"},
    {"0078", "L", kObservationInterpretation, "L", "Low"},
    {"0078", "LL", kObservationInterpretation, "LL", "Critical low"},
    {"0078", "LU", kObservationInterpretation, "LU", "Significantly low"},
    {"0078", "MS", kObservationInterpretation, "MS", "moderately susceptible"},
    {"0078", "N", kObservationInterpretation, "N", "Normal"},
    {"0078", "NCL", kObservationInterpretation, "NCL", "No CLSI defined breakpoint"},
    {"0078", "ND", kObservationInterpretation, "ND", "Not detected"},
    {"0078", "NEG", kObservationInterpretation, "NEG", "Negative"},
    {"0078", "NR", kObservationInterpretation, "NR", "Non-reactive"},
    {"0078", "NS", kObservationInterpretation, "NS", "Non-susceptible"},
    {"0078", "POS", kObservationInterpretation, "POS", "Positive"},
    {"0078", "R", kObservationInterpretation, "R", "Resistant"},
    {"0078", "RR", kObservationInterpretation, "RR", "Reactive"},
    {"0078", "S", kObservationInterpretation, "S", "Susceptible"},
    {"0078", "SDD", kObservationInterpretation, "SDD", "Susceptible-dose dependent"},
    {"0078", "SYN-R", kObservationInterpretation, "SYN-R", "Synergy - resistant"},
    {"0078", "SYN-S", kObservationInterpretation, "SYN-S", "Synergy - susceptible"},
    {"0078", "U", kObservationInterpretation, "U", "Significant change up"},
    {"0078", "UNE", kObservationInterpretation, "UNE", "Unexpected"},
    {"0078", "VS", kObservationInterpretation, "VS", "very susceptible"},
    {"0078", "W", kObservationInterpretation, "W", "Worse"},
    {"0078", "WR", kObservationInterpretation, "WR", "Weakly reactive"},
};

// v2 0085 Observation Result Status (OBX-11) -> FHIR observation-status. The published map
// leaves B, I, N, O, R, S, U and V unmapped. "W" precedes "D" so that entered-in-error goes
// back as "post original as wrong".
inline constexpr ConceptMapping kObservationResultStatus[] = {
    {"0085", "A", kObservationStatus, "amended", "Amended"},
    {"0085", "C", kObservationStatus, "corrected", "Corrected"},
    {"0085", "W", kObservationStatus, "entered-in-error", "Entered in Error"},
    {"0085", "D", kObservationStatus, "entered-in-error", "Entered in Error"},
    {"0085", "F", kObservationStatus, "final", "Final"},
    {"0085", "P", kObservationStatus, "preliminary", "Preliminary"},
    {"0085", "X", kObservationStatus, "cancelled", "Cancelled"},
};

// v2 0038 Order Status (ORC-5) -> FHIR request-status (ServiceRequest.status), as the published
// map "OrderStatus" has it. It leaves A (some, but not all, results available) unmapped.
// Canceled, discontinued and replaced orders are all "revoked"; back to v2 that is CA.
inline constexpr ConceptMapping kOrderStatus[] = {
    {"0038", "CA", kRequestStatus, "revoked", "Revoked"},
    {"0038", "CM", kRequestStatus, "completed", "Completed"},
    {"0038", "DC", kRequestStatus, "revoked", "Revoked"},
    {"0038", "ER", kRequestStatus, "entered-in-error", "Entered in Error"},
    {"0038", "HD", kRequestStatus, "on-hold", "On Hold"},
    {"0038", "IP", kRequestStatus, "active", "Active"},
    {"0038", "RP", kRequestStatus, "revoked", "Revoked"},
    {"0038", "SC", kRequestStatus, "active", "Active"},
};

// v2 0119 Order Control (ORC-1): FHIR has no equivalent code system, so the codes are kept as
// they are, in http://terminology.hl7.org/CodeSystem/v2-0119.
inline constexpr ConceptMapping kOrderControl[] = {
    {"0119", "AF", kV2OrderControl, "AF", "Order/service refill request approval"},
    {"0119", "CA", kV2OrderControl, "CA", "Cancel order/service request"},
    {"0119", "CH", kV2OrderControl, "CH", "Child order/service"},
    {"0119", "CN", kV2OrderControl, "CN", "Combined result"},
    {"0119", "CR", kV2OrderControl, "CR", "Canceled as requested"},
    {"0119", "DC", kV2OrderControl, "DC", "Discontinue order/service request"},
    {"0119", "DE", kV2OrderControl, "DE", "Data errors"},
    {"0119", "DF", kV2OrderControl, "DF", "Order/service refill request denied"},
    {"0119", "DR", kV2OrderControl, "DR", "Discontinued as requested"},
    {"0119", "FU", kV2OrderControl, "FU", "Order/service refilled, unsolicited"},
    {"0119", "HD", kV2OrderControl, "HD", "Hold order request"},
    {"0119", "HR", kV2OrderControl, "HR", "On hold as requested"},
    {"0119", "LI", kV2OrderControl, "LI", "Link order/service to patient care problem or goal"},
    {"0119", "MC", kV2OrderControl, "MC", "Miscellaneous charge - not associated with an order"},
    {"0119", "NA", kV2OrderControl, "NA", "Number assigned"},
    {"0119", "NW", kV2OrderControl, "NW", "New order/service"},
    {"0119", "OC", kV2OrderControl, "OC", "Order/service canceled"},
    {"0119", "OD", kV2OrderControl, "OD", "Order/service discontinued"},
    {"0119", "OE", kV2OrderControl, "OE", "Order/service released"},
    {"0119", "OF", kV2OrderControl, "OF", "Order/service refilled as requested"},
    {"0119", "OH", kV2OrderControl, "OH", "Order/service held"},
    {"0119", "OK", kV2OrderControl, "OK", "Order/service accepted & OK"},
    {"0119", "OP", kV2OrderControl, "OP", "Notification of order for outside dispense"},
    {"0119", "OR", kV2OrderControl, "OR", "Released as requested"},
    {"0119", "PA", kV2OrderControl, "PA", "Parent order/service"},
    {"0119", "PR", kV2OrderControl, "PR", "Previous Results with new order/service"},
    {"0119", "PY", kV2OrderControl, "PY", "Notification of replacement order for outside dispense"},
    {"0119", "RE", kV2OrderControl, "RE", "Observations/Performed Service to follow"},
    {"0119", "RF", kV2OrderControl, "RF", "Refill order/service request"},
    {"0119", "RL", kV2OrderControl, "RL", "Release previous hold"},
    {"0119", "RO", kV2OrderControl, "RO", "Replacement order"},
    {"0119", "RP", kV2OrderControl, "RP", "Order/service replace request"},
    {"0119", "RQ", kV2OrderControl, "RQ", "Replaced as requested"},
    {"0119", "RR", kV2OrderControl, "RR", "Request received"},
    {"0119", "RU", kV2OrderControl, "RU", "Replaced unsolicited"},
    {"0119", "SC", kV2OrderControl, "SC", "Status changed"},
    {"0119", "SN", kV2OrderControl, "SN", "Send order/service number"},
    {"0119", "SR", kV2OrderControl, "SR", "Response to send order/service status request"},
    {"0119", "SS", kV2OrderControl, "SS", "Send order/service status request"},
    {"0119", "UA", kV2OrderControl, "UA", "Unable to accept order/service"},
    {"0119", "UC", kV2OrderControl, "UC", "Unable to cancel"},
    {"0119", "UD", kV2OrderControl, "UD", "Unable to discontinue"},
    {"0119", "UF", kV2OrderControl, "UF", "Unable to refill"},
    {"0119", "UH", kV2OrderControl, "UH", "Unable to put on hold"},
    {"0119", "UM", kV2OrderControl, "UM", "Unable to replace"},
    {"0119", "UN", kV2OrderControl, "UN", "Unlink order/service from patient care problem or goal"},
    {"0119", "UR", kV2OrderControl, "UR", "Unable to release"},
    {"0119", "UX", kV2OrderControl, "UX", "Unable to change"},
    {"0119", "XO", kV2OrderControl, "XO", "Change order/service request"},
    {"0119", "XR", kV2OrderControl, "XR", "Changed as requested"},
    {"0119", "XX", kV2OrderControl, "XX", "Order/service changed, unsol."},
};

// v2 0123 Result Status (OBR-25) -> FHIR diagnostic-report-status. The published map leaves A,
// M, N, Y and Z unmapped. "O" precedes "I" and "S" so that registered goes back as "O".
inline constexpr ConceptMapping kResultStatus[] = {
    {"0123", "O", kDiagnosticReportStatus, "registered", "Registered"},
    {"0123", "I", kDiagnosticReportStatus, "registered", "Registered"},
    {"0123", "S", kDiagnosticReportStatus, "registered", "Registered"},
    {"0123", "P", kDiagnosticReportStatus, "preliminary", "Preliminary"},
    {"0123", "C", kDiagnosticReportStatus, "corrected", "Corrected"},
    {"0123", "R", kDiagnosticReportStatus, "partial", "Partial"},
    {"0123", "F", kDiagnosticReportStatus, "final", "Final"},
    {"0123", "X", kDiagnosticReportStatus, "cancelled", "Cancelled"},
};

}  // namespace ferry::terminology::tables
