package projections

import (
	"fmt"
	"strings"

	"github.com/caseledger/caseledger/domain"
)

// Summarize returns a one-line description of an event for audit trails and
// timelines. It names ids, codes and enumerations; free text is quoted short.
func Summarize(e domain.Event) string {
	switch e := e.(type) {
	case domain.CaseOpened:
		return fmt.Sprintf("Case %s opened for %s %s", e.CRN, e.Person.GivenName, e.Person.FamilyName)
	case domain.CaseClosed:
		return "Case closed: " + short(e.Reason)
	case domain.CaseReopened:
		return "Case reopened: " + short(e.Reason)
	case domain.CaseAccessRestricted:
		return fmt.Sprintf("Access restricted (%d excluded, %d allowed)", len(e.Excluded), len(e.RestrictedTo))
	case domain.SentenceRecorded:
		return fmt.Sprintf("Sentence %s recorded: %s at %s from %s", e.SentenceID, words(e.Kind), e.Court, e.StartDate)
	case domain.SentenceTerminated:
		return fmt.Sprintf("Sentence %s terminated: %s", e.SentenceID, short(e.Reason))
	case domain.RequirementImposed:
		return fmt.Sprintf("Requirement %s imposed on %s: %s", e.RequirementID, e.SentenceID, words(e.Category))
	case domain.RequirementTerminated:
		return fmt.Sprintf("Requirement %s terminated: %s", e.RequirementID, short(e.Reason))
	case domain.LicenceConditionImposed:
		return fmt.Sprintf("Licence condition %s imposed on %s: %s", e.ConditionID, e.SentenceID, words(e.Category))
	case domain.LicenceConditionVaried:
		return fmt.Sprintf("Licence condition %s varied", e.ConditionID)
	case domain.LicenceConditionTerminated:
		return fmt.Sprintf("Licence condition %s terminated: %s", e.ConditionID, words(e.Reason))
	case domain.CaseAllocated:
		return fmt.Sprintf("Allocated to %s (team %s, %s): %s", e.Officer, e.Team, e.Provider, words(e.Reason))
	case domain.CaseDeallocated:
		return "Deallocated: " + short(e.Reason)
	}
	return summarizeMore(e)
}

func summarizeMore(e domain.Event) string {
	switch e := e.(type) {
	case domain.TransferRequested:
		what := "case"
		if e.Scope == domain.ScopeComponents {
			what = fmt.Sprintf("%d component(s)", len(e.Components))
		}
		return fmt.Sprintf("Transfer %s of the %s requested from %s to %s", e.TransferID, what, e.From.Provider, destination(e.To))
	case domain.TransferAccepted:
		return fmt.Sprintf("Transfer %s accepted by %s (team %s)", e.TransferID, e.Officer, e.Team)
	case domain.TransferRejected:
		how := "rejected"
		if e.Automatic {
			how = "rejected automatically"
		}
		return fmt.Sprintf("Transfer %s %s: %s", e.TransferID, how, short(e.Reason))
	case domain.TransferCancelled:
		return fmt.Sprintf("Transfer %s cancelled: %s", e.TransferID, short(e.Reason))
	case domain.RiskAssessed:
		return fmt.Sprintf("Risk assessed (%s): RoSH %s, RSR %.1f%%", e.Tool, words(e.RoSH), e.RSR)
	case domain.RegistrationAdded:
		s := fmt.Sprintf("Registration %s added: %s", e.RegistrationID, e.RegType)
		if e.Category != "" || e.Level != "" {
			s += fmt.Sprintf(" (category %s, level %s)", e.Category, e.Level)
		}
		return s
	case domain.RegistrationReviewed:
		return fmt.Sprintf("Registration %s reviewed; next review %s", e.RegistrationID, e.NextReviewDate)
	case domain.RegistrationDeregistered:
		return fmt.Sprintf("Registration %s deregistered: %s", e.RegistrationID, short(e.Reason))
	case domain.AppointmentBooked:
		return "Appointment " + e.AppointmentID + " booked: " + words(e.Kind) + " with " + e.Officer + " at " + domain.FormatTime(e.StartsAt)
	case domain.AppointmentRescheduled:
		return "Appointment " + e.AppointmentID + " moved to " + domain.FormatTime(e.StartsAt)
	case domain.AppointmentCancelled:
		return "Appointment " + e.AppointmentID + " cancelled: " + short(e.Reason)
	case domain.AppointmentOutcomeRecorded:
		return "Appointment " + e.AppointmentID + ": " + words(e.Outcome)
	case domain.WarningIssued:
		return fmt.Sprintf("Warning %s issued on %s for %s", e.WarningID, e.SentenceID, strings.Join(e.AppointmentIDs, ", "))
	case domain.BreachRaised:
		return fmt.Sprintf("Breach %s raised on %s", e.BreachID, e.SentenceID)
	case domain.BreachConcluded:
		return fmt.Sprintf("Breach %s concluded: %s", e.BreachID, words(e.Outcome))
	}
	return summarizeRest(e)
}

func summarizeRest(e domain.Event) string {
	switch e := e.(type) {
	case domain.CustodyRemanded:
		return "Remanded in custody by " + e.Court
	case domain.CustodyReleased:
		return fmt.Sprintf("Released from %s (%s)", e.Establishment, e.ReleaseType)
	case domain.RecallRaised:
		return fmt.Sprintf("Recall %s raised on licence %s: %s, decided by %s", e.RecallID, e.SentenceID, words(e.RecallType), e.DecidedBy)
	case domain.RecallConcluded:
		return fmt.Sprintf("Recall %s concluded: %s", e.RecallID, words(e.Outcome))
	case domain.InformationReceived:
		who := e.ReceivedBy.Officer + e.ReceivedBy.Team
		if e.ReceivedBy.Reception {
			who = "reception"
		}
		return fmt.Sprintf("Information %s received from %s (%s) by %s, %s%s: %s", e.InformationID, e.Source.Organisation,
			words(e.Source.Kind), who, e.Urgency, riskFlag(e.RiskRelevant), short(e.Summary))
	case domain.InformationRouted:
		return fmt.Sprintf("Information %s routed to %s", e.InformationID, e.To.Officer+joinIf(e.To.Officer, e.To.Team))
	case domain.InformationAcknowledged:
		return fmt.Sprintf("Information %s acknowledged by %s: %s", e.InformationID, e.By, short(e.Action))
	case domain.InformationShared:
		return fmt.Sprintf("Information shared with %s (%s)", e.Recipient.Organisation, short(e.Basis))
	case domain.SFONotified:
		return fmt.Sprintf("Serious further offence %s notified: %s, charged %s", e.SFOID, e.Offence, domain.FormatTime(e.ChargedAt))
	case domain.SFOReviewCompleted:
		return fmt.Sprintf("SFO review %s completed", e.SFOID)
	case domain.EntryRetracted:
		return fmt.Sprintf("Entry %s retracted: %s", e.EventID, short(e.Reason))
	}
	return e.Type()
}

func destination(d domain.Destination) string {
	s := d.Provider
	if d.Team != "" {
		s += " team " + d.Team
	}
	if d.Officer != "" {
		s += " officer " + d.Officer
	}
	return s
}

func riskFlag(b bool) string {
	if b {
		return ", risk-relevant"
	}
	return ""
}

func joinIf(a, b string) string {
	if a != "" && b != "" {
		return " / team " + b
	}
	return b
}

func words(s string) string {
	if !strings.Contains(s, "_") {
		return s
	}
	return strings.ReplaceAll(s, "_", " ")
}

// short quotes free text, cut to 80 characters.
func short(s string) string {
	r := []rune(s)
	if len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return s
}
