package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gowebpki/jcs"
)

// ZeroHash is the prev_hash of the first event of every stream.
var ZeroHash = strings.Repeat("0", 64)

// Actor is who recorded an event: always the authenticated caller, never a body.
type Actor struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Organisation string   `json:"organisation"`
	Roles        []string `json:"roles"`
}

// Imported records, for bulk-imported history, the source system's own
// recording time and actor.
type Imported struct {
	System     string    `json:"system"`
	RecordedAt time.Time `json:"recorded_at"`
	Actor      Actor     `json:"actor"`
}

// Envelope is a stored event with everything DOMAIN.md puts around its
// payload. Stream, Revision, Position, RecordedAt, PrevHash and Hash are set by
// the store where appends are serialised; every other field by the caller.
type Envelope struct {
	EventID       string          `json:"event_id"`
	Stream        string          `json:"stream"`
	Revision      uint64          `json:"revision"`
	Position      uint64          `json:"position"`
	Type          string          `json:"type"`
	SchemaVersion int             `json:"schema_version"`
	OccurredAt    time.Time       `json:"occurred_at"`
	RecordedAt    time.Time       `json:"recorded_at"`
	Actor         Actor           `json:"actor"`
	CorrelationID string          `json:"correlation_id,omitempty"`
	CausationID   string          `json:"causation_id,omitempty"`
	Replaces      string          `json:"replaces,omitempty"`
	Imported      *Imported       `json:"imported,omitempty"`
	PrevHash      string          `json:"prev_hash"`
	Hash          string          `json:"hash"`
	Data          json.RawMessage `json:"data"`
}

// hashed is the envelope as it is hashed: everything but hash and position.
// Times are normalised to UTC so the hash does not depend on a zone.
type hashed struct {
	EventID       string          `json:"event_id"`
	Stream        string          `json:"stream"`
	Revision      uint64          `json:"revision"`
	Type          string          `json:"type"`
	SchemaVersion int             `json:"schema_version"`
	OccurredAt    string          `json:"occurred_at"`
	RecordedAt    string          `json:"recorded_at"`
	Actor         Actor           `json:"actor"`
	CorrelationID string          `json:"correlation_id,omitempty"`
	CausationID   string          `json:"causation_id,omitempty"`
	Replaces      string          `json:"replaces,omitempty"`
	Imported      *Imported       `json:"imported,omitempty"`
	PrevHash      string          `json:"prev_hash"`
	Data          json.RawMessage `json:"data"`
}

// FormatTime is the one textual form of an instant in the ledger: RFC 3339
// with nanoseconds, in UTC.
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ComputeHash returns the SHA-256, in hex, of the RFC 8785 canonical JSON of
// e without its hash and position. The canonical JSON is written directly
// (appendHashed); an envelope that writer leaves aside takes the slow path,
// json.Marshal then jcs.Transform, which gives the same bytes.
func ComputeHash(e Envelope) (string, error) {
	s := hashScratches.Get().(*hashScratch)
	defer s.release()
	canon, ok := appendHashed(s.buf[:0], &e, &s.c)
	if !ok {
		var err error
		if canon, err = canonicalSlow(e); err != nil {
			return "", err
		}
	} else {
		s.buf = canon
	}
	sum := sha256.Sum256(canon)
	var hexSum [2 * sha256.Size]byte
	hex.Encode(hexSum[:], sum[:])
	return string(hexSum[:]), nil
}

// hashScratch is the memory ComputeHash reuses: the canonical JSON's buffer
// and the canonicaliser's stacks.
type hashScratch struct {
	buf []byte
	c   canonicaliser
}

var hashScratches = sync.Pool{New: func() any { return &hashScratch{buf: make([]byte, 0, 2048)} }}

// release returns s to the pool, unless a huge envelope made it too big to keep.
func (s *hashScratch) release() {
	if cap(s.buf) <= 64<<10 && cap(s.c.tmp) <= 64<<10 && cap(s.c.members) <= 4096 {
		hashScratches.Put(s)
	}
}

// canonicalSlow is the canonical JSON of e by the definition: the hashed
// struct marshalled by encoding/json, then canonicalised by jcs.Transform.
func canonicalSlow(e Envelope) ([]byte, error) {
	roles := e.Actor.Roles
	if roles == nil {
		roles = []string{}
	}
	h := hashed{
		EventID: e.EventID, Stream: e.Stream, Revision: e.Revision, Type: e.Type,
		SchemaVersion: e.SchemaVersion, OccurredAt: FormatTime(e.OccurredAt),
		RecordedAt: FormatTime(e.RecordedAt), Actor: e.Actor, CorrelationID: e.CorrelationID,
		CausationID: e.CausationID, Replaces: e.Replaces, Imported: e.Imported,
		PrevHash: e.PrevHash, Data: e.Data,
	}
	h.Actor.Roles = roles
	if e.Imported != nil {
		im := *e.Imported // its time too is hashed in UTC
		im.RecordedAt = im.RecordedAt.UTC()
		h.Imported = &im
	}
	if len(h.Data) == 0 {
		h.Data = json.RawMessage("{}")
	}
	raw, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("hash event %s: %w", e.EventID, err)
	}
	canon, err := jcs.Transform(raw)
	if err != nil {
		return nil, fmt.Errorf("canonicalise event %s: %w", e.EventID, err)
	}
	return canon, nil
}

// Seal places e in stream at revision after an event whose hash is prev,
// stamps recordedAt, and sets PrevHash and Hash. Stores call it at the point
// where appends to the stream are serialised.
func Seal(e *Envelope, stream string, revision uint64, prev string, recordedAt time.Time) error {
	if len(e.Data) == 0 {
		e.Data = json.RawMessage("{}")
	}
	e.Stream = stream
	e.Revision = revision
	e.PrevHash = prev
	e.RecordedAt = recordedAt.UTC()
	e.OccurredAt = e.OccurredAt.UTC()
	if e.Imported != nil {
		im := *e.Imported // a copy: the caller's Imported is left alone
		im.RecordedAt = im.RecordedAt.UTC()
		e.Imported = &im
	}
	h, err := ComputeHash(*e)
	if err != nil {
		return err
	}
	e.Hash = h
	return nil
}
