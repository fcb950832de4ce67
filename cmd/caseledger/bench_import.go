package main

import (
	"context"
	"errors"
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
// The import engineer replaces this placeholder with the measurement.
func benchImport(ctx context.Context, dir string, n int) (importFigures, error) {
	return importFigures{}, errors.New("bulk import is not built yet")
}
