package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestZZBenchImport(t *testing.T) {
	for run := range 3 {
		dir := filepath.Join(t.TempDir(), "run")
		os.MkdirAll(dir, 0o750)
		f, err := benchImport(context.Background(), dir, 100000)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("run %d: import %.0f/s bare %.0f/s ratio %.3f", run+1, f.ImportPerSec, f.BarePerSec, f.ImportPerSec/f.BarePerSec)
	}
}
