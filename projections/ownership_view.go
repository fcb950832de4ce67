package projections

import (
	"sort"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// OwnershipView is the ownership view of API.md.
type OwnershipView struct {
	Current          *CurrentOwner     `json:"current"`
	History          []SliceView       `json:"history"`
	Components       []ComponentOwner  `json:"components"`
	PendingTransfers []PendingTransfer `json:"pending_transfers"`
	AsOf             time.Time         `json:"as_of"`
	KnownAt          time.Time         `json:"known_at"`
}

// SliceView is one time slice of ownership.
type SliceView struct {
	From      time.Time  `json:"from"`
	To        *time.Time `json:"to"`
	Provider  string     `json:"provider"`
	Team      string     `json:"team"`
	Officer   string     `json:"officer"`
	Reason    string     `json:"reason"`
	Rationale string     `json:"rationale"`
	EventID   string     `json:"event_id"`
}

// ComponentOwner is who manages an active requirement or licence condition.
type ComponentOwner struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Provider string `json:"provider"`
	Team     string `json:"team"`
	Officer  string `json:"officer"`
}

// PendingTransfer is a transfer waiting for an answer.
type PendingTransfer struct {
	CRN         string             `json:"crn,omitempty"`
	TransferID  string             `json:"transfer_id"`
	Scope       string             `json:"scope"`
	Components  []string           `json:"components"`
	From        domain.Owner       `json:"from"`
	To          domain.Destination `json:"to"`
	RequestedAt time.Time          `json:"requested_at"`
}

// Ownership returns the ownership view of a snapshot.
func Ownership(s Snapshot) OwnershipView {
	out := OwnershipView{Current: currentOwner(s), History: []SliceView{}, Components: []ComponentOwner{},
		PendingTransfers: PendingTransfers(s.State, ""), AsOf: s.AsOf.UTC(), KnownAt: s.KnownAt.UTC()}
	for _, sl := range s.Slices {
		var to *time.Time
		if sl.To != nil {
			t := sl.To.UTC()
			to = &t
		}
		out.History = append(out.History, SliceView{From: sl.From.UTC(), To: to, Provider: sl.Owner.Provider, Team: sl.Owner.Team,
			Officer: sl.Owner.Officer, Reason: sl.Reason, Rationale: sl.Rationale, EventID: sl.EventID})
	}
	c := s.State
	for _, id := range keys(c.Components) {
		comp := c.Components[id]
		if !comp.Active {
			continue
		}
		m := c.ManagerOf(comp)
		co := ComponentOwner{ID: comp.ID, Kind: comp.Kind}
		if m != nil {
			co.Provider, co.Team, co.Officer = m.Provider, m.Team, m.Officer
		}
		out.Components = append(out.Components, co)
	}
	return out
}

// PendingTransfers lists the case's pending transfers, oldest first; with a
// provider, only those into it.
func PendingTransfers(c *domain.Case, provider string) []PendingTransfer {
	out := []PendingTransfer{}
	for _, id := range keys(c.Transfers) {
		t := c.Transfers[id]
		if t.Status != domain.TransferPending || (provider != "" && t.To.Provider != provider) {
			continue
		}
		comps := t.Components
		if comps == nil {
			comps = []string{}
		}
		out = append(out, PendingTransfer{CRN: c.CRN, TransferID: t.TransferID, Scope: t.Scope, Components: comps,
			From: t.From, To: t.To, RequestedAt: t.RequestedAt.UTC()})
	}
	sortPending(out)
	return out
}

func sortPending(ts []PendingTransfer) {
	sort.Slice(ts, func(i, j int) bool {
		a, b := ts[i], ts[j]
		if !a.RequestedAt.Equal(b.RequestedAt) {
			return a.RequestedAt.Before(b.RequestedAt)
		}
		if a.CRN != b.CRN {
			return a.CRN < b.CRN
		}
		return a.TransferID < b.TransferID
	})
}
