package runner

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/caseledger/caseledger/projections"
)

// marshalActors returns json.Marshal(a), in pieces to be written one after
// the other. The actor index is most of the snapshot, an entry per event,
// so its JSON is written directly, in the same bytes, in two halves at
// once; a string that needs escaping or a time not in UTC is left to
// encoding/json.
func marshalActors(a *projections.Actors) ([][]byte, error) {
	if a.ByActor == nil {
		b, err := json.Marshal(a)
		return [][]byte{b}, err
	}
	ids := make([]string, 0, len(a.ByActor))
	for id := range a.ByActor {
		ids = append(ids, id)
	}
	slices.Sort(ids) // as encoding/json orders a map's keys
	half := len(ids) / 2
	var second []byte
	var secondErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		second, secondErr = appendActorEntries(make([]byte, 0, entriesSize(a, ids[half:])+2), a, ids[half:])
		second = append(second, "}}"...)
	}()
	first, err := appendActorEntries(append(make([]byte, 0, entriesSize(a, ids[:half])+16), `{"by_actor":{`...), a, ids[:half])
	<-done
	if err := errors.Join(err, secondErr); err != nil {
		return nil, err
	}
	if half > 0 {
		first = append(first, ',')
	}
	return [][]byte{first, second}, nil
}

// entriesSize is about the length of the JSON of the actors ids' entries.
func entriesSize(a *projections.Actors, ids []string) int {
	const perRef = 160 // a case stream, a long type, a time with nanoseconds
	n := 0
	for _, id := range ids {
		n += len(id) + 4 + perRef*len(a.ByActor[id])
	}
	return n
}

// appendActorEntries appends the entries of the actors ids, comma-separated.
func appendActorEntries(out []byte, a *projections.Actors, ids []string) ([]byte, error) {
	for i, id := range ids {
		if i > 0 {
			out = append(out, ',')
		}
		var err error
		if out, err = appendJSONString(out, id); err != nil {
			return nil, err
		}
		out = append(out, ':')
		if out, err = appendEventRefs(out, a.ByActor[id]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func appendEventRefs(out []byte, refs []projections.EventRef) ([]byte, error) {
	if refs == nil {
		return append(out, "null"...), nil
	}
	out = append(out, '[')
	for i, r := range refs {
		if i > 0 {
			out = append(out, ',')
		}
		var err error
		if out, err = appendEventRef(out, &r); err != nil {
			return nil, err
		}
	}
	return append(out, ']'), nil
}

func appendEventRef(out []byte, r *projections.EventRef) ([]byte, error) {
	var err error
	if out, err = appendJSONString(append(out, `{"stream":`...), r.Stream); err != nil {
		return nil, err
	}
	out = strconv.AppendUint(append(out, `,"revision":`...), r.Revision, 10)
	out = strconv.AppendUint(append(out, `,"position":`...), r.Position, 10)
	if out, err = appendJSONString(append(out, `,"type":`...), r.Type); err != nil {
		return nil, err
	}
	if out, err = appendJSONTime(append(out, `,"recorded_at":`...), r.RecordedAt); err != nil {
		return nil, err
	}
	return append(out, '}'), nil
}

// appendJSONString appends s as encoding/json writes it: directly when
// it is printable ASCII that needs no escape, else by json.Marshal.
func appendJSONString(out []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, err := json.Marshal(s)
			return append(out, b...), err
		}
	}
	out = append(out, '"')
	out = append(out, s...)
	return append(out, '"'), nil
}

// appendJSONTime appends t as time.Time's MarshalJSON writes it.
func appendJSONTime(out []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); t.Location() != time.UTC || y < 0 || y > 9999 {
		b, err := t.MarshalJSON()
		return append(out, b...), err
	}
	out = append(out, '"')
	out = t.AppendFormat(out, time.RFC3339Nano)
	return append(out, '"'), nil
}
