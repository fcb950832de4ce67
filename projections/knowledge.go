package projections

import (
	"sort"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// Kinds of holder, and how they came to hold something.
const (
	HolderOfficer      = "officer"
	HolderTeam         = "team"
	HolderReception    = "reception"
	HolderOrganisation = "organisation"

	HowReceived     = "received"
	HowRouted       = "routed"
	HowAcknowledged = "acknowledged"
	HowShared       = "shared"
)

// Holder is someone who had a piece of information or a risk fact, how they
// came to have it, and from when.
type Holder struct {
	Who     string    `json:"who"`
	WhoKind string    `json:"who_kind"`
	How     string    `json:"how"`
	At      time.Time `json:"at"`
}

// InformationHeld is one piece of information and who had it.
type InformationHeld struct {
	InformationID string    `json:"information_id"`
	Summary       string    `json:"summary"`
	ReceivedAt    time.Time `json:"received_at"`
	Holders       []Holder  `json:"holders"`
}

// RiskFact is a risk assessment or a registration and who had it.
type RiskFact struct {
	EventID string    `json:"event_id"`
	Summary string    `json:"summary"`
	At      time.Time `json:"at"`
	Holders []Holder  `json:"holders"`
}

// Reader is someone who read the case record, from the access log.
type Reader struct {
	Actor string    `json:"actor"`
	At    time.Time `json:"at"`
}

// Knowledge is the knowledge map of DOMAIN.md's SFO timeline: for an
// instant, who had each piece of information and each risk fact, and who
// had read the record.
type Knowledge struct {
	At          time.Time         `json:"at"`
	Information []InformationHeld `json:"information"`
	RiskFacts   []RiskFact        `json:"risk_facts"`
	Readers     []Reader          `json:"readers"`
}

// KnowledgeMap answers, for the instant s.AsOf as known at s.KnownAt: for
// each piece of information and each risk fact, who had it by then and how.
// Only the live events of s.Timeline count (occurred by s.AsOf, recorded by
// s.KnownAt, not retracted).
//
// Holders of information: whoever received it (received_by's officer, team
// — both when both are named — or reception), "received"; each officer and
// team it was routed to, "routed"; each officer who acknowledged it,
// "acknowledged"; the recipient organisation of each information.shared
// naming it, "shared". Holders of a risk fact (risk.assessed,
// registration.added): the actor who recorded it, an officer, "received";
// and, since risk facts have no information id, the recipient organisation
// of each information.shared that names no information at all — a
// disclosure about the case as a whole — made at or after the fact, "shared".
// Each (who, kind, how) appears once, at its earliest instant; holders are in
// time order.
//
// readers come from the access log (nil gives an empty list); those after
// s.AsOf or s.KnownAt are left out, and the rest are sorted by time.
func KnowledgeMap(s Snapshot, readers []Reader) Knowledge {
	k := Knowledge{At: s.AsOf.UTC(), Information: []InformationHeld{}, RiskFacts: []RiskFact{}, Readers: []Reader{}}
	info := map[string]*InformationHeld{}
	var order []string
	var risks []*RiskFact
	for _, r := range s.Timeline {
		at := r.OccurredAt.UTC()
		switch e := r.Event.(type) {
		case domain.InformationReceived:
			h := &InformationHeld{InformationID: e.InformationID, Summary: e.Summary, ReceivedAt: at, Holders: []Holder{}}
			h.Holders = addPeople(h.Holders, e.ReceivedBy.Officer, e.ReceivedBy.Team, HowReceived, at)
			if e.ReceivedBy.Reception {
				h.Holders = addHolder(h.Holders, Holder{Who: "reception", WhoKind: HolderReception, How: HowReceived, At: at})
			}
			info[e.InformationID] = h
			order = append(order, e.InformationID)
		case domain.InformationRouted:
			if h := info[e.InformationID]; h != nil {
				h.Holders = addPeople(h.Holders, e.To.Officer, e.To.Team, HowRouted, at)
			}
		case domain.InformationAcknowledged:
			if h := info[e.InformationID]; h != nil {
				h.Holders = addPeople(h.Holders, e.By, "", HowAcknowledged, at)
			}
		case domain.InformationShared:
			shared := Holder{Who: e.Recipient.Organisation, WhoKind: HolderOrganisation, How: HowShared, At: at}
			for _, id := range e.InformationIDs {
				if h := info[id]; h != nil {
					h.Holders = addHolder(h.Holders, shared)
				}
			}
			if len(e.InformationIDs) == 0 {
				for _, f := range risks {
					f.Holders = addHolder(f.Holders, shared)
				}
			}
		case domain.RiskAssessed, domain.RegistrationAdded:
			f := &RiskFact{EventID: r.EventID, Summary: Summarize(e), At: at, Holders: []Holder{}}
			if r.Actor.ID != "" {
				f.Holders = addHolder(f.Holders, Holder{Who: r.Actor.ID, WhoKind: HolderOfficer, How: HowReceived, At: at})
			}
			risks = append(risks, f)
		}
	}
	for _, id := range order {
		k.Information = append(k.Information, *info[id])
	}
	for _, f := range risks {
		k.RiskFacts = append(k.RiskFacts, *f)
	}
	for _, rd := range readers {
		if !rd.At.After(s.AsOf) && !rd.At.After(s.KnownAt) {
			k.Readers = append(k.Readers, Reader{Actor: rd.Actor, At: rd.At.UTC()})
		}
	}
	sort.SliceStable(k.Readers, func(i, j int) bool { return k.Readers[i].At.Before(k.Readers[j].At) })
	return k
}

// addPeople adds an officer and a team (either may be empty) as holders.
func addPeople(hs []Holder, officer, team, how string, at time.Time) []Holder {
	if officer != "" {
		hs = addHolder(hs, Holder{Who: officer, WhoKind: HolderOfficer, How: how, At: at})
	}
	if team != "" {
		hs = addHolder(hs, Holder{Who: team, WhoKind: HolderTeam, How: how, At: at})
	}
	return hs
}

// addHolder adds h unless the same who, kind and how is already there
// (holders arrive in time order, so the earliest stays).
func addHolder(hs []Holder, h Holder) []Holder {
	for _, x := range hs {
		if x.Who == h.Who && x.WhoKind == h.WhoKind && x.How == h.How {
			return hs
		}
	}
	return append(hs, h)
}
