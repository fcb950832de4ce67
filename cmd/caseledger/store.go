package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/caseledger/caseledger/domain"
	"github.com/caseledger/caseledger/store"
	"github.com/caseledger/caseledger/store/esdb"
	"github.com/caseledger/caseledger/store/sqlite"
)

// eventStore is what the commands need from a store.
type eventStore interface {
	Append(ctx context.Context, stream string, expected store.Expected, evs ...domain.Envelope) (store.Appended, error)
	ReadStream(ctx context.Context, stream string, from uint64, limit int) ([]domain.Envelope, error)
	ReadAll(ctx context.Context, after uint64, limit int) ([]domain.Envelope, error)
	Close() error
}

// storeFlags are the flags that choose a store, shared by every command.
type storeFlags struct {
	data  string
	store string
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "data", "data directory of the embedded store")
	fs.StringVar(&f.store, "store", "", "an EventStoreDB connection string (esdb://...) to use instead of the embedded store")
}

// DBFile is the embedded store's file inside the data directory.
const DBFile = "caseledger.db"

// CheckpointsFile is where signed checkpoints are kept, one JSON object a line.
const CheckpointsFile = "checkpoints.jsonl"

// SnapshotFile is where the projections checkpoint, inside the data directory.
const SnapshotFile = "projections.json"

// open opens the chosen store.
func (f *storeFlags) open(ctx context.Context) (eventStore, string, error) {
	if f.store != "" {
		if !strings.HasPrefix(f.store, "esdb://") && !strings.HasPrefix(f.store, "esdb+discover://") && !strings.HasPrefix(f.store, "kurrentdb://") {
			return nil, "", fmt.Errorf("--store %q: want an esdb:// connection string", f.store)
		}
		s, err := esdb.Open(ctx, f.store)
		if err != nil {
			return nil, "", fmt.Errorf("open EventStoreDB: %w", err)
		}
		return s, "EventStoreDB", nil
	}
	if err := os.MkdirAll(f.data, 0o750); err != nil {
		return nil, "", fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(f.data, DBFile)
	s, err := sqlite.Open(path)
	if err != nil {
		return nil, "", fmt.Errorf("open %s: %w", path, err)
	}
	return s, path, nil
}
