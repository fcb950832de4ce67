package domain

import (
	"fmt"
	"regexp"
	"slices"
	"time"
)

var crnPattern = regexp.MustCompile(`^[A-Z][0-9]{6}$`)

// ValidCRN reports whether s is a case reference number: a capital letter and six digits.
func ValidCRN(s string) bool { return crnPattern.MatchString(s) }

// Stream names.
const OrgStream = "org"

// CaseStream is the stream of a case.
func CaseStream(crn string) string { return "case-" + crn }

// AccessStream is the access log stream of a case.
func AccessStream(crn string) string { return "access-" + crn }

// The enumerations of DOMAIN.md.
var (
	SentenceKinds         = []string{KindCommunityOrder, KindSuspendedSentenceOrder, KindLicence, KindPostSentenceSupervision}
	RequirementCategories = []string{"unpaid_work", "rehabilitation_activity", "curfew", "drug_rehabilitation", "alcohol_treatment", "mental_health_treatment", "accredited_programme", "exclusion", "residence", "prohibited_activity", "other"}
	ConditionCategories   = []string{"residence", "no_contact", "exclusion_zone", "curfew", "non_association", "supervision", "drug_testing", "electronic_monitoring", "other"}
	ConditionEndReasons   = []string{"expired", "varied", "recall", "revoked", ReasonSentenceTerminated, "other"}
	AllocationReasons     = []string{"initial_allocation", "caseload_adjustment", "change_in_risk", "change_of_address", "officer_left", "risk_to_staff", "transfer_in", "other"}
	TransferScopes        = []string{ScopeCase, ScopeComponents}
	RoSHLevels            = []string{RoSHLow, RoSHMedium, RoSHHigh, RoSHVeryHigh}
	RegistrationTypes     = []string{"MAPP", "RLRH", "RMRH", "RHRH", "RVHR", "ADVP", "ADVV", "RCCO", "RCPR", "RCHD", "WEAP", "ASFO", "WRSM", "STRG", "AVIS", "INVI", "ALSH", "RTAO", "AV2S", "IIOM", "ARSO"}
	MAPPACategories       = []string{"M1", "M2", "M3", "M4"}
	MAPPALevels           = []string{"M1", "M2", "M3"}
	AppointmentKinds      = []string{"office", "home_visit", "video", "phone"}
	Outcomes              = []string{OutcomeComplied, OutcomeFailedToComply, OutcomeAcceptableAbsence, OutcomeUnacceptableAbsence}
	BreachOutcomes        = []string{"proved", "not_proved", "withdrawn"}
	RecallTypes           = []string{"fixed_term", "standard"}
	RecallOutcomes        = []string{RecallReturnedToCustody, "rescinded", "withdrawn"}
	SourceKinds           = []string{"police", "housing", "childrens_services", "prison", "victim_liaison", "health", "public", "other"}
	Channels              = []string{"phone", "email", "letter", "meeting", "system"}
	Urgencies             = []string{"routine", "urgent"}
	SFOCategories         = []string{"mandatory", "discretionary"}
	Grades                = []string{"PO", "PSO", "SPO"}
)

// Named enumeration values the rules refer to.
const (
	KindCommunityOrder          = "community_order"
	KindSuspendedSentenceOrder  = "suspended_sentence_order"
	KindLicence                 = "licence"
	KindPostSentenceSupervision = "post_sentence_supervision"
	ReasonSentenceTerminated    = "sentence_terminated"
	ScopeCase                   = "case"
	ScopeComponents             = "components"
	RoSHLow                     = "low"
	RoSHMedium                  = "medium"
	RoSHHigh                    = "high"
	RoSHVeryHigh                = "very_high"
	OutcomeComplied             = "attended_complied"
	OutcomeFailedToComply       = "attended_failed_to_comply"
	OutcomeAcceptableAbsence    = "acceptable_absence"
	OutcomeUnacceptableAbsence  = "unacceptable_absence"
	RecallReturnedToCustody     = "returned_to_custody"
	CustodyStatusCommunity      = "community"
	CustodyStatusRemanded       = "remanded"
	CustodyStatusInCustody      = "in_custody"
)

// MaxSkew is how far in the future an occurred_at may be, for clock skew.
const MaxSkew = 5 * time.Minute

// fields collects field errors of one validation; err returns them as one
// ErrInvalid refusal, or nil.
type fields struct{ list []FieldError }

func (f *fields) add(field, format string, args ...any) {
	f.list = append(f.list, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (f *fields) required(field, v string) {
	if v == "" {
		f.add(field, "is required")
	}
}

func (f *fields) oneOf(field, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		f.add(field, "must be one of %v", allowed)
	}
}

func (f *fields) optionalOneOf(field, v string, allowed []string) {
	if v != "" {
		f.oneOf(field, v, allowed)
	}
}

func (f *fields) date(field, v string, required bool) {
	if v == "" {
		if required {
			f.add(field, "is required")
		}
		return
	}
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		f.add(field, "must be a date YYYY-MM-DD")
	}
}

func (f *fields) instant(field string, v time.Time) {
	if v.IsZero() {
		f.add(field, "is required")
	}
}

func (f *fields) percent(field string, v float64) {
	if v < 0 || v > 100 {
		f.add(field, "must be between 0 and 100")
	}
}

func (f *fields) ids(field string, ids []string, required bool) {
	if required && len(ids) == 0 {
		f.add(field, "must name at least one id")
	}
	seen := map[string]bool{}
	for i, id := range ids {
		if id == "" {
			f.add(fmt.Sprintf("%s[%d]", field, i), "is empty")
		}
		if seen[id] {
			f.add(fmt.Sprintf("%s[%d]", field, i), "is named twice")
		}
		seen[id] = true
	}
}

func (f *fields) err() error {
	if len(f.list) == 0 {
		return nil
	}
	e := *ErrInvalid
	e.Fields = f.list
	return &e
}
