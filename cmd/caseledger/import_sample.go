package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/caseledger/caseledger/api/demo"
	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store/memory"
)

// importLineJSON is one line of an import file as an exporter writes it.
type importLineJSON struct {
	Stream        string           `json:"stream"`
	EventID       string           `json:"event_id"`
	Type          string           `json:"type"`
	SchemaVersion int              `json:"schema_version"`
	OccurredAt    time.Time        `json:"occurred_at"`
	Actor         domain.Actor     `json:"actor"`
	Data          json.RawMessage  `json:"data"`
	Imported      *domain.Imported `json:"imported"`
	CorrelationID string           `json:"correlation_id,omitempty"`
	CausationID   string           `json:"causation_id,omitempty"`
	Replaces      string           `json:"replaces,omitempty"`
}

// migrationActor is who records a sample import in the ledger.
var migrationActor = domain.Actor{ID: "migration", Name: "nDelius migration", Organisation: "HMPPS", Roles: []string{"import"}}

// sampleCases is how many demo cases a sample is cloned from: enough
// variety, little time.
const sampleCases = 150

// sampleImport returns an import file of n lifelike events: the demo's
// organisation and case histories (api/demo, through the real deciders),
// exported as another system's history and cloned under new CRNs and event
// ids until there are n. The same (n, seed) gives the same file.
func sampleImport(ctx context.Context, n int, seed int64) ([]byte, error) {
	base, err := sampleBase(ctx, seed)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	written := 0
	write := func(e domain.Envelope) error {
		written++
		return enc.Encode(importLineJSON{Stream: e.Stream, EventID: e.EventID, Type: e.Type, SchemaVersion: e.SchemaVersion,
			OccurredAt: e.OccurredAt, Actor: migrationActor, Data: e.Data,
			Imported:      &domain.Imported{System: "nDelius", RecordedAt: e.RecordedAt, Actor: e.Actor},
			CorrelationID: e.CorrelationID, CausationID: e.CausationID, Replaces: e.Replaces})
	}
	for _, e := range base.org {
		if written == n {
			return out.Bytes(), nil
		}
		if err := write(e); err != nil {
			return nil, err
		}
	}
	for clone := 0; ; clone++ {
		for i, c := range base.cases {
			k := clone*len(base.cases) + i // distinct CRNs for 26 million cases
			crn := fmt.Sprintf("%c%06d", 'A'+k/1_000_000%26, k%1_000_000)
			for _, e := range cloneCase(c, crn, clone) {
				if written == n {
					return out.Bytes(), nil
				}
				if err := write(e); err != nil {
					return nil, err
				}
			}
		}
	}
}

// sampleHistory is the demo's ledger, by stream.
type sampleHistory struct {
	org   []domain.Envelope
	cases [][]domain.Envelope
}

var (
	sampleMu    sync.Mutex
	sampleBases = map[int64]*sampleHistory{}
)

// sampleBase generates, once per seed, the demo ledger samples are cloned from.
func sampleBase(ctx context.Context, seed int64) (*sampleHistory, error) {
	sampleMu.Lock()
	defer sampleMu.Unlock()
	if h, ok := sampleBases[seed]; ok {
		return h, nil
	}
	st := memory.New()
	defer st.Close()
	if _, err := demo.Generate(ctx, ledger.New(st, time.Now), demo.Options{Cases: sampleCases, Seed: seed, Now: time.Now()}); err != nil {
		return nil, fmt.Errorf("generate the sample: %w", err)
	}
	h := &sampleHistory{}
	index := map[string]int{}
	for after := uint64(0); ; {
		page, err := st.ReadAll(ctx, after, 1000)
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			switch {
			case e.Stream == domain.OrgStream:
				h.org = append(h.org, e)
			case strings.HasPrefix(e.Stream, "case-"):
				i, ok := index[e.Stream]
				if !ok {
					i = len(h.cases)
					index[e.Stream] = i
					h.cases = append(h.cases, nil)
				}
				h.cases[i] = append(h.cases[i], e)
			}
		}
		after = page[len(page)-1].Position
	}
	sampleBases[seed] = h
	return h, nil
}

var uuidPattern = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

// cloneCase is a case's history under crn, with event ids of its own when
// clone > 0, and every reference to them (causation, replaces, ids in the
// payloads) following.
func cloneCase(evs []domain.Envelope, crn string, clone int) []domain.Envelope {
	oldCRN := evs[0].Stream[len("case-"):]
	ids := map[string]string{}
	mapID := func(id string) string {
		if clone == 0 || id == "" {
			return id
		}
		if m, ok := ids[id]; ok {
			return m
		}
		return id
	}
	if clone > 0 {
		for _, e := range evs {
			ids[e.EventID] = uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "%s/%d", e.EventID, clone)).String()
		}
	}
	out := make([]domain.Envelope, len(evs))
	for i, e := range evs {
		e.Stream = domain.CaseStream(crn)
		e.EventID, e.CausationID, e.Replaces = mapID(e.EventID), mapID(e.CausationID), mapID(e.Replaces)
		data := bytes.ReplaceAll(e.Data, []byte(`"`+oldCRN+`"`), []byte(`"`+crn+`"`))
		if clone > 0 {
			data = uuidPattern.ReplaceAllFunc(data, func(id []byte) []byte { return []byte(mapID(string(id))) })
		}
		e.Data = data
		out[i] = e
	}
	return out
}
