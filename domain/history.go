package domain

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// Recorded is one event of a stream with the envelope fields the rules need.
// Events a decider returns have Position 0 and a zero RecordedAt until stored.
type Recorded struct {
	EventID     string
	Position    uint64
	Revision    uint64
	OccurredAt  time.Time
	RecordedAt  time.Time
	Actor       Actor
	CausationID string
	Replaces    string
	Event       Event
}

// FromEnvelope decodes a stored envelope.
func FromEnvelope(e Envelope) (Recorded, error) {
	ev, err := DecodeEnvelope(e)
	if err != nil {
		return Recorded{}, err
	}
	return Recorded{EventID: e.EventID, Position: e.Position, Revision: e.Revision, OccurredAt: e.OccurredAt,
		RecordedAt: e.RecordedAt, Actor: e.Actor, CausationID: e.CausationID, Replaces: e.Replaces, Event: ev}, nil
}

// FromEnvelopes decodes a stream.
func FromEnvelopes(es []Envelope) ([]Recorded, error) {
	out := make([]Recorded, 0, len(es))
	for _, e := range es {
		r, err := FromEnvelope(e)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Retracted returns the ids of the events retracted in history.
func Retracted(history []Recorded) map[string]string {
	out := map[string]string{}
	for _, r := range history {
		if e, ok := r.Event.(EntryRetracted); ok {
			out[e.EventID] = r.EventID
		}
	}
	return out
}

// Timeline returns the live events of history (retracted ones and the
// retractions left out) in fold order: (occurred_at, position).
func Timeline(history []Recorded) []Recorded { return sortFoldOrder(live(history)) }

// live returns history without retracted events and without the retractions.
func live(history []Recorded) []Recorded {
	gone := Retracted(history)
	out := make([]Recorded, 0, len(history))
	for _, r := range history {
		if _, ok := r.Event.(EntryRetracted); ok {
			continue
		}
		if _, ok := gone[r.EventID]; !ok {
			out = append(out, r)
		}
	}
	return out
}

// foldOrder sorts events in (occurred_at, position) order; events not yet
// stored (position 0) keep their relative order and come after stored ones
// with the same occurred_at. It sorts a copy.
func foldOrder(evs []Recorded) []Recorded {
	return sortFoldOrder(append([]Recorded(nil), evs...))
}

// sortFoldOrder sorts evs in fold order in place and returns it. A history
// is mostly in that order already (only back-dated entries are not), so it
// is checked first.
func sortFoldOrder(evs []Recorded) []Recorded {
	if !slices.IsSortedFunc(evs, compareFold) {
		slices.SortStableFunc(evs, compareFold)
	}
	return evs
}

// compareFold orders two events by (occurred_at, position).
func compareFold(a, b Recorded) int {
	if c := a.OccurredAt.Compare(b.OccurredAt); c != 0 {
		return c
	}
	return cmp.Compare(seq(a), seq(b))
}

func seq(r Recorded) uint64 {
	if r.Position == 0 {
		return ^uint64(0)
	}
	return r.Position
}

// EventID derives the id of the i-th event of a command from its seed, so a
// retried command (same seed) proposes the same ids and the store stores it once.
func EventID(seed uuid.UUID, i int) string {
	return uuid.NewSHA1(seed, []byte(strconv.Itoa(i))).String()
}

// ToEnvelope turns a decided event into an envelope ready to append.
func ToEnvelope(r Recorded, correlationID string) (Envelope, error) {
	data, err := marshalEvent(r.Event)
	if err != nil {
		return Envelope{}, err
	}
	return Envelope{EventID: r.EventID, Type: r.Event.Type(), SchemaVersion: SchemaVersion,
		OccurredAt: r.OccurredAt.UTC(), Actor: r.Actor, CorrelationID: correlationID,
		CausationID: r.CausationID, Replaces: r.Replaces, Data: data}, nil
}
