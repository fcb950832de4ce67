package domain

import (
	"sort"
	"strings"
	"time"
)

// Allocation is a time slice in which an officer owned a case, as the org
// decider needs to know it for officer.moved and officer.left. The
// application gathers them from the ownership projection; To is nil while the
// slice is current.
type Allocation struct {
	CRN  string
	Team string
	From time.Time
	To   *time.Time
}

// OrgCommand asks the org decider to record reference data.
type OrgCommand interface {
	orgEvent() Event
}

// Commands of the org stream.
type (
	RegisterProvider ProviderRegistered
	RegisterTeam     TeamRegistered
	RegisterOfficer  OfficerRegistered
	MoveOfficer      OfficerMoved
	RecordAbsence    OfficerAbsenceRecorded
	CancelAbsence    OfficerAbsenceCancelled
	RecordDeparture  OfficerLeft
)

func (c RegisterProvider) orgEvent() Event { return ProviderRegistered(c) }
func (c RegisterTeam) orgEvent() Event     { return TeamRegistered(c) }
func (c RegisterOfficer) orgEvent() Event  { return OfficerRegistered(c) }
func (c MoveOfficer) orgEvent() Event      { return OfficerMoved(c) }
func (c RecordAbsence) orgEvent() Event    { return OfficerAbsenceRecorded(c) }
func (c CancelAbsence) orgEvent() Event    { return OfficerAbsenceCancelled(c) }
func (c RecordDeparture) orgEvent() Event  { return OfficerLeft(c) }

// RetractOrgEntry withdraws an org event made in error.
type RetractOrgEntry struct {
	EventID string `json:"event_id"`
	Reason  string `json:"reason"`
}

func (c RetractOrgEntry) orgEvent() Event {
	return EntryRetracted{EventID: c.EventID, Reason: c.Reason}
}

// DecideOrg returns the events that carrying out cmd on the org stream would
// record, or the rule that refuses it. allocations are the ownership slices of
// the officer the command concerns (only officer.moved and officer.left use
// them). Like Decide, the history is re-folded with the new event in place and
// every later event is checked again.
func DecideOrg(history []Recorded, m Meta, cmd OrgCommand, allocations []Allocation) ([]Recorded, error) {
	if err := checkMeta(m, "occurred_at", m.OccurredAt); err != nil {
		return nil, err
	}
	d := &decision{history: history, meta: m}
	r := d.stamp(cmd.orgEvent(), m.OccurredAt, "")
	if err := validateFields(r.Event); err != nil {
		return nil, err
	}
	removed := map[string]bool{}
	if e, ok := r.Event.(EntryRetracted); ok {
		target, found := findEvent(history, e.EventID)
		switch {
		case !found:
			return nil, ErrEventNotFound
		case target.Event.Type() == e.Type():
			return nil, ErrNotRetractable
		}
		if _, gone := Retracted(history)[e.EventID]; gone {
			return nil, ErrAlreadyRetracted
		}
		removed[e.EventID] = true
		if err := settleOrg(history, nil, removed); err != nil {
			return nil, err
		}
		return []Recorded{r}, nil
	}
	if err := checkAllocations(BuildOrg(history), r, allocations); err != nil {
		return nil, err
	}
	if err := settleOrg(history, &r, removed); err != nil {
		return nil, err
	}
	return []Recorded{r}, nil
}

// settleOrg re-folds the org history with r inserted (if any) and removed
// events left out, checking r and every event after the earliest change.
func settleOrg(history []Recorded, r *Recorded, removed map[string]bool) error {
	var evs []Recorded
	for _, e := range live(history) {
		if !removed[e.EventID] {
			evs = append(evs, e)
		}
	}
	var principal []Recorded
	if r != nil {
		principal = []Recorded{*r}
		evs = append(evs, *r)
	}
	from := earliestChange(history, principal, removed)
	org := NewOrg()
	for _, e := range foldOrder(evs) {
		if e.Position != 0 && e.OccurredAt.Before(from) {
			org.Apply(e)
			continue
		}
		if err := checkOrg(org, e); err != nil {
			if e.Position == 0 {
				return err
			}
			return invalidates(e.EventID, err)
		}
		org.Apply(e)
	}
	return nil
}

// checkOrg returns the rule e breaks when applied to org (the org just before e).
func checkOrg(org *Org, r Recorded) *Error {
	at := r.OccurredAt
	switch e := r.Event.(type) {
	case ProviderRegistered:
		if _, ok := org.Providers[e.Code]; ok {
			return ErrDuplicateCode.With("provider %s", e.Code)
		}
	case TeamRegistered:
		if _, ok := org.Teams[e.Code]; ok {
			return ErrDuplicateCode.With("team %s", e.Code)
		}
		if _, ok := org.Provider(e.Provider, at); !ok {
			return ErrUnknownProvider.Field("provider", "no such provider: %s", e.Provider)
		}
	case OfficerRegistered:
		if _, ok := org.Officers[e.Code]; ok {
			return ErrDuplicateCode.With("officer %s", e.Code)
		}
		if _, ok := org.Team(e.Team, at); !ok {
			return ErrUnknownTeam.Field("team", "no such team: %s", e.Team)
		}
	case OfficerMoved:
		if err := serving(org, e.Code, at); err != nil {
			return err
		}
		if _, ok := org.Team(e.Team, at); !ok {
			return ErrUnknownTeam.Field("team", "no such team: %s", e.Team)
		}
	case OfficerAbsenceRecorded:
		if _, ok := org.Absences[e.AbsenceID]; ok {
			return ErrDuplicateID.With("%s", e.AbsenceID)
		}
		if err := serving(org, e.Code, at); err != nil {
			return err
		}
		if e.CoverOfficer != "" {
			if _, ok := org.Officer(e.CoverOfficer, at); !ok {
				return ErrUnknownOfficer.Field("cover_officer", "%s is not serving", e.CoverOfficer)
			}
		}
	case OfficerAbsenceCancelled:
		a, ok := org.Absences[e.AbsenceID]
		if !ok {
			return ErrAbsenceNotFound
		}
		if a.Cancelled {
			return ErrAbsenceCancelled
		}
	case OfficerLeft:
		return serving(org, e.Code, at)
	}
	return nil
}

func serving(org *Org, code string, at time.Time) *Error {
	off, ok := org.Officers[code]
	if !ok || off.Since.After(at) {
		return ErrOfficerNotFound
	}
	if off.Left != nil && !off.Left.After(at) {
		return ErrOfficerLeft
	}
	return nil
}

// checkAllocations refuses a move or a departure that would leave a case
// owned by an officer who is no longer (or was not then) in the allocated team.
func checkAllocations(org *Org, r Recorded, allocations []Allocation) *Error {
	var bad []string
	switch e := r.Event.(type) {
	case OfficerMoved:
		until := nextMoveAfter(org, e.Code, r.OccurredAt)
		for _, a := range allocations {
			if !a.From.Before(r.OccurredAt) && (until.IsZero() || a.From.Before(until)) && a.Team != e.Team {
				bad = append(bad, a.CRN)
			}
		}
		if len(bad) > 0 {
			return ErrMoveInvalidatesAllocation.With("%s", strings.Join(dedupe(bad), ", "))
		}
	case OfficerLeft:
		for _, a := range allocations {
			if a.To == nil || a.To.After(r.OccurredAt) || !a.From.Before(r.OccurredAt) {
				bad = append(bad, a.CRN)
			}
		}
		if len(bad) > 0 {
			return ErrOfficerOwnsCases.With("%s", strings.Join(dedupe(bad), ", "))
		}
	}
	return nil
}

func nextMoveAfter(org *Org, code string, t time.Time) time.Time {
	if off, ok := org.Officers[code]; ok {
		for _, m := range off.Memberships {
			if m.From.After(t) {
				return m.From
			}
		}
	}
	return time.Time{}
}

func dedupe(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
