package domain

import (
	"fmt"
	"slices"
)

// allowedWhenClosed are the events a closed case still takes.
var allowedWhenClosed = map[string]bool{
	"case.reopened": true, "case.access_restricted": true, "sfo.notified": true, "sfo.review_completed": true,
}

// check returns the rule r breaks when applied to the case state c (the state
// just before r, at r's occurred_at), with org as the reference data. It is
// the one place where the case rules live: Decide runs it on new events
// (fresh), and on every later event when the history is re-folded around
// them. The refusals come in API.md's order: an unknown thing acted on (404)
// first, then invalid fields (422), then the business rules (409).
func check(c *Case, org *Org, r Recorded, fresh bool) *Error {
	ruleErr := checkState(c, org, r, fresh)
	if ruleErr != nil && ruleErr.Kind == NotFound {
		return ruleErr
	}
	if err := validateFields(r.Event); err != nil {
		return err
	}
	return ruleErr
}

// checkState checks r against the state: everything but its own fields.
func checkState(c *Case, org *Org, r Recorded, fresh bool) *Error {
	if _, ok := r.Event.(CaseOpened); !ok && !c.Opened {
		return ErrCaseNotOpen
	}
	if c.Closed && !allowedWhenClosed[r.Event.Type()] && !(r.CausationID != "" && r.CausationID == c.ClosedBy) {
		return ErrCaseClosed
	}
	if id := createdID(r.Event); id != "" {
		if _, used := c.IDs[id]; used {
			return ErrDuplicateID.With("%s", id)
		}
	}
	switch e := r.Event.(type) {
	case CaseOpened:
		if c.Opened {
			return ErrCaseExists
		}
	case CaseReopened:
		if !c.Closed {
			return ErrCaseNotClosed
		}
	case SentenceTerminated:
		_, err := activeSentence(c, e.SentenceID, ErrSentenceNotFound)
		return err
	case RequirementImposed:
		return checkImposed(c, e.SentenceID, KindCommunityOrder, KindSuspendedSentenceOrder)
	case LicenceConditionImposed:
		return checkImposed(c, e.SentenceID, KindLicence, KindPostSentenceSupervision)
	case RequirementTerminated:
		return checkComponent(c, e.RequirementID, ComponentRequirement)
	case LicenceConditionVaried:
		return checkComponent(c, e.ConditionID, ComponentCondition)
	case LicenceConditionTerminated:
		return checkComponent(c, e.ConditionID, ComponentCondition)
	case CaseAllocated:
		return checkAllocation(c, org, r, fresh)
	case CaseDeallocated:
		if c.Owner == nil {
			return ErrNotAllocated
		}
	case TransferRequested:
		return checkTransferRequest(c, org, r, fresh)
	case TransferAccepted:
		return checkAcceptance(c, org, r, fresh)
	case TransferRejected:
		_, err := pendingTransfer(c, e.TransferID)
		return err
	case TransferCancelled:
		_, err := pendingTransfer(c, e.TransferID)
		return err
	default:
		return checkRiskAndContact(c, org, r)
	}
	return nil
}

func checkRiskAndContact(c *Case, org *Org, r Recorded) *Error {
	switch e := r.Event.(type) {
	case RegistrationReviewed:
		return activeRegistration(c, e.RegistrationID)
	case RegistrationDeregistered:
		return activeRegistration(c, e.RegistrationID)
	case AppointmentBooked:
		if _, ok := org.Officer(e.Officer, r.OccurredAt); !ok {
			return ErrUnknownOfficer.Field("officer", "%s is not serving at occurred_at", e.Officer)
		}
		if e.SentenceID == "" {
			return nil
		}
		s, err := activeSentence(c, e.SentenceID, ErrUnknownSentence.Field("sentence_id", "no such sentence"))
		if err == nil && s.OpenRecall != "" {
			return ErrSentenceRecalled
		}
		return err
	case AppointmentRescheduled:
		return openAppointment(c, e.AppointmentID)
	case AppointmentCancelled:
		return openAppointment(c, e.AppointmentID)
	case AppointmentOutcomeRecorded:
		return openAppointment(c, e.AppointmentID)
	case WarningIssued:
		return checkEnforcement(c, e.SentenceID, e.AppointmentIDs, false)
	case BreachRaised:
		return checkEnforcement(c, e.SentenceID, e.AppointmentIDs, true)
	case BreachConcluded:
		b, ok := c.Breaches[e.BreachID]
		if !ok {
			return ErrBreachNotFound
		}
		if !b.Open {
			return ErrBreachNotOpen
		}
	case CustodyRemanded:
		if c.Custody != CustodyStatusCommunity {
			return ErrCustodyState.With("already %s", c.Custody)
		}
	case CustodyReleased:
		if c.Custody == CustodyStatusCommunity {
			return ErrCustodyState.With("not in custody")
		}
	default:
		return checkRecallAndInformation(c, org, r)
	}
	return nil
}

func checkRecallAndInformation(c *Case, org *Org, r Recorded) *Error {
	switch e := r.Event.(type) {
	case RecallRaised:
		s, err := activeSentence(c, e.SentenceID, ErrUnknownSentence.Field("sentence_id", "no such sentence"))
		if err != nil {
			return err
		}
		if s.Kind != KindLicence {
			return ErrNotALicence
		}
		if s.OpenRecall != "" {
			return ErrRecallOpen
		}
	case RecallConcluded:
		rc, ok := c.Recalls[e.RecallID]
		if !ok {
			return ErrRecallNotFound
		}
		if !rc.Open {
			return ErrRecallNotOpen
		}
	case InformationReceived:
		return checkPeople(org, r, "received_by", e.ReceivedBy.Officer, e.ReceivedBy.Team)
	case InformationRouted:
		if _, ok := c.Information[e.InformationID]; !ok {
			return ErrInformationNotFound
		}
		return checkPeople(org, r, "to", e.To.Officer, e.To.Team)
	case InformationAcknowledged:
		if _, ok := c.Information[e.InformationID]; !ok {
			return ErrInformationNotFound
		}
	case InformationShared:
		for i, id := range e.InformationIDs {
			if _, ok := c.Information[id]; !ok {
				return ErrUnknownInformation.Field(fmt.Sprintf("information_ids[%d]", i), "no such information: %s", id)
			}
		}
	case SFOReviewCompleted:
		s, ok := c.SFOs[e.SFOID]
		if !ok {
			return ErrSFONotFound
		}
		if s.Completed {
			return ErrSFOReviewCompleted
		}
	}
	return nil
}

func activeSentence(c *Case, id string, missing *Error) (*Sentence, *Error) {
	s, ok := c.Sentences[id]
	if !ok {
		return nil, missing
	}
	if !s.Active {
		return nil, ErrSentenceNotActive
	}
	return s, nil
}

func checkImposed(c *Case, sentenceID string, kinds ...string) *Error {
	s, err := activeSentence(c, sentenceID, ErrSentenceNotFound)
	if err != nil {
		return err
	}
	if !slices.Contains(kinds, s.Kind) {
		return ErrWrongSentenceKind.With("a %s takes no such component", s.Kind)
	}
	if s.OpenRecall != "" {
		return ErrSentenceRecalled
	}
	return nil
}

func checkComponent(c *Case, id, kind string) *Error {
	comp, ok := c.Components[id]
	if !ok || comp.Kind != kind {
		return ErrComponentNotFound
	}
	if !comp.Active {
		return ErrComponentNotActive
	}
	return nil
}

func activeRegistration(c *Case, id string) *Error {
	reg, ok := c.Registrations[id]
	if !ok {
		return ErrRegistrationNotFound
	}
	if !reg.Active {
		return ErrRegistrationNotActive
	}
	return nil
}

func openAppointment(c *Case, id string) *Error {
	a, ok := c.Appointments[id]
	if !ok {
		return ErrAppointmentNotFound
	}
	if a.Cancelled || a.Outcome != "" {
		return ErrAppointmentClosed
	}
	return nil
}

func pendingTransfer(c *Case, id string) (*Transfer, *Error) {
	t, ok := c.Transfers[id]
	if !ok {
		return nil, ErrTransferNotFound
	}
	if t.Status != TransferPending {
		return nil, ErrTransferNotPending.With("it is %s", t.Status)
	}
	return t, nil
}

func checkEnforcement(c *Case, sentenceID string, appointments []string, breach bool) *Error {
	if _, ok := c.Sentences[sentenceID]; !ok {
		return ErrUnknownSentence.Field("sentence_id", "no such sentence: %s", sentenceID)
	}
	for i, id := range appointments {
		a, ok := c.Appointments[id]
		if !ok {
			return ErrUnknownAppointment.Field(fmt.Sprintf("appointment_ids[%d]", i), "no such appointment: %s", id)
		}
		if a.Outcome != OutcomeUnacceptableAbsence && a.Outcome != OutcomeFailedToComply {
			return ErrNotNonCompliance.With("%s", id)
		}
	}
	if !breach {
		return nil
	}
	if _, err := activeSentence(c, sentenceID, nil); err != nil {
		return err
	}
	for _, b := range c.Breaches {
		if b.Open && b.SentenceID == sentenceID {
			return ErrBreachOpen
		}
	}
	return nil
}

// checkPeople checks that an officer and a team named in a body exist at r's time.
func checkPeople(org *Org, r Recorded, field, officer, team string) *Error {
	if officer != "" {
		if _, ok := org.Officer(officer, r.OccurredAt); !ok {
			return ErrUnknownOfficer.Field(field+".officer", "%s is not serving at occurred_at", officer)
		}
	}
	if team != "" {
		if _, ok := org.Team(team, r.OccurredAt); !ok {
			return ErrUnknownTeam.Field(field+".team", "no such team: %s", team)
		}
	}
	return nil
}
