package domain

import (
	"sort"
	"time"
)

// Org is the reference data as a timeline: every provider, team, officer and
// absence with the instants they began (and ended), so that rules can ask
// "was this officer in this team at T?". It is built from the live events of
// the org stream (BuildOrg) and answers for any instant.
type Org struct {
	Providers map[string]*ProviderInfo
	Teams     map[string]*TeamInfo
	Officers  map[string]*OfficerInfo
	Absences  map[string]*AbsenceInfo
}

// ProviderInfo is a provider and when it was registered.
type ProviderInfo struct {
	ProviderRegistered
	Since time.Time
}

// TeamInfo is a team and when it was registered.
type TeamInfo struct {
	TeamRegistered
	Since time.Time
}

// OfficerInfo is an officer with its team memberships over time.
type OfficerInfo struct {
	Code, Name, Grade, Phone, Email string
	Since                           time.Time
	// Memberships are the officer's teams, oldest first.
	Memberships []Membership
	// Left is when the officer left, or nil.
	Left *time.Time
}

// Membership is an officer's team from an instant on.
type Membership struct {
	Team string
	From time.Time
}

// AbsenceInfo is a recorded absence. EventID is the officer.absence_recorded
// event that recorded it, so findings can cite it as evidence.
type AbsenceInfo struct {
	OfficerAbsenceRecorded
	Cancelled bool
	EventID   string
}

// NewOrg returns an empty organisation.
func NewOrg() *Org {
	return &Org{Providers: map[string]*ProviderInfo{}, Teams: map[string]*TeamInfo{},
		Officers: map[string]*OfficerInfo{}, Absences: map[string]*AbsenceInfo{}}
}

// BuildOrg folds the org stream's events, leaving out retracted ones.
func BuildOrg(history []Recorded) *Org {
	o := NewOrg()
	for _, r := range sortFoldOrder(live(history)) {
		o.Apply(r)
	}
	return o
}

// Apply evolves the org by one event. Like every Evolve it never fails.
func (o *Org) Apply(r Recorded) {
	at := r.OccurredAt
	switch e := r.Event.(type) {
	case ProviderRegistered:
		o.Providers[e.Code] = &ProviderInfo{ProviderRegistered: e, Since: at}
	case TeamRegistered:
		o.Teams[e.Code] = &TeamInfo{TeamRegistered: e, Since: at}
	case OfficerRegistered:
		o.Officers[e.Code] = &OfficerInfo{Code: e.Code, Name: e.Name, Grade: e.Grade, Phone: e.Phone,
			Email: e.Email, Since: at, Memberships: []Membership{{Team: e.Team, From: at}}}
	case OfficerMoved:
		if off := o.Officers[e.Code]; off != nil {
			off.Memberships = append(off.Memberships, Membership{Team: e.Team, From: at})
			sort.SliceStable(off.Memberships, func(i, j int) bool { return off.Memberships[i].From.Before(off.Memberships[j].From) })
		}
	case OfficerLeft:
		if off := o.Officers[e.Code]; off != nil {
			t := at
			off.Left = &t
		}
	case OfficerAbsenceRecorded:
		o.Absences[e.AbsenceID] = &AbsenceInfo{OfficerAbsenceRecorded: e, EventID: r.EventID}
	case OfficerAbsenceCancelled:
		if a := o.Absences[e.AbsenceID]; a != nil {
			a.Cancelled = true
		}
	}
}

// Provider returns the provider registered by t.
func (o *Org) Provider(code string, t time.Time) (*ProviderInfo, bool) {
	p, ok := o.Providers[code]
	if !ok || p.Since.After(t) {
		return nil, false
	}
	return p, true
}

// Team returns the team registered by t.
func (o *Org) Team(code string, t time.Time) (*TeamInfo, bool) {
	tm, ok := o.Teams[code]
	if !ok || tm.Since.After(t) {
		return nil, false
	}
	return tm, true
}

// Officer returns the officer serving at t (registered, not yet left).
func (o *Org) Officer(code string, t time.Time) (*OfficerInfo, bool) {
	off, ok := o.Officers[code]
	if !ok || off.Since.After(t) || (off.Left != nil && !off.Left.After(t)) {
		return nil, false
	}
	return off, true
}

// TeamOf returns the officer's team at t, or "".
func (off *OfficerInfo) TeamOf(t time.Time) string {
	team := ""
	for _, m := range off.Memberships {
		if m.From.After(t) {
			break
		}
		team = m.Team
	}
	return team
}

// HighRisk reports whether the provider may hold high-risk and MAPPA cases.
func (o *Org) HighRisk(provider string) bool {
	p, ok := o.Providers[provider]
	return ok && p.HighRisk
}

// AbsenceAt returns the officer's recorded, not cancelled absence covering
// t. When absences overlap it prefers one with a cover officer (the officer
// was covered), then the lowest absence id, so the answer never depends on
// map order.
func (o *Org) AbsenceAt(officer string, t time.Time) (*AbsenceInfo, bool) {
	var best *AbsenceInfo
	for _, a := range o.Absences {
		if a.Code != officer || a.Cancelled || t.Before(a.From) || !t.Before(a.To) {
			continue
		}
		if best == nil || preferredAbsence(a, best) {
			best = a
		}
	}
	return best, best != nil
}

func preferredAbsence(a, b *AbsenceInfo) bool {
	if covered := a.CoverOfficer != ""; covered != (b.CoverOfficer != "") {
		return covered
	}
	return a.AbsenceID < b.AbsenceID
}
