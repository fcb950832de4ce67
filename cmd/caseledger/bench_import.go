package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/caseledger/caseledger/store/sqlite"
)

// importFigures are the bulk import row of the benchmark: the import's rate
// and that of a bare SQLite insert of the same rows with the same durability,
// measured in the same run.
type importFigures struct {
	Events       int     `json:"events"`
	ImportPerSec float64 `json:"import_events_per_s"`
	BarePerSec   float64 `json:"bare_sqlite_events_per_s"`
}

// benchImport measures the bulk import of n generated events into a fresh
// store in dir against a bare SQLite insert of the same rows.
//
// The import is timed as an operator meets it, from reading the NDJSON file
// to the last durable commit: every line decoded and checked, every stream
// looked up in the store, every event sealed (hash chain, recorded_at) and
// inserted. The baseline then inserts the very rows the import stored, read
// back from its file (same columns and bytes), into a fresh file with plain
// database/sql multi-row INSERTs, the same connection settings (WAL,
// synchronous=FULL, page size), statement sizes and transactions, and
// nothing else (sqlite.BareInsert). Each starts as in a process of its own:
// the garbage of what came before collected and the heap given back.
func benchImport(ctx context.Context, dir string, n int) (importFigures, error) {
	data, err := sampleImport(ctx, n, 1)
	if err != nil {
		return importFigures{}, err
	}
	file := filepath.Join(dir, "events.ndjson")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		return importFigures{}, err
	}
	importDB := filepath.Join(dir, "import.db")
	st, err := sqlite.Open(importDB)
	if err != nil {
		return importFigures{}, err
	}
	debug.FreeOSMemory() // as in a process of its own: none of the generator's garbage to collect, no heap to reuse
	start := time.Now()
	rep, err := importPath(ctx, st, file)
	elapsed := time.Since(start)
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return importFigures{}, err
	}
	if rep.imported != n || len(rep.failed) > 0 {
		return importFigures{}, fmt.Errorf("imported %d of %d events, %d streams refused", rep.imported, n, len(rep.failed))
	}

	rows, err := sqlite.ReadRows(ctx, importDB)
	if err != nil {
		return importFigures{}, err
	}
	debug.FreeOSMemory()
	start = time.Now()
	if err := sqlite.BareInsert(ctx, filepath.Join(dir, "bare.db"), rows, sqlite.DefaultTxEvents); err != nil {
		return importFigures{}, err
	}
	bare := time.Since(start)
	return importFigures{Events: n, ImportPerSec: float64(n) / elapsed.Seconds(), BarePerSec: float64(len(rows)) / bare.Seconds()}, nil
}

// importPath imports the NDJSON file at path into st, as `caseledger
// import` does, without progress.
func importPath(ctx context.Context, st eventStore, path string) (importReport, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return importReport{}, err
	}
	return importNDJSON(ctx, st, data, importOptions{})
}
