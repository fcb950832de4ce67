package projections

import (
	"sort"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// CaseSummary is the case summary view of API.md.
type CaseSummary struct {
	CRN           string         `json:"crn"`
	Person        domain.Person  `json:"person"`
	Status        string         `json:"status"`
	Revision      uint64         `json:"revision"`
	Owner         *CurrentOwner  `json:"owner"`
	Sentences     []SentenceView `json:"sentences"`
	Registrations []Registration `json:"registrations"`
	Risk          *RiskView      `json:"risk"`
	Custody       string         `json:"custody"`
	AsOf          time.Time      `json:"as_of"`
	KnownAt       time.Time      `json:"known_at"`
}

// CurrentOwner is who owns the case at the instant asked about.
type CurrentOwner struct {
	Provider string    `json:"provider"`
	Team     string    `json:"team"`
	Officer  string    `json:"officer"`
	Since    time.Time `json:"since"`
	Reason   string    `json:"reason"`
}

// SentenceView is a sentence with its components.
type SentenceView struct {
	domain.SentenceRecorded
	Status            string          `json:"status"`
	Requirements      []ComponentView `json:"requirements"`
	LicenceConditions []ComponentView `json:"licence_conditions"`
}

// ComponentView is a requirement or licence condition.
type ComponentView struct {
	ID               string `json:"id"`
	Category         string `json:"category"`
	Description      string `json:"description"`
	Status           string `json:"status"`
	TerminatedReason string `json:"terminated_reason,omitempty"`
}

// Registration is a registration with whether it is active.
type Registration struct {
	domain.RegistrationAdded
	Active bool `json:"active"`
}

// RiskView is the latest risk assessment by occurred_at.
type RiskView struct {
	RoSH       string    `json:"rosh"`
	RSR        float64   `json:"rsr"`
	AssessedAt time.Time `json:"assessed_at"`
}

// Summary returns the case summary of a snapshot.
func Summary(s Snapshot) CaseSummary {
	c := s.State
	out := CaseSummary{CRN: c.CRN, Person: c.Person, Status: "active", Revision: s.Revision(), Owner: currentOwner(s),
		Sentences: []SentenceView{}, Registrations: []Registration{}, Custody: c.Custody, AsOf: s.AsOf.UTC(), KnownAt: s.KnownAt.UTC()}
	if c.Closed {
		out.Status = "closed"
	}
	for _, id := range keys(c.Sentences) {
		out.Sentences = append(out.Sentences, sentenceView(c, c.Sentences[id]))
	}
	for _, id := range keys(c.Registrations) {
		r := c.Registrations[id]
		out.Registrations = append(out.Registrations, Registration{RegistrationAdded: r.RegistrationAdded, Active: r.Active})
	}
	if c.Risk != nil {
		out.Risk = &RiskView{RoSH: c.Risk.RoSH, RSR: c.Risk.RSR, AssessedAt: c.Risk.AssessedAt.UTC()}
	}
	return out
}

func sentenceView(c *domain.Case, s *domain.Sentence) SentenceView {
	v := SentenceView{SentenceRecorded: s.SentenceRecorded, Status: status(s.Active), Requirements: []ComponentView{}, LicenceConditions: []ComponentView{}}
	for _, id := range keys(c.Components) {
		comp := c.Components[id]
		if comp.SentenceID != s.SentenceID {
			continue
		}
		cv := ComponentView{ID: comp.ID, Category: comp.Category, Description: comp.Description,
			Status: status(comp.Active), TerminatedReason: comp.TerminatedReason}
		if comp.Kind == domain.ComponentRequirement {
			v.Requirements = append(v.Requirements, cv)
		} else {
			v.LicenceConditions = append(v.LicenceConditions, cv)
		}
	}
	return v
}

func status(active bool) string {
	if active {
		return "active"
	}
	return "terminated"
}

// currentOwner is the owner at the snapshot's instant, with the slice that began it.
func currentOwner(s Snapshot) *CurrentOwner {
	if s.State.Owner == nil {
		return nil
	}
	last := s.Slices[len(s.Slices)-1]
	return &CurrentOwner{Provider: last.Owner.Provider, Team: last.Owner.Team, Officer: last.Owner.Officer,
		Since: last.From.UTC(), Reason: last.Reason}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
