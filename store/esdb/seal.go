package esdb

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// checkStorable returns store.ErrInvalid unless the stream is not a system
// stream (whose events reads of $all skip) and every event has a UUID for
// an id and a JSON payload (or none), so that an append that cannot be
// stored is refused before it costs a round trip.
func checkStorable(stream string, evs []domain.Envelope) error {
	if strings.HasPrefix(stream, "$") {
		return fmt.Errorf("%w: %q is a system stream name", store.ErrInvalid, stream)
	}
	for _, e := range evs {
		if _, err := eventID(e); err != nil {
			return err
		}
		if len(e.Data) > 0 && !json.Valid(e.Data) {
			return fmt.Errorf("%w: event %s: data is not JSON", store.ErrInvalid, e.EventID)
		}
	}
	return nil
}

// sealAll returns copies of evs sealed in stream from revision first on,
// chained after prev and stamped now, with the events to send for them.
// An empty payload is stored as {}, as every store does.
func sealAll(evs []domain.Envelope, stream string, first uint64, prev string, now time.Time) ([]domain.Envelope, []esdb.EventData, error) {
	sealed := make([]domain.Envelope, len(evs))
	data := make([]esdb.EventData, len(evs))
	for i, e := range evs {
		if len(e.Data) == 0 {
			e.Data = json.RawMessage("{}")
		}
		if err := domain.Seal(&e, stream, first+uint64(i), prev, now); err != nil {
			return nil, nil, fmt.Errorf("%w: %w", store.ErrInvalid, err)
		}
		d, err := toEventData(e)
		if err != nil {
			return nil, nil, err
		}
		sealed[i], data[i], prev = e, d, e.Hash
	}
	return sealed, data, nil
}

// stampAfter is the recorded_at of an append made at now: never before
// floors (the last stamp given out, the stream's last recorded_at), so a
// clock stepping back does not make recorded_at decrease.
func stampAfter(now time.Time, floors ...time.Time) time.Time {
	now = now.UTC()
	for _, f := range floors {
		if now.Before(f) {
			now = f.UTC()
		}
	}
	return now
}

// tipOf returns the stream's last event from a window read backwards from
// its end, and false when the stream has no events.
func tipOf(window []*esdb.RecordedEvent, stream string) (domain.Envelope, bool, error) {
	if len(window) == 0 {
		return domain.Envelope{}, false, nil
	}
	last, err := fromRecorded(window[0], stream)
	return last, err == nil, err
}

// describeTip says where a stream is, for errors.
func describeTip(last domain.Envelope, exists bool) string {
	if !exists {
		return "no stream"
	}
	return fmt.Sprintf("revision %d", last.Revision)
}

// placeOf returns the revision the first event of a batch appended with
// expected lands at, and false for store.Any, whose place is wherever the
// tail is.
func placeOf(expected store.Expected) (uint64, bool) {
	if r, ok := expected.Revision(); ok {
		return r + 1, true
	}
	return 0, expected.IsNoStream()
}

// duplicateOf decides whether batch was stored before, looking for its ids
// among candidates (events read from stream). Only the events found are
// decoded. done is false when none was stored; when all were, the result
// holds the originals in batch order; when only some were, err is
// store.ErrDuplicateEventID.
func duplicateOf(batch []domain.Envelope, candidates []*esdb.RecordedEvent, stream string) (res store.Appended, done bool, err error) {
	stored := make(map[uuid.UUID]*esdb.RecordedEvent, len(candidates))
	for _, c := range candidates {
		stored[c.EventID] = c
	}
	var originals []domain.Envelope
	for _, e := range batch {
		id, err := uuid.Parse(e.EventID)
		c, ok := stored[id]
		if err != nil || !ok {
			continue
		}
		orig, err := fromRecorded(c, stream)
		if err != nil {
			return store.Appended{}, true, err
		}
		originals = append(originals, orig)
	}
	switch len(originals) {
	case 0:
		return store.Appended{}, false, nil
	case len(batch):
		return appended(originals, true), true, nil
	}
	return store.Appended{}, true, fmt.Errorf("%d of %d event ids already stored: %w",
		len(originals), len(batch), store.ErrDuplicateEventID)
}

// sameEvents checks that the events read back after an append are the ones
// sealed for it.
func sameEvents(sealed, got []domain.Envelope) error {
	if len(got) < len(sealed) {
		return fmt.Errorf("%w: %d of %d appended events readable yet; a retry reports them",
			store.ErrUnavailable, len(got), len(sealed))
	}
	for i, e := range sealed {
		if got[i].EventID != e.EventID || got[i].Hash != e.Hash {
			return fmt.Errorf("%w: revision %d holds %s, not the appended %s", ErrCorrupt, e.Revision, got[i].EventID, e.EventID)
		}
	}
	return nil
}

// appended is the result of an append whose events are evs.
func appended(evs []domain.Envelope, dup bool) store.Appended {
	last := evs[len(evs)-1]
	return store.Appended{
		Revision: last.Revision, Position: last.Position, RecordedAt: last.RecordedAt,
		Events: evs, Duplicate: dup,
	}
}
