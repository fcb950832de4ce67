package projections

import (
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
}

// NewActors returns an empty index.
func NewActors() *Actors { return &Actors{ByActor: map[string][]EventRef{}} }

// Apply folds one event of the global order in.
func (a *Actors) Apply(e domain.Envelope) {
	a.ByActor[e.Actor.ID] = append(a.ByActor[e.Actor.ID], EventRef{Stream: e.Stream, Revision: e.Revision,
		Position: e.Position, Type: e.Type, RecordedAt: e.RecordedAt.UTC()})
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
