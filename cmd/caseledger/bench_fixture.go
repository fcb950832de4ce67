package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/caseledger/caseledger/api"
	"github.com/caseledger/caseledger/api/demo"
	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/projections"
)

// benchFixture is the data the bench measures against: the demo's cases
// (realistic histories) for the reads, synthetic cases for the writes, one
// case of many events for the timeline and the ownership queries, and a
// token for each identity.
type benchFixture struct {
	tokens      *api.Tokens
	demoCases   []benchCase      // each with a token that may read it
	writeCases  []benchCase      // each with a token that may write to it
	big         benchCase        // the large case, read by its practitioner
	bigReviewer string           // a token that may read the large case's SFO timeline
	bigOpened   time.Time        // the large case's first occurred_at
	bigRecorded time.Time        // the large case's first recorded_at
	events      int              // events in the store once the fixture is written
	writeRate   float64          // events/s the synthetic cases were written at
	took        [3]time.Duration // writing the demo cases, the write cases, the large case
}

// benchCase is a case and who the bench acts on it as.
type benchCase struct {
	crn     string
	token   string
	officer string // an officer serving in the owner's team (appointments)
}

// benchIdentities are the demo's users, each with a token the bench made.
type benchIdentities struct {
	tokens        *api.Tokens
	practitioners map[string]benchActor // by provider
	reviewer      string
	auditor       string
}

type benchActor struct {
	actor domain.Actor
	token string
}

// newBenchFixture writes the fixture into the empty store st.
func newBenchFixture(ctx context.Context, st eventStore, cfg benchConfig, prog *benchProgress) (*benchFixture, error) {
	now := time.Now()
	var fx benchFixture
	prog.step("generating %d demo cases", cfg.cases)
	cache := &appendCache{eventStore: st, streams: map[string][]domain.Envelope{}}
	sum, err := demo.Generate(ctx, ledger.New(cache, time.Now), demo.Options{Cases: cfg.cases, Seed: cfg.seed, Now: now,
		Progress: func(cases, events int) { prog.count("demo cases", cases, cfg.cases) }})
	if err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	ids, err := newBenchIdentities(sum.Users)
	if err != nil {
		return nil, err
	}
	fx.tokens, fx.events, fx.took[0] = ids.tokens, sum.Total, time.Since(now)
	for i := range cfg.cases {
		crn := fmt.Sprintf("D%06d", i+1)
		h, err := readHistory(ctx, st, domain.CaseStream(crn))
		if err != nil {
			return nil, err
		}
		fx.demoCases = append(fx.demoCases, benchCase{crn: crn, token: ids.readerOf(projections.RowOf(h, time.Now()))})
	}
	l := ledger.New(st, time.Now)
	org, _, err := l.Org(ctx)
	if err != nil {
		return nil, err
	}
	gen := newSynth(org, ids, time.Now())
	prog.step("writing %d cases for the writes", cfg.writeCases)
	start := time.Now()
	n, err := gen.writeCases(ctx, l, 'W', cfg.writeCases, synthEvents, prog, func(i int, c benchCase) {
		fx.writeCases = append(fx.writeCases, c)
	})
	if err != nil {
		return nil, err
	}
	fx.events += n
	fx.took[1] = time.Since(start)
	fx.writeRate = float64(n) / fx.took[1].Seconds()
	sort.Slice(fx.writeCases, func(i, j int) bool { return fx.writeCases[i].crn < fx.writeCases[j].crn })
	prog.step("writing a case of %d events", cfg.caseEvents)
	start = time.Now()
	big, err := gen.bigCase(ctx, l, "B000001", cfg.caseEvents, prog)
	if err != nil {
		return nil, err
	}
	fx.big, fx.bigReviewer, fx.bigOpened, fx.bigRecorded = big.benchCase, ids.reviewer, big.opened, big.recorded
	fx.events += cfg.caseEvents
	fx.took[2] = time.Since(start)
	return &fx, nil
}

// synthEvents is how many events each synthetic case starts with, so that
// a write decides on a history of a realistic length.
const synthEvents = 20

func newBenchIdentities(users []api.TokenEntry) (benchIdentities, error) {
	ids := benchIdentities{practitioners: map[string]benchActor{}}
	var entries []api.TokenEntry
	for _, u := range users {
		raw := make([]byte, 16)
		if _, err := rand.Read(raw); err != nil {
			return ids, err
		}
		token := "bench_" + hex.EncodeToString(raw)
		u.TokenSHA256 = api.HashToken(token)
		entries = append(entries, u)
		switch u.Roles[0] {
		case api.RolePractitioner:
			ids.practitioners[u.Organisation] = benchActor{actor: domain.Actor{ID: u.ID, Name: u.Name, Organisation: u.Organisation, Roles: u.Roles}, token: token}
		case api.RoleReviewer:
			ids.reviewer = token
		case api.RoleAuditor:
			ids.auditor = token
		}
	}
	if ids.reviewer == "" || ids.auditor == "" || len(ids.practitioners) == 0 {
		return ids, fmt.Errorf("demo users: want practitioners, a reviewer and an auditor, got %d users", len(users))
	}
	data, err := json.Marshal(entries)
	if err != nil {
		return ids, err
	}
	ids.tokens, err = api.ParseTokens(data)
	return ids, err
}

// readerOf returns a token that may read the case whose row is given: the
// practitioner of the provider that owns it (or opened it, with no owner),
// as most reads are; the auditor for a limited-access case or a provider
// without a demo practitioner.
func (ids benchIdentities) readerOf(row projections.CaseRow) string {
	if len(row.Excluded) > 0 || len(row.AllowList) > 0 {
		return ids.auditor
	}
	provider := row.OpenedBy
	if row.Owner != nil {
		provider = row.Owner.Provider
	}
	if p, ok := ids.practitioners[provider]; ok {
		return p.token
	}
	return ids.auditor
}
