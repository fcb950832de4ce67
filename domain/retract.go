package domain

import "time"

// RetractEntry withdraws an entry made in error, with the consequences it
// caused, and optionally records the right entry in the same write (a
// correction). The replacement carries replaces = the retracted event and is
// validated against the case without it; it occurs at ReplacementOccurredAt,
// or, when that is zero, at the retracted entry's own occurred_at.
type RetractEntry struct {
	EventID               string
	Reason                string
	Replacement           Event
	ReplacementOccurredAt time.Time
}

func (RetractEntry) plan(*Case, Meta) ([]Event, *Error) { return nil, nil }

// notReplaceable are the event types a correction may not record.
var notReplaceable = map[string]bool{"case.opened": true, "entry.retracted": true}

func (d *decision) retract(cmd RetractEntry) ([]Recorded, error) {
	if err := validateFields(EntryRetracted{EventID: cmd.EventID, Reason: cmd.Reason}); err != nil {
		return nil, err
	}
	target, ok := findEvent(d.history, cmd.EventID)
	if !ok {
		return nil, ErrEventNotFound
	}
	if notReplaceable[target.Event.Type()] {
		return nil, ErrNotRetractable.With("%s", target.Event.Type())
	}
	if _, gone := Retracted(d.history)[cmd.EventID]; gone {
		return nil, ErrAlreadyRetracted
	}
	removed := map[string]bool{target.EventID: true}
	out := []Recorded{d.stamp(EntryRetracted{EventID: target.EventID, Reason: cmd.Reason}, d.meta.OccurredAt, "")}
	for _, r := range live(d.history) {
		if r.CausationID == target.EventID {
			removed[r.EventID] = true
			out = append(out, d.stamp(EntryRetracted{EventID: r.EventID, Reason: cmd.Reason}, d.meta.OccurredAt, out[0].EventID))
		}
	}
	var principal []Recorded
	if cmd.Replacement != nil {
		rep, err := d.replacement(cmd, target)
		if err != nil {
			return nil, err
		}
		principal = append(principal, rep)
	}
	rest, err := d.settle(principal, removed)
	if err != nil {
		return nil, err
	}
	return append(out, rest...), nil
}

func (d *decision) replacement(cmd RetractEntry, target Recorded) (Recorded, error) {
	if notReplaceable[cmd.Replacement.Type()] || isOrgEvent(cmd.Replacement) {
		return Recorded{}, ErrInvalid.Field("replacement.type", "%s cannot be recorded as a correction", cmd.Replacement.Type())
	}
	at := cmd.ReplacementOccurredAt
	if at.IsZero() {
		at = target.OccurredAt
	}
	if err := checkMeta(d.meta, "occurred_at", at); err != nil {
		return Recorded{}, err
	}
	rep := d.stamp(cmd.Replacement, at, "")
	rep.Replaces = target.EventID
	return rep, nil
}

func findEvent(history []Recorded, id string) (Recorded, bool) {
	for _, r := range history {
		if r.EventID == id {
			return r, true
		}
	}
	return Recorded{}, false
}

func isOrgEvent(e Event) bool {
	switch e.(type) {
	case ProviderRegistered, TeamRegistered, OfficerRegistered, OfficerMoved,
		OfficerAbsenceRecorded, OfficerAbsenceCancelled, OfficerLeft:
		return true
	}
	return false
}
