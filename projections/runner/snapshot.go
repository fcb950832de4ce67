package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/caseledger/caseledger/projections"
)

// snapshotVersion changes whenever the snapshot's shape does; a snapshot of
// another version is ignored and the projections are rebuilt.
const snapshotVersion = 1

type snapshotFile struct {
	Version   int                    `json:"version"`
	Directory *projections.Directory `json:"directory"`
	Actors    *projections.Actors    `json:"actors"`
}

// marshalSnapshot returns json.Marshal(snapshotFile{...}) of the
// projections in pieces to be written one after the other, the directory
// and the actor index marshalled at once on two goroutines: the snapshot
// is written at the end of every rebuild.
func marshalSnapshot(dir *projections.Directory, actors *projections.Actors) ([][]byte, error) {
	var dirJSON []byte
	var dirErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		dirJSON, dirErr = json.Marshal(dir)
	}()
	actorsJSON, err := marshalActors(actors)
	<-done
	if err := errors.Join(dirErr, err); err != nil {
		return nil, err
	}
	head := fmt.Appendf(nil, `{"version":%d,"directory":`, snapshotVersion)
	pieces := append([][]byte{head, dirJSON, []byte(`,"actors":`)}, actorsJSON...)
	return append(pieces, []byte("}")), nil
}

// decodeSnapshot decodes a snapshot with go-json-experiment's engine and
// encoding/json's semantics (the domain's payload decoder, about twice as
// fast: the snapshot of a large ledger is gigabytes, and a restart waits
// for it), and with encoding/json itself if that refuses it.
func decodeSnapshot(data []byte) (snapshotFile, error) {
	var f snapshotFile
	if jsonv2.Unmarshal(data, &f, snapshotOptions) == nil {
		return f, nil
	}
	f = snapshotFile{}
	err := json.Unmarshal(data, &f)
	return f, err
}

var snapshotOptions = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv1.ReportErrorsWithLegacySemantics(false))

// Load reads the snapshot, if there is one of this version. It reports
// whether one was loaded.
func (r *Runner) Load() (bool, error) {
	if r.snap == "" {
		return false, nil
	}
	data, err := os.ReadFile(r.snap)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("projections: read snapshot: %w", err)
	}
	f, err := decodeSnapshot(data)
	if err != nil || f.Version != snapshotVersion || f.Directory == nil || f.Actors == nil {
		return false, nil // unreadable or old: rebuild from the store
	}
	f.Directory.Reindex()
	r.mu.Lock()
	f.Actors.Intern()
	r.dir, r.actors = f.Directory, f.Actors
	r.mu.Unlock()
	return true, nil
}

// Save writes the snapshot atomically: a temporary file, fsync, rename.
func (r *Runner) Save() error {
	if r.snap == "" {
		return nil
	}
	r.mu.RLock()
	pieces, err := marshalSnapshot(r.dir, r.actors)
	r.mu.RUnlock()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(r.snap), ".snapshot-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	for _, data := range pieces {
		if _, err := tmp.Write(data); err != nil {
			tmp.Close()
			return err
		}
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), r.snap)
}

// Run keeps the projections caught up until ctx ends, checking the store
// every interval, and writes a snapshot once the projections have moved on
// by saveEvents positions or saveEvery has passed since the last one —
// not at every change: a snapshot is the whole directory and actor index,
// and a restart catches up whatever came after it from the store. It
// writes a last snapshot on the way out.
func (r *Runner) Run(ctx context.Context, interval time.Duration, errs func(error)) {
	saved, savedAt := r.Position(), time.Now()
	save := func() {
		if pos := r.Position(); pos != saved {
			if err := r.Save(); err != nil {
				errs(err)
				return
			}
			saved, savedAt = pos, time.Now()
		}
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if _, err := r.catchUp(ctx, nil); err != nil && ctx.Err() == nil {
			errs(err)
		}
		if err := r.CatchUpTree(ctx); err != nil && ctx.Err() == nil {
			errs(err)
		}
		if r.Position() >= saved+saveEvents || time.Since(savedAt) >= saveEvery {
			save()
		}
		select {
		case <-ctx.Done():
			save()
			return
		case <-tick.C:
		}
	}
}

// saveEvents and saveEvery say how far the projections may move on before
// Run writes a snapshot.
const (
	saveEvents = 100_000
	saveEvery  = time.Minute
)

// Rebuild drops the projections and folds the whole ledger again, reporting
// progress in events folded, then writes a snapshot. Over a store that reads
// every stream whole (streamReader) each case is read and folded once.
func (r *Runner) Rebuild(ctx context.Context, progress func(uint64)) (int, error) {
	r.mu.Lock()
	r.dir, r.actors = projections.NewDirectory(), projections.NewActors()
	r.mu.Unlock()
	n, err := r.catchUp(ctx, progress)
	if err != nil {
		return n, err
	}
	return n, r.Save()
}
