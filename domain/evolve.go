package domain

import "time"

// Evolve applies one event to the case state. It never fails: events are
// facts, and an event that does not fit the state (which the deciders never
// let in) leaves the state as it was. It mutates c in place rather than
// returning a copy, because the state holds maps and a fold owns its state.
func Evolve(c *Case, r Recorded) {
	at := r.OccurredAt
	switch e := r.Event.(type) {
	case CaseOpened:
		c.Opened, c.CRN, c.Person, c.OpenedBy = true, e.CRN, e.Person, r.Actor.Organisation
	case CaseClosed:
		c.Closed, c.ClosedBy = true, r.EventID
		c.setOwner(nil, at)
	case CaseReopened:
		c.Closed, c.ClosedBy = false, ""
	case CaseAccessRestricted:
		c.Excluded, c.RestrictedTo = e.Excluded, e.RestrictedTo
	case SentenceRecorded:
		c.IDs[e.SentenceID] = e.Type()
		c.Sentences[e.SentenceID] = &Sentence{SentenceRecorded: e, Active: true}
	case SentenceTerminated:
		if s := c.Sentences[e.SentenceID]; s != nil {
			s.Active = false
		}
	case RequirementImposed:
		c.IDs[e.RequirementID] = e.Type()
		c.Components[e.RequirementID] = &Component{ID: e.RequirementID, Kind: ComponentRequirement,
			SentenceID: e.SentenceID, Category: e.Category, Description: e.Description, Active: true}
	case RequirementTerminated:
		c.endComponent(e.RequirementID, e.Reason)
	case LicenceConditionImposed:
		c.IDs[e.ConditionID] = e.Type()
		c.Components[e.ConditionID] = &Component{ID: e.ConditionID, Kind: ComponentCondition,
			SentenceID: e.SentenceID, Category: e.Category, Description: e.Description, Active: true}
	case LicenceConditionVaried:
		if comp := c.Components[e.ConditionID]; comp != nil {
			comp.Description = e.Description
		}
	case LicenceConditionTerminated:
		c.endComponent(e.ConditionID, e.Reason)
	default:
		evolveOwnership(c, r)
	}
}

func evolveOwnership(c *Case, r Recorded) {
	at := r.OccurredAt
	switch e := r.Event.(type) {
	case CaseAllocated:
		c.setOwner(&Owner{Provider: e.Provider, Team: e.Team, Officer: e.Officer}, at)
	case CaseDeallocated:
		c.setOwner(nil, at)
	case TransferRequested:
		c.IDs[e.TransferID] = e.Type()
		c.Transfers[e.TransferID] = &Transfer{TransferRequested: e, Status: TransferPending, RequestedAt: at, EventID: r.EventID}
		for _, id := range e.Components {
			if comp := c.Components[id]; comp != nil {
				comp.PendingTransfer = e.TransferID
			}
		}
	case TransferAccepted:
		t := c.endTransfer(e.TransferID, TransferDone)
		if t == nil {
			return
		}
		to := &Owner{Provider: t.To.Provider, Team: e.Team, Officer: e.Officer}
		if t.Scope == ScopeCase {
			c.setOwner(to, at)
			return
		}
		for _, id := range t.Components {
			if comp := c.Components[id]; comp != nil {
				comp.Manager = to
			}
		}
	case TransferRejected:
		c.endTransfer(e.TransferID, TransferRefused)
	case TransferCancelled:
		c.endTransfer(e.TransferID, TransferWithdrawn)
	default:
		evolveRisk(c, r)
	}
}

func evolveRisk(c *Case, r Recorded) {
	switch e := r.Event.(type) {
	case RiskAssessed:
		c.IDs[e.AssessmentID] = e.Type()
		c.Risk = &Risk{RoSH: e.RoSH, RSR: e.RSR, AssessedAt: r.OccurredAt, EventID: r.EventID}
	case RegistrationAdded:
		c.IDs[e.RegistrationID] = e.Type()
		c.Registrations[e.RegistrationID] = &Registration{RegistrationAdded: e, Active: true, EventID: r.EventID}
	case RegistrationReviewed:
		if reg := c.Registrations[e.RegistrationID]; reg != nil {
			reg.NextReviewDate = e.NextReviewDate
		}
	case RegistrationDeregistered:
		if reg := c.Registrations[e.RegistrationID]; reg != nil {
			reg.Active = false
		}
	default:
		evolveContact(c, r)
	}
}

func evolveContact(c *Case, r Recorded) {
	switch e := r.Event.(type) {
	case AppointmentBooked:
		c.IDs[e.AppointmentID] = e.Type()
		c.Appointments[e.AppointmentID] = &Appointment{AppointmentBooked: e}
	case AppointmentRescheduled:
		if a := c.Appointments[e.AppointmentID]; a != nil {
			a.StartsAt = e.StartsAt
		}
	case AppointmentCancelled:
		if a := c.Appointments[e.AppointmentID]; a != nil {
			a.Cancelled = true
		}
	case AppointmentOutcomeRecorded:
		if a := c.Appointments[e.AppointmentID]; a != nil {
			a.Outcome = e.Outcome
		}
	case WarningIssued:
		c.IDs[e.WarningID] = e.Type()
	case BreachRaised:
		c.IDs[e.BreachID] = e.Type()
		c.Breaches[e.BreachID] = &Breach{BreachRaised: e, Open: true}
	case BreachConcluded:
		if b := c.Breaches[e.BreachID]; b != nil {
			b.Open, b.Outcome = false, e.Outcome
		}
	case CustodyRemanded:
		c.Custody = CustodyStatusRemanded
	case CustodyReleased:
		c.Custody = CustodyStatusCommunity
	default:
		evolveRecall(c, r)
	}
}

func evolveRecall(c *Case, r Recorded) {
	switch e := r.Event.(type) {
	case RecallRaised:
		c.IDs[e.RecallID] = e.Type()
		c.Recalls[e.RecallID] = &Recall{RecallRaised: e, Open: true, EventID: r.EventID}
		if s := c.Sentences[e.SentenceID]; s != nil {
			s.OpenRecall = e.RecallID
		}
	case RecallConcluded:
		rc := c.Recalls[e.RecallID]
		if rc == nil {
			return
		}
		rc.Open, rc.Outcome = false, e.Outcome
		if s := c.Sentences[rc.SentenceID]; s != nil && s.OpenRecall == e.RecallID {
			s.OpenRecall = ""
		}
		if e.Outcome == RecallReturnedToCustody {
			c.Custody = CustodyStatusInCustody
		}
	case InformationReceived:
		c.IDs[e.InformationID] = e.Type()
		c.Information[e.InformationID] = &Information{InformationReceived: e, ReceivedAt: r.OccurredAt, EventID: r.EventID}
	case SFONotified:
		c.IDs[e.SFOID] = e.Type()
		c.SFOs[e.SFOID] = &SFO{SFONotified: e}
	case SFOReviewCompleted:
		if s := c.SFOs[e.SFOID]; s != nil {
			s.Completed = true
		}
	}
}

func (c *Case) setOwner(o *Owner, at time.Time) {
	if c.Owner != nil {
		c.LastOwner = c.Owner
	}
	c.Owner, c.OwnerSince = o, at
	if o != nil {
		c.LastOwner = o
	}
}

func (c *Case) endComponent(id, reason string) {
	if comp := c.Components[id]; comp != nil {
		comp.Active, comp.TerminatedReason = false, reason
	}
}

func (c *Case) endTransfer(id, status string) *Transfer {
	t := c.Transfers[id]
	if t == nil || t.Status != TransferPending {
		return nil
	}
	t.Status = status
	for _, cid := range t.Components {
		if comp := c.Components[cid]; comp != nil && comp.PendingTransfer == id {
			comp.PendingTransfer = ""
		}
	}
	return t
}
