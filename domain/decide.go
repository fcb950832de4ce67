package domain

import (
	"slices"
	"time"
)

// Decide returns the events that carrying out cmd on the case whose stream
// history is given (every stored event, as currently known) would record, or
// the *Error of the rule that refuses it. It never has side effects.
//
// The command is decided against the case as at its occurred_at; then the
// history is re-folded with the new events inserted at their occurred_at, and
// every later event is checked again: if one would now break a rule, the
// command is refused with ErrInvalidatesHistory naming that event. Events
// that cause consequences (a recall, a termination, a closure) get them in the
// same write, and a later one whose recorded consequences would no longer
// match what it causes is likewise invalidated.
func Decide(history []Recorded, org *Org, m Meta, cmd Command) ([]Recorded, error) {
	return decide(history, org, m, cmd, true)
}

// decide is Decide; atEnd false makes it take the general path (settle)
// even for events at the end of the history, for the tests that check the
// two paths agree.
func decide(history []Recorded, org *Org, m Meta, cmd Command, atEnd bool) ([]Recorded, error) {
	if err := checkMeta(m, "occurred_at", m.OccurredAt); err != nil {
		return nil, err
	}
	_, opening := cmd.(OpenCase)
	switch {
	case opening && len(history) > 0:
		return nil, ErrCaseExists
	case !opening && len(history) == 0:
		return nil, ErrCaseNotFound
	}
	d := &decision{history: history, org: org, meta: m}
	if r, ok := cmd.(RetractEntry); ok {
		return d.retract(r)
	}
	timeline := Timeline(history)
	state := foldUntil(timeline, m.OccurredAt)
	evs, err := cmd.plan(state, m)
	if err != nil {
		return nil, err
	}
	principal := make([]Recorded, 0, len(evs))
	for _, e := range evs {
		principal = append(principal, d.stamp(e, m.OccurredAt, ""))
	}
	if atEnd && (len(timeline) == 0 || timeline[len(timeline)-1].OccurredAt.Before(m.OccurredAt)) {
		return d.settleAtEnd(state, timeline, principal)
	}
	return d.settle(principal, nil)
}

// settleAtEnd is settle for new events that occur after every live event,
// as most do: no stored event is checked again, so the new events are
// checked against the fold the command was planned on, which is the fold
// settle would make (plans only read the state).
func (d *decision) settleAtEnd(state *Case, timeline, principal []Recorded) ([]Recorded, error) {
	if err := checkNewIDs(timeline, principal); err != nil {
		return nil, err
	}
	out := []Recorded{}
	for _, r := range principal {
		if err := check(state, d.org, r, true); err != nil {
			return nil, err
		}
		out = append(out, d.apply(state, r)...)
	}
	return out, nil
}

func checkMeta(m Meta, field string, at time.Time) error {
	if at.IsZero() {
		return ErrInvalid.Field(field, "is required")
	}
	if at.After(m.Now.Add(MaxSkew)) {
		return ErrFutureOccurredAt.Field(field, "%s is after now", FormatTime(at))
	}
	return nil
}

// StateAt folds the live events of history that occurred by t.
func StateAt(history []Recorded, t time.Time) *Case {
	return foldUntil(Timeline(history), t)
}

// foldUntil folds the events of a timeline (live, in fold order) that
// occurred by t.
func foldUntil(timeline []Recorded, t time.Time) *Case {
	c := NewCaseFor(len(timeline))
	for _, r := range timeline {
		if r.OccurredAt.After(t) {
			break
		}
		Evolve(c, r)
	}
	return c
}

// decision is the work of one Decide call.
type decision struct {
	history []Recorded
	org     *Org
	meta    Meta
	next    int
}

// stamp wraps a new event with its derived id, time, actor and cause.
func (d *decision) stamp(e Event, at time.Time, causation string) Recorded {
	id := EventID(d.meta.Seed, d.next)
	d.next++
	return Recorded{EventID: id, OccurredAt: at.UTC(), Actor: d.meta.Actor, CausationID: causation, Event: e}
}

// settle re-folds the live history without the removed events and with the
// principal events inserted, checking the new events and every existing one
// from the earliest change on. It returns the new events with their
// consequences, in the order they are to be stored.
func (d *decision) settle(principal []Recorded, removed map[string]bool) ([]Recorded, error) {
	base := live(d.history) // a copy of our own
	if len(removed) > 0 {
		base = slices.DeleteFunc(base, func(r Recorded) bool { return removed[r.EventID] })
	}
	if err := checkNewIDs(base, principal); err != nil {
		return nil, err
	}
	from := earliestChange(d.history, principal, removed)
	consequences := recordedConsequences(base, from)
	state, out := NewCaseFor(len(base)), []Recorded{}
	for _, r := range sortFoldOrder(append(base, principal...)) {
		if r.Position != 0 && r.OccurredAt.Before(from) {
			Evolve(state, r)
			continue
		}
		if err := check(state, d.org, r, r.Position == 0); err != nil {
			if r.Position == 0 {
				return nil, err
			}
			return nil, invalidates(r.EventID, err)
		}
		if r.Position == 0 {
			out = append(out, d.apply(state, r)...)
			continue
		}
		if r.CausationID == "" && cascades(r.Event) && !sameConsequences(cascade(state, r), consequences[r.EventID]) {
			return nil, invalidates(r.EventID, ErrConsequencesDiffer)
		}
		Evolve(state, r)
	}
	return out, nil
}

// recordedConsequences returns the stored consequences of base by cause,
// when an event that cascades is among those checked again (from the
// change on); nil, without looking, when none is — the usual write, at the
// end of the history.
func recordedConsequences(base []Recorded, from time.Time) map[string][]Recorded {
	needed := false
	for _, r := range base {
		if r.CausationID == "" && !r.OccurredAt.Before(from) && cascades(r.Event) {
			needed = true
			break
		}
	}
	if !needed {
		return nil
	}
	out := map[string][]Recorded{}
	for _, r := range base {
		if r.CausationID != "" {
			out[r.CausationID] = append(out[r.CausationID], r)
		}
	}
	return out
}

// apply evolves the state by a new event and the consequences it causes,
// returning them all.
func (d *decision) apply(state *Case, r Recorded) []Recorded {
	var cons []Event
	if cascades(r.Event) {
		cons = cascade(state, r)
	}
	Evolve(state, r)
	out := []Recorded{r}
	for _, e := range cons {
		c := d.stamp(e, r.OccurredAt, r.EventID)
		Evolve(state, c)
		out = append(out, c)
	}
	return out
}

func checkNewIDs(base, principal []Recorded) error {
	var created []string // what the new events create: one or two ids
	for _, r := range principal {
		if id := createdID(r.Event); id != "" {
			created = append(created, id)
		}
	}
	if len(created) == 0 {
		return nil
	}
	for _, r := range base {
		if id := createdID(r.Event); id != "" && slices.Contains(created, id) {
			return ErrDuplicateID.With("%s", id)
		}
	}
	return nil
}

func earliestChange(history, principal []Recorded, removed map[string]bool) time.Time {
	var from time.Time
	consider := func(t time.Time) {
		if from.IsZero() || t.Before(from) {
			from = t
		}
	}
	for _, r := range principal {
		consider(r.OccurredAt)
	}
	for _, r := range history {
		if removed[r.EventID] {
			consider(r.OccurredAt)
		}
	}
	return from
}

func sameConsequences(want []Event, got []Recorded) bool {
	if len(want) != len(got) {
		return false
	}
	keys := map[string]int{}
	for _, e := range want {
		keys[consequenceKey(e)]++
	}
	for _, r := range got {
		keys[consequenceKey(r.Event)]--
	}
	for _, n := range keys {
		if n != 0 {
			return false
		}
	}
	return true
}
