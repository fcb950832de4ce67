package projections

import (
	"strings"
	"time"

	"github.com/caseledger/caseledger/domain"
)

// EventRef points at a stored event.
type EventRef struct {
	Stream     string    `json:"stream"`
	Revision   uint64    `json:"revision"`
	Position   uint64    `json:"position"`
	Type       string    `json:"type"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Actors indexes every event by the actor who recorded it, in global order.
type Actors struct {
	ByActor map[string][]EventRef `json:"by_actor"`

	// names holds one copy of each stream name and event type the refs
	// hold: the index has an entry per event of the ledger, and a case's
	// events share its name, so each ref points at the one copy rather
	// than at a string of its own.
	names map[string]string
}

// NewActors returns an empty index.
func NewActors() *Actors { return &Actors{ByActor: map[string][]EventRef{}} }

// Apply folds one event of the global order in.
func (a *Actors) Apply(e domain.Envelope) {
	a.ByActor[e.Actor.ID] = append(a.ByActor[e.Actor.ID], EventRef{Stream: a.intern(e.Stream), Revision: e.Revision,
		Position: e.Position, Type: a.intern(e.Type), RecordedAt: e.RecordedAt.UTC()})
}

// Intern makes every ref share one copy of each stream name and type, as
// Apply does: for an index decoded from a snapshot, whose every string is
// a copy of its own.
func (a *Actors) Intern() {
	for _, refs := range a.ByActor {
		for i := range refs {
			refs[i].Stream, refs[i].Type = a.intern(refs[i].Stream), a.intern(refs[i].Type)
		}
	}
}

func (a *Actors) intern(s string) string {
	if a.names == nil {
		a.names = map[string]string{}
	}
	if c, ok := a.names[s]; ok {
		return c
	}
	s = strings.Clone(s) // not a slice of a larger buffer it would keep alive
	a.names[s] = s
	return s
}

// Recorded returns what an actor recorded with recorded_at in [from, to)
// (zero bounds are open), oldest first.
func (a *Actors) Recorded(actor string, from, to time.Time) []EventRef {
	out := []EventRef{}
	for _, r := range a.ByActor[actor] {
		if (!from.IsZero() && r.RecordedAt.Before(from)) || (!to.IsZero() && !r.RecordedAt.Before(to)) {
			continue
		}
		out = append(out, r)
	}
	return out
}
