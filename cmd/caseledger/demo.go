package main

import (
	"context"
	"flag"
	"fmt"
	"github.com/caseledger/caseledger/api"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/caseledger/caseledger/api/demo"
	"github.com/caseledger/caseledger/api/ledger"
	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
)

// runDemo serves `caseledger demo`: it fills an empty store with an invented
// organisation and case histories, makes a token for each demo user, and
// prints what it wrote and the tokens.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storeFlags
	sf.register(fs)
	cases := fs.Int("cases", 200, "how many cases to generate")
	seed := fs.Int64("seed", 1, "the seed: the same seed gives the same content")
	tokensFile := fs.String("tokens", "", "the tokens file to append the demo tokens to; default DATA/tokens.json")
	if err := fs.Parse(args); err != nil || *cases < 1 || fs.NArg() > 0 {
		if err == nil {
			fmt.Fprintln(stderr, "usage: caseledger demo [--data DIR] [--cases N >= 1] [--seed S] [--tokens FILE]")
		}
		return errUsage
	}
	if *tokensFile == "" {
		*tokensFile = filepath.Join(sf.data, "tokens.json")
	}
	st, where, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if first, err := st.ReadAll(ctx, 0, 1); err != nil {
		return fmt.Errorf("read %s: %w", where, err)
	} else if len(first) > 0 {
		return fmt.Errorf("%s already holds events: demo data goes into an empty store (choose another --data directory)", where)
	}
	progress := newProgress(stderr, "demo")
	start := time.Now()
	cache := &appendCache{eventStore: st, streams: map[string][]domain.Envelope{}}
	sum, err := demo.Generate(ctx, ledger.New(cache, time.Now), demo.Options{Cases: *cases, Seed: *seed, Now: start,
		Progress: func(_, events int) { progress.set(events) }})
	progress.done()
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%d cases, %d events in %s (store: %s)\n\n", sum.Cases, sum.Total, elapsed.Round(time.Millisecond), where)
	types := make([]string, 0, len(sum.Events))
	for t := range sum.Events {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Fprintf(tw, "  %s\t%d\n", t, sum.Events[t])
	}
	if err := tw.Flush(); err != nil { // what was written is shown even if the tokens fail
		return err
	}
	fmt.Fprintf(tw, "\ntokens (appended to %s):\n", *tokensFile)
	orgHistory, err := readHistory(ctx, st, domain.OrgStream)
	if err != nil {
		return err
	}
	org := domain.BuildOrg(orgHistory)
	var env strings.Builder
	for _, u := range sum.Users {
		token, err := NewToken(*tokensFile, u)
		if err != nil {
			return fmt.Errorf("tokens file %s: %w", *tokensFile, err)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", u.Roles[0], u.ID, token)
		writeEnv(&env, org, u, token)
	}
	envFile := filepath.Join(filepath.Dir(*tokensFile), "tokens.env")
	if err := os.WriteFile(envFile, []byte(env.String()), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(tw, "\nfor a shell: source %s\n", envFile)
	return tw.Flush()
}

// writeEnv writes a demo identity as shell variables: ADMIN_TOKEN,
// REVIEWER_TOKEN, AUDITOR_TOKEN, and for each provider's practitioner
// <PROVIDER>_TOKEN, <PROVIDER>_OFFICER and <PROVIDER>_TEAM (e.g. NPS_TOKEN,
// CRC_N_OFFICER), so the README's commands work as written.
func writeEnv(b *strings.Builder, org *domain.Org, u api.TokenEntry, token string) {
	name := strings.ToUpper(u.Roles[0])
	if u.Roles[0] == api.RolePractitioner {
		name = strings.NewReplacer("-", "_", " ", "_").Replace(strings.ToUpper(u.Organisation))
		team := ""
		if off, ok := org.Officers[u.ID]; ok {
			team = off.TeamOf(time.Now())
		}
		fmt.Fprintf(b, "export %s_OFFICER=%s\nexport %s_TEAM=%s\n", name, u.ID, name, team)
	}
	fmt.Fprintf(b, "export %s_TOKEN=%s\n", name, token)
}

// appendCache is the store as the demo's ledger sees it. The ledger reads a
// stream whole, and decodes it, before every command; the demo is the only
// writer of a store that was empty, so the cache keeps each stream as it was
// appended and answers those reads from memory. Writes go to the store.
type appendCache struct {
	eventStore
	mu      sync.Mutex
	streams map[string][]domain.Envelope
}

func (c *appendCache) Append(ctx context.Context, stream string, expected store.Expected, evs ...domain.Envelope) (store.Appended, error) {
	res, err := c.eventStore.Append(ctx, stream, expected, evs...)
	if err == nil && !res.Duplicate {
		c.mu.Lock()
		c.streams[stream] = append(c.streams[stream], res.Events...)
		c.mu.Unlock()
	}
	return res, err
}

func (c *appendCache) ReadStream(_ context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	evs := c.streams[stream]
	if from >= uint64(len(evs)) {
		return nil, nil
	}
	evs = evs[from:]
	if limit > 0 && len(evs) > limit {
		evs = evs[:limit]
	}
	return slices.Clone(evs), nil
}
