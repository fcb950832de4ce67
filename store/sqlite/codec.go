package sqlite

import (
	"encoding/json"
	"fmt"

	"github.com/caseledger/caseledger/domain"
)

// sealed is an envelope as the envelope column stores it: everything but
// the position, which is the row's own key. The outer Position field hides
// the embedded one from encoding/json and, being nil, is omitted.
type sealed struct {
	*domain.Envelope
	Position *struct{} `json:"position,omitempty"`
}

// encode returns e's envelope JSON as stored. It is text, not a blob, so
// that SQLite's JSON functions and the sqlite3 shell read it as JSON.
func encode(e *domain.Envelope) (string, error) {
	raw, err := json.Marshal(sealed{Envelope: e})
	if err != nil {
		return "", fmt.Errorf("encode event %s: %w", e.EventID, err)
	}
	return string(raw), nil
}

// decode returns the envelope stored as raw at position.
func decode(position int64, raw []byte) (domain.Envelope, error) {
	var e domain.Envelope
	if err := json.Unmarshal(raw, &e); err != nil {
		return domain.Envelope{}, fmt.Errorf("decode event at position %d: %w", position, err)
	}
	e.Position = uint64(position)
	return e, nil
}
